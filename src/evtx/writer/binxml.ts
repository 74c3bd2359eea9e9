/**
 * BinXml encoding (MS-EVEN6 "BinXml"; libevtx's format notes, "Binary XML"): fragments, elements, attributes,
 * character data, references, CDATA, PIs, template instances with their definitions and values. Everything is
 * written in place into the chunk, because names and templates are referred to by their offset in the chunk.
 */
import type { ByteWriter } from './bytes.js';
import type { AttributeContent, XmlContent, XmlElement, XmlSubstitution } from './model.js';
import { valueText } from './text.js';
import { invalid, typeCode, writeArray, writeScalar, type Value } from './values.js';

export const TOKEN = {
  eof: 0x00,
  openStart: 0x01,
  closeStart: 0x02,
  closeEmpty: 0x03,
  end: 0x04,
  value: 0x05,
  attribute: 0x06,
  cdata: 0x07,
  charRef: 0x08,
  entityRef: 0x09,
  piTarget: 0x0a,
  piData: 0x0b,
  templateInstance: 0x0c,
  normalSub: 0x0d,
  optionalSub: 0x0e,
  fragmentHeader: 0x0f,
  /** "More data follows" / "has attributes" flag. */
  more: 0x40,
} as const;

/** The chunk's name and template tables, as the encoder needs them. */
export interface ChunkTables {
  readonly w: ByteWriter;
  /** Write a name reference: the offset of its earlier definition, or an inline definition. */
  writeName(name: string): void;
  /** The offset of this chunk's definition of the template with this shape, if any. */
  templateOffset(key: string): number | undefined;
  /** Record a template definition written at `offset` with this GUID. */
  addTemplate(key: string, offset: number, guid: Uint8Array): void;
  /** Note where a structure of the record is (for the damage helpers); the first of each kind is kept. */
  readonly mark?: ((kind: MarkKind, offset: number) => void) | undefined;
}

/**
 * Landmarks of a record that the damage helpers aim at: a template instance's definition offset field (`template-ref`,
 * when it refers back to an earlier definition), a template definition (`template-def`), an element's data size
 * field, the first value descriptor, the length of a text token, an inline name's character count.
 */
export type MarkKind = 'template-ref' | 'template-def' | 'element-size' | 'descriptor' | 'text-length' | 'name-length';

export interface EncodeOptions {
  /** Whether raw (non-template) elements carry the dependency identifier. */
  readonly rawDependencyIds: boolean;
  /** Resolves `v.recordId()`. */
  readonly recordId: bigint;
}

/** The shape of a template and the values of one instance of it. */
interface Instance {
  key: string;
  /** Substitution index of each substitution, in document order. */
  ids: number[];
  values: Value[];
}

function isCharData(c: XmlContent | undefined): boolean {
  return c !== undefined && (c.kind === 'text' || c.kind === 'charref' || c.kind === 'entityref' || c.kind === 'cdata');
}

/**
 * The shape of an element as a string (names, literals, substitution slots and types; no values), collecting its
 * substitutions in document order. Literals are length-prefixed, so no text can fake structure.
 */
function shapeOf(e: XmlElement, subs: XmlSubstitution[]): string {
  let k = '<' + e.name;
  for (const a of e.attributes) {
    k += ' ' + a.name + '=';
    for (const p of a.value) k += partShape(p, subs);
  }
  k += '>';
  for (const c of e.children) {
    switch (c.kind) {
      case 'element':
        k += shapeOf(c, subs);
        break;
      case 'cdata':
        k += '[' + c.text.length + ':' + c.text;
        break;
      case 'pi':
        k += '?' + c.target.length + ':' + c.target + c.data.length + ':' + c.data;
        break;
      default:
        k += partShape(c, subs);
    }
  }
  return k + '/';
}

function partShape(p: AttributeContent, subs: XmlSubstitution[]): string {
  switch (p.kind) {
    case 'text':
      return '"' + p.text.length + ':' + p.text;
    case 'charref':
      return '#' + p.code;
    case 'entityref':
      return '&' + p.name + ';';
    case 'sub':
      subs.push(p);
      return (p.optional ? '%o' : '%n') + (p.id ?? '?') + ':' + (p.declared ?? typeCode(p.value));
  }
}

/** Walk the tree once: the template key (shape without values) and the values by substitution index. */
function instanceOf(root: XmlElement): Instance {
  const subs: XmlSubstitution[] = [];
  const shape = shapeOf(root, subs);
  // Explicit indices first; the others take the free indices in document order.
  let explicit = false;
  for (const s of subs) if (s.id !== undefined) explicit = true;
  const ids: number[] = new Array<number>(subs.length);
  let count = subs.length;
  if (!explicit) {
    for (let i = 0; i < subs.length; i++) ids[i] = i;
  } else {
    const taken = new Set<number>();
    for (const s of subs) if (s.id !== undefined) taken.add(s.id);
    let next = 0;
    count = 0;
    for (let i = 0; i < subs.length; i++) {
      const id = subs[i]!.id;
      if (id !== undefined) ids[i] = id;
      else {
        while (taken.has(next)) next++;
        taken.add(next);
        ids[i] = next;
      }
      count = Math.max(count, ids[i]! + 1);
    }
  }
  const values: Value[] = new Array<Value>(count).fill(NULL);
  for (let i = 0; i < subs.length; i++) values[ids[i]!] = subs[i]!.value;
  return { key: explicit ? shape + '|' + ids.join(',') : shape, ids, values };
}

