/**
 * What a reader should show for a record we wrote: the rendered XML tree, with the format's rules applied — an
 * optional substitution whose value is null removes its element (or attribute), an array repeats its element (or
 * attribute) once per item, embedded BinXml becomes child elements, references become characters. Round-trip tests
 * compare a reader's output with this tree; a reader with its own spelling passes its own `text`.
 */
import type { AttributeContent, EvtxRecord, XmlContent, XmlElement } from './model.js';
import { scalarText, valueText } from './text.js';
import type { ScalarValue, Value } from './values.js';

/** A rendered element: attributes in order (repeats allowed), children elements, text, CDATA and PIs. */
export interface RenderedElement {
  readonly name: string;
  readonly attributes: readonly (readonly [string, string])[];
  readonly children: readonly RenderedNode[];
}
export type RenderedNode = RenderedElement | string | { readonly cdata: string } | { readonly pi: string; readonly data: string };

export interface ExpectOptions {
  /** The record identifier `v.recordId()` stands for. */
  recordId?: bigint;
  /** Text of a scalar value; the canonical text by default. */
  text?: (value: ScalarValue) => string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isNullOptional(c: XmlContent | AttributeContent): boolean {
  return c.kind === 'sub' && c.optional && c.value.type === 'null';
}

class Renderer {
  constructor(
    private readonly recordId: bigint,
    private readonly text: (value: ScalarValue) => string,
  ) {}

  private valueString(value: Value, raw: boolean): string {
    if (value.type === 'binxml') return '';
    // A raw element holds the canonical text the writer put there, whatever the reader's own spelling.
    if (raw) return valueText(value, this.recordId);
    if (value.type === 'array') return '';
    if (value.type === 'null' || value.type === 'record-id' || value.type === 'raw') return valueText(value, this.recordId);
    return this.text(value);
  }

  /**
   * One element, or several when an array substitution repeats it, or none when an optional null drops it. In a
   * raw element (`raw`) values are plain text: nothing is dropped or repeated.
   */
  element(e: XmlElement, raw: boolean): RenderedElement[] {
    if (raw) return [this.build(e, raw, () => undefined)];
    if (e.children.some(isNullOptional)) return [];
    const arrayChild = e.children.find((c) => c.kind === 'sub' && c.value.type === 'array');
    if (arrayChild && arrayChild.kind === 'sub' && arrayChild.value.type === 'array') {
      const items = arrayChild.value.items;
      return items.map((item) => this.build(e, raw, (c) => (c === arrayChild ? this.text(item) : undefined)));
    }
    return [this.build(e, raw, () => undefined)];
  }

  private build(e: XmlElement, raw: boolean, override: (c: XmlContent) => string | undefined): RenderedElement {
    const attributes: (readonly [string, string])[] = [];
    for (const a of e.attributes) {
      if (!raw && a.value.some(isNullOptional)) continue;
      const single = a.value.length === 1 ? a.value[0]! : undefined;
      const arr = !raw && single?.kind === 'sub' && single.value.type === 'array' ? single.value : undefined;
      if (arr) {
        for (const item of arr.items) attributes.push([a.name, this.text(item)]);
        continue;
      }
      attributes.push([a.name, a.value.map((p) => this.inline(p, raw)).join('')]);
    }
    const children: RenderedNode[] = [];
    const pushText = (s: string): void => {
      if (!s) return;
      const last = children[children.length - 1];
      if (typeof last === 'string') children[children.length - 1] = last + s;
      else children.push(s);
    };
    for (const c of e.children) {
      const o = override(c);
      if (o !== undefined) {
        pushText(o);
        continue;
      }
      switch (c.kind) {
        case 'element':
          children.push(...this.element(c, raw));
          break;
        case 'cdata':
          children.push({ cdata: c.text });
          break;
        case 'pi':
          children.push({ pi: c.target, data: c.data });
          break;
        case 'sub':
          if (c.value.type === 'binxml') children.push(...this.element(c.value.value, raw || c.value.encoding === 'raw'));
          else pushText(this.valueString(c.value, raw));
          break;
        default:
          pushText(this.inline(c, raw));
      }
    }
    return { name: e.name, attributes, children };
  }

  private inline(p: AttributeContent, raw: boolean): string {
    switch (p.kind) {
      case 'text':
        return p.text;
      case 'charref':
        return String.fromCodePoint(p.code);
      case 'entityref':
        return ENTITIES[p.name] ?? `&${p.name};`;
      case 'sub':
        return this.valueString(p.value, raw);
    }
  }
}

/** The tree a reader should render for `record`. */
export function expectedTree(record: EvtxRecord | XmlElement, options: ExpectOptions = {}): RenderedElement | undefined {
  const root = 'kind' in record ? record : record.event;
  const raw = !('kind' in record) && record.encoding === 'raw';
  const id = options.recordId ?? ('kind' in record || record.id === undefined ? 0n : BigInt(record.id));
  return new Renderer(id, options.text ?? scalarText).element(root, raw)[0];
}
