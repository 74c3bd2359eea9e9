/**
 * Reads the XML a reader prints for a log (`evtxexport -f xml`, or our own `evtx dump --format xml`) back into the
 * rendered trees of `expectedTree`, so round-trip tests compare structure and values, not layout. Tolerant of what
 * evtxexport does: banner and error lines between events, unescaped attribute values, repeated attributes.
 */
import type { RenderedElement, RenderedNode } from '../../src/evtx/writer/index.js';

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITY[e] ?? m;
  });
}

class Parser {
  pos = 0;
  constructor(
    readonly s: string,
    readonly escapedAttributes: boolean,
  ) {}

  private fail(what: string): never {
    throw new Error(`${what} at ${this.pos}: ${JSON.stringify(this.s.slice(this.pos, this.pos + 60))}`);
  }

  private name(): string {
    const m = /^[^\s/>=]+/.exec(this.s.slice(this.pos, this.pos + 256));
    if (!m) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private ws(): void {
    while (/\s/.test(this.s[this.pos] ?? '')) this.pos++;
  }

  element(): RenderedElement {
    if (this.s[this.pos] !== '<') this.fail('expected <');
    this.pos++;
    const name = this.name();
    const attributes: [string, string][] = [];
    for (;;) {
      this.ws();
      if (this.s.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { name, attributes, children: [] };
      }
      if (this.s[this.pos] === '>') {
        this.pos++;
        break;
      }
      const an = this.name();
      if (!this.s.startsWith('="', this.pos)) this.fail('expected ="');
      this.pos += 2;
      // libevtx does not escape attribute values: the value ends at a quote followed by a space, '/' or '>'.
      let end = this.pos;
      for (;;) {
        end = this.s.indexOf('"', end);
        if (end < 0) this.fail('unterminated attribute');
        const next = this.s[end + 1];
        if (next === ' ' || next === '/' || next === '>') break;
        end++;
      }
      const raw = this.s.slice(this.pos, end);
      attributes.push([an, this.escapedAttributes ? decode(raw) : raw]);
      this.pos = end + 1;
    }
    const children: RenderedNode[] = [];
    for (;;) {
      if (this.pos >= this.s.length) this.fail(`unterminated <${name}>`);
      if (this.s.startsWith('</', this.pos)) {
        this.pos += 2;
        const close = this.name();
        if (close !== name) this.fail(`</${close}> closes <${name}>`);
        this.ws();
        this.pos++; // '>'
        break;
      }
      if (this.s.startsWith('<![CDATA[', this.pos)) {
        const end = this.s.indexOf(']]>', this.pos);
        if (end < 0) this.fail('unterminated CDATA');
        children.push({ cdata: this.s.slice(this.pos + 9, end) });
        this.pos = end + 3;
      } else if (this.s.startsWith('<?', this.pos)) {
        const end = this.s.indexOf('?>', this.pos);
        if (end < 0) this.fail('unterminated PI');
        const body = this.s.slice(this.pos + 2, end);
        const sp = body.indexOf(' ');
        children.push(sp < 0 ? { pi: body, data: '' } : { pi: body.slice(0, sp), data: body.slice(sp + 1) });
        this.pos = end + 2;
      } else if (this.s[this.pos] === '<') {
        children.push(this.element());
      } else {
        const end = this.s.indexOf('<', this.pos);
        children.push(decode(this.s.slice(this.pos, end < 0 ? this.s.length : end)));
        this.pos = end < 0 ? this.s.length : end;
      }
    }
    // Line breaks and indentation between child elements are layout, not content.
    const structured = children.some((c) => typeof c !== 'string');
    return { name, attributes, children: structured ? children.filter((c) => typeof c !== 'string' || c.trim() !== '') : children.filter((c) => c !== '') };
  }
}

export interface XmlDump {
  events: RenderedElement[];
  /** Lines that were not part of an event (banner, "Unable to export record: N."). */
  other: string[];
}

/** Every top-level `<Event>` in a reader's XML output. */
export function parseXmlDump(out: string, options: { escapedAttributes?: boolean } = {}): XmlDump {
  const events: RenderedElement[] = [];
  const other: string[] = [];
  const p = new Parser(out, options.escapedAttributes ?? false);
  while (p.pos < out.length) {
    const lineEnd = out.indexOf('\n', p.pos);
    const line = out.slice(p.pos, lineEnd < 0 ? out.length : lineEnd);
    if (line.startsWith('<Event')) {
      events.push(p.element());
      const nl = out.indexOf('\n', p.pos);
      p.pos = nl < 0 ? out.length : nl + 1;
    } else {
      if (line.trim()) other.push(line);
      p.pos = lineEnd < 0 ? out.length : lineEnd + 1;
    }
  }
  return { events, other };
}