const NULL: Value = { type: 'null' };

/** 16 bytes from the template's shape: the same shape always gets the same GUID, as in a Windows manifest. */
function templateGuid(key: string): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  for (let k = 0; k < 4; k++) {
    let h = (0x811c9dc5 ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    dv.setUint32(4 * k, h, true);
  }
  return out;
}

/** Writes one record's BinXml (or one embedded fragment) into the chunk. */
export class BinXmlEncoder {
  constructor(
    private readonly t: ChunkTables,
    private readonly options: EncodeOptions,
  ) {}

  /** Fragment header, the element (as a template instance or inline), end of stream. */
  fragment(root: XmlElement, encoding: 'template' | 'raw'): void {
    const w = this.t.w;
    this.fragmentHeader();
    if (encoding === 'template') this.templateInstance(root);
    else this.rawElement(root);
    w.u8(TOKEN.eof);
  }

  private fragmentHeader(): void {
    const w = this.t.w;
    w.u8(TOKEN.fragmentHeader);
    w.u8(1);
    w.u8(1);
    w.u8(0);
  }

  private templateInstance(root: XmlElement): void {
    const { w } = this.t;
    const inst = instanceOf(root);
    w.u8(TOKEN.templateInstance);
    w.u8(1);
    const idAt = w.take(4);
    const offsetAt = w.take(4);
    let offset = this.t.templateOffset(inst.key);
    if (offset !== undefined) this.t.mark?.('template-ref', offsetAt);
    if (offset === undefined) {
      // First use in this chunk: the definition follows inline; later records point back at it.
      offset = w.pos;
      this.t.mark?.('template-def', offset);
      const guid = templateGuid(inst.key);
      w.take(4); // next template in the bucket: filled in by addTemplate
      w.bytes(guid);
      const sizeAt = w.take(4);
      const start = w.pos;
      this.fragmentHeader();
      this.templateElement(root, inst.ids, { i: 0 });
      w.u8(TOKEN.eof);
      w.patchU32(sizeAt, w.pos - start);
      this.t.addTemplate(inst.key, offset, guid);
    }
    // The instance's template identifier is the first 4 bytes of the definition's GUID.
    w.patchU32(idAt, w.view.getUint32(offset + 4, true));
    w.patchU32(offsetAt, offset);
    this.values(inst.values);
  }

