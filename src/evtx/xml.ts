/**
 * The Windows XML rendering of a record (`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">…`),
 * laid out like libevtx's `evtxexport -f xml`: two-space indentation, empty elements self-closed, values in the
 * Windows spelling (`{GUID}`, zero-padded hex, 100 ns times). Attributes whose value is empty are left out, as
 * Windows does for absent optional substitutions (`<Security/>`).
 */
import { RElement, RRef, type RAttr, type RPart } from './resolve.js';
import { isEmptyValue, T, valueText } from './values.js';

const ESC_TEXT = /[&<>]/;
const ESC_ATTR = /[&<>"]/;

function escapeText(s: string): string {
  if (!ESC_TEXT.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  if (!ESC_ATTR.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Characters XML 1.0 forbids: dropped, so the document always parses. */
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const INVALID_ALL = new RegExp(INVALID.source, 'g');

const clean = (s: string) => (INVALID.test(s) ? s.replace(INVALID_ALL, '') : s);

class XmlWriter {
  out = '';
  constructor(
    readonly bytes: Uint8Array,
    readonly table: number[],
  ) {}

  private value(i: number): string {
    const t = this.table;
    const type = t[3 * i]! & 0x7f;
    const s = valueText(this.bytes, t[3 * i]!, t[3 * i + 1]!, t[3 * i + 2]!, 'windows');
    // Only strings can hold characters XML forbids; numbers, times and hex never do.
    return type === T.STRING || type === T.ANSI ? clean(s) : s;
  }

  private present(parts: RPart[]): boolean {
    const t = this.table;
    for (const p of parts) {
      if (typeof p === 'string') {
        if (p.length) return true;
      } else if (typeof p === 'number') {
        if (!isEmptyValue(this.bytes, t[3 * p]!, t[3 * p + 1]!, t[3 * p + 2]!)) return true;
      } else if (p instanceof RRef) return true;
    }
    return false;
  }

  private inline(parts: RPart[], attr: boolean): string {
    let s = '';
    for (const p of parts) {
      if (typeof p === 'string') s += attr ? escapeAttr(clean(p)) : escapeText(clean(p));
      else if (typeof p === 'number') s += attr ? escapeAttr(this.value(p)) : escapeText(this.value(p));
      else if (p instanceof RRef) {
        if (p.ref === 'char') s += '&#' + p.code + ';';
        else if (p.ref === 'entity') s += '&' + p.text + ';';
        else if (p.ref === 'cdata') s += attr ? escapeAttr(p.text) : '<![CDATA[' + p.text.replace(/]]>/g, ']]]]><![CDATA[>') + ']]>';
        else if (!attr) s += '<?' + p.text.replace(/\?>/g, '? >') + '?>';
      }
    }
    return s;
  }

  private attrs(attrs: RAttr[]): string {
    let s = '';
    for (const a of attrs) if (this.present(a.parts)) s += ' ' + a.name + '="' + this.inline(a.parts, true) + '"';
    return s;
  }

  /** An array with no items repeats its element zero times (libevtx and Windows leave the element out). */
  private emptyArray(el: RElement): boolean {
    const t = this.table;
    for (const k of el.kids) if (typeof k === 'number' && t[3 * k]! & T.ARRAY && t[3 * k + 2] === 0) return true;
    return false;
  }

  element(el: RElement, indent: string): void {
    if (this.emptyArray(el) || (el.vanished && !el.attrs.some((a) => this.present(a.parts)))) return;
    const open = '<' + el.name + this.attrs(el.attrs);
    if (!el.hasElement) {
      const text = this.present(el.kids) ? this.inline(el.kids, false) : '';
      this.out += indent + open + (text ? '>' + text + '</' + el.name + '>\n' : '/>\n');
      return;
    }
    this.out += indent + open + '>\n';
    const inner = indent + '  ';
    for (const k of el.kids) {
      if (k instanceof RElement) this.element(k, inner);
      else if (this.present([k])) this.out += inner + this.inline([k], false) + '\n';
    }
    this.out += indent + '</' + el.name + '>\n';
  }
}

/** A record as an XML document (no declaration), ending with a newline. */
export function recordXml(bytes: Uint8Array, table: number[], root: RElement): string {
  const w = new XmlWriter(bytes, table);
  w.element(root, '');
  return w.out;
}