  /** Instance data: the count, the descriptors (size, type), then each value's data. */
  private values(values: readonly Value[]): void {
    const w = this.t.w;
    w.u32(values.length);
    const descAt = w.take(4 * values.length);
    if (values.length) this.t.mark?.('descriptor', descAt);
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const start = w.pos;
      this.valueData(value);
      const size = w.pos - start;
      if (size > 0xffff) throw invalid(`a ${value.type} value of ${size} bytes exceeds the 65535-byte descriptor size`);
      w.patchU16(descAt + 4 * i, size);
      w.buf[descAt + 4 * i + 2] = typeCode(value);
      w.buf[descAt + 4 * i + 3] = 0;
    }
  }

  private valueData(value: Value): void {
    const w = this.t.w;
    switch (value.type) {
      case 'null':
        return;
      case 'array':
        writeArray(w, value);
        return;
      case 'raw':
        w.bytes(value.bytes);
        return;
      case 'record-id':
        w.u64(this.options.recordId);
        return;
      case 'binxml':
        this.fragment(value.value, value.encoding ?? 'template');
        return;
      default:
        writeScalar(w, value);
    }
  }

  /** An element of a template definition: substitutions stay tokens, dependency identifiers are present. */
  private templateElement(e: XmlElement, ids: readonly number[], cur: { i: number }): void {
    const sizeAt = this.openStart(e, dependencyOf(e, ids, cur.i), true);
    this.attributes(e, (p, more) => {
      if (p.kind === 'sub') this.substitution(p, ids[cur.i++]!);
      else this.literal(p, more);
    });
    this.content(e, sizeAt, (c, more) => {
      if (c.kind === 'element') this.templateElement(c, ids, cur);
      else if (c.kind === 'sub') this.substitution(c, ids[cur.i++]!);
      else this.literal(c, more);
    });
  }

  private substitution(s: XmlSubstitution, id: number): void {
    const w = this.t.w;
    w.u8(s.optional ? TOKEN.optionalSub : TOKEN.normalSub);
    w.u16(id);
    w.u8(s.declared ?? typeCode(s.value));
  }

  /** A raw element: names and text inline, each value rendered as text. */
  private rawElement(e: XmlElement): void {
    const start = this.openStart(e, 0xffff, this.options.rawDependencyIds);
    this.attributes(e, (p) => this.rawPart(p));
    this.content(e, start, (c, more) => {
      if (c.kind === 'element') this.rawElement(c);
      else if (c.kind === 'sub') this.rawSub(c, more);
      else this.literal(c, more);
    });
  }

  private rawPart(p: AttributeContent, more = false): void {
    if (p.kind === 'sub') this.rawSub(p, more);
    else this.literal(p, more);
  }

  private rawSub(s: XmlSubstitution, more: boolean): void {
    const value = s.value;
    if (value.type === 'binxml') {
      this.rawElement(value.value);
      return;
    }
    // Always a token, even for null: an attribute needs at least one value token.
    this.literal({ kind: 'text', text: valueText(value, this.options.recordId) }, more);
  }

  /** Open start tag, dependency identifier, data size (patched by `content`), name. Returns the size field offset. */
  private openStart(e: XmlElement, dependency: number, withDependency: boolean): number {
    const w = this.t.w;
    w.u8(e.attributes.length ? TOKEN.openStart | TOKEN.more : TOKEN.openStart);
    if (withDependency) w.u16(dependency);
    const sizeAt = w.take(4);
    this.t.mark?.('element-size', sizeAt);
    this.t.writeName(e.name);
    return sizeAt;
  }

  private attributes(e: XmlElement, part: (p: AttributeContent, more: boolean) => void): void {
    if (!e.attributes.length) return;
    const w = this.t.w;
    const listAt = w.take(4);
    const n = e.attributes.length;
    for (let i = 0; i < n; i++) {
      const a = e.attributes[i]!;
      w.u8(i < n - 1 ? TOKEN.attribute | TOKEN.more : TOKEN.attribute);
      this.t.writeName(a.name);
      for (let j = 0; j < a.value.length; j++) part(a.value[j]!, isCharData(a.value[j + 1]));
    }
    w.patchU32(listAt, w.pos - listAt - 4);
  }

  private content(e: XmlElement, sizeAt: number, child: (c: XmlContent, more: boolean) => void): void {
    const w = this.t.w;
    if (!e.children.length) {
      w.u8(TOKEN.closeEmpty);
    } else {
      w.u8(TOKEN.closeStart);
      for (let i = 0; i < e.children.length; i++) child(e.children[i]!, isCharData(e.children[i + 1]));
      w.u8(TOKEN.end);
    }
    w.patchU32(sizeAt, w.pos - sizeAt - 4);
  }

  /** Character data, references, CDATA and PIs: the same tokens in templates and raw elements. */
  private literal(c: Exclude<XmlContent, XmlElement | XmlSubstitution>, more = false): void {
    const w = this.t.w;
    const flag = more ? TOKEN.more : 0;
    const long = (c.kind === 'text' || c.kind === 'cdata' ? c.text : c.kind === 'pi' ? c.data : '').length;
    if (long > 0xffff) throw invalid(`a ${c.kind} of ${long} characters exceeds the 65535 a length field holds`);
    switch (c.kind) {
      case 'text':
        w.u8(TOKEN.value | flag);
        w.u8(0x01);
        this.t.mark?.('text-length', w.pos);
        w.u16(c.text.length);
        w.utf16(c.text);
        return;
      case 'cdata':
        w.u8(TOKEN.cdata);
        w.u16(c.text.length);
        w.utf16(c.text);
        return;
      case 'charref':
        w.u8(TOKEN.charRef);
        w.u16(c.code);
        return;
      case 'entityref':
        w.u8(TOKEN.entityRef);
        this.t.writeName(c.name);
        return;
      case 'pi':
        w.u8(TOKEN.piTarget);
        this.t.writeName(c.target);
        w.u8(TOKEN.piData);
        w.u16(c.data.length);
        w.utf16(c.data);
        return;
    }
  }
}

/**
 * Windows sets an element's dependency identifier to the optional substitution among its children that its presence
 * hangs on (seen: `<EventID>` → the EventID slot, `<Event>` → the EventData slot), else 0xFFFF.
 */
function dependencyOf(e: XmlElement, ids: readonly number[], at: number): number {
  let n = at;
  for (const a of e.attributes) for (const p of a.value) if (p.kind === 'sub') n++;
  for (const c of e.children) {
    if (c.kind === 'sub') {
      if (c.optional) return ids[n] ?? 0xffff;
      n++;
    } else n += countSubs(c);
  }
  return 0xffff;
}

function countSubs(c: XmlContent): number {
  if (c.kind === 'sub') return 1;
  if (c.kind !== 'element') return 0;
  let n = 0;
  for (const a of c.attributes) for (const p of a.value) if (p.kind === 'sub') n++;
  for (const k of c.children) n += countSubs(k);
  return n;
}
