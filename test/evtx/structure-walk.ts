/**
 * A strict structural reader for files our writer makes, used by the tests only: it checks every field a
 * Windows-compatible parser may rely on (both CRCs of every chunk, the file header's counts, record sizes and their
 * copies, element, attribute-list and template data sizes, value descriptor sizes, the string table's hashes and
 * bucket chains, the template table's chains) and renders each record as a tree. It covers what evtxexport cannot
 * read (character references, CDATA, mixed content, EvtHandle…). Written with the writer, so it is a consistency
 * check, not an independent reader: evtxexport (and our parser, when it lands) are the independent ones.
 */
import { crc32, nameHash, type RenderedElement, type RenderedNode } from '../../src/evtx/writer/index.js';

export class WalkError extends Error {}

function check(cond: boolean, what: string): asserts cond {
  if (!cond) throw new WalkError(what);
}

interface Value {
  type: number;
  data: Uint8Array;
  /** Embedded BinXml, parsed once. */
  root?: Token;
}

type Token =
  | { t: 'open'; name: string; attrs: { name: string; parts: Token[] }[]; children: Token[] }
  | { t: 'text'; s: string }
  | { t: 'sub'; id: number; optional: boolean; type: number }
  | { t: 'charref'; code: number }
  | { t: 'entity'; name: string }
  | { t: 'cdata'; s: string }
  | { t: 'pi'; target: string; data: string }
  | { t: 'instance'; offset: number; values: Value[] };

const FIXED: Record<number, number> = { 3: 1, 4: 1, 5: 2, 6: 2, 7: 4, 8: 4, 9: 8, 10: 8, 11: 4, 12: 8, 13: 4, 15: 16, 17: 8, 18: 16, 20: 4, 21: 8 };

export interface WalkOptions {
  /** Text of a scalar value given its type code and bytes. */
  text: (type: number, data: Uint8Array) => string;
  /** Whether raw elements (records and embedded BinXml outside templates) carry dependency identifiers. */
  rawDependencyIds?: boolean;
}

class ChunkWalker {
  readonly dv: DataView;
  readonly names = new Map<number, string>();
  readonly templates = new Map<number, Token>();

  constructor(
    readonly c: Uint8Array,
    readonly where: string,
    readonly opts: WalkOptions,
  ) {
    this.dv = new DataView(c.buffer, c.byteOffset, c.byteLength);
  }

  u8(o: number): number {
    check(o < this.c.length, `${this.where}: read past the chunk at ${o}`);
    return this.c[o]!;
  }
  u16(o: number): number {
    check(o + 2 <= this.c.length, `${this.where}: read past the chunk at ${o}`);
    return this.dv.getUint16(o, true);
  }
  u32(o: number): number {
    check(o + 4 <= this.c.length, `${this.where}: read past the chunk at ${o}`);
    return this.dv.getUint32(o, true);
  }
  utf16(o: number, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.u16(o + 2 * i));
    return s;
  }

  /** A name reference at `o`; returns the name and the position after the reference (and any inline definition). */
  name(o: number): [string, number] {
    const at = this.u32(o);
    if (at === o + 4) {
      const n = this.u16(at + 6);
      const s = this.utf16(at + 8, n);
      check(this.u16(at + 8 + 2 * n) === 0, `${this.where}: name "${s}" at ${at} lacks its NUL`);
      check(this.u16(at + 4) === (nameHash(s) & 0xffff), `${this.where}: name "${s}" hash`);
      check(!this.names.has(at), `${this.where}: name at ${at} defined twice`);
      this.names.set(at, s);
      return [s, at + 10 + 2 * n];
    }
    const known = this.names.get(at);
    check(known !== undefined && at < o, `${this.where}: name reference at ${o} points to ${at}, no earlier definition there`);
    return [known, o + 4];
  }

  /** Tokens of one fragment starting at `o` (fragment header included); returns the root and the end. */
  fragment(o: number, inTemplate: boolean, deps: boolean): [Token, number] {
    check(this.u8(o) === 0x0f && this.u8(o + 1) === 1 && this.u8(o + 2) === 1 && this.u8(o + 3) === 0, `${this.where}: fragment header at ${o}`);
    let p = o + 4;
    const tok = this.u8(p) & 0xbf;
    let root: Token;
    if (tok === 0x0c) [root, p] = this.instance(p);
    else [root, p] = this.element(p, inTemplate, deps);
    check(this.u8(p) === 0x00, `${this.where}: no end of stream at ${p}`);
    return [root, p + 1];
  }

  element(o: number, inTemplate: boolean, deps: boolean): [Token, number] {
    const tok = this.u8(o);
    check((tok & 0xbf) === 0x01, `${this.where}: expected an element at ${o}, found 0x${tok.toString(16)}`);
    let p = o + 1;
    if (inTemplate || deps) p += 2;
    const size = this.u32(p);
    p += 4;
    const sizeStart = p;
    const [name, afterName] = this.name(p);
    p = afterName;
    const attrs: { name: string; parts: Token[] }[] = [];
    if (tok & 0x40) {
      const listSize = this.u32(p);
      p += 4;
      const listStart = p;
      for (;;) {
        const at = this.u8(p);
        check((at & 0xbf) === 0x06, `${this.where}: expected an attribute at ${p}`);
        const [an, after] = this.name(p + 1);
        p = after;
        const parts: Token[] = [];
        p = this.parts(p, parts, inTemplate);
        attrs.push({ name: an, parts });
        if (!(at & 0x40)) break;
      }
      check(p - listStart === listSize, `${this.where}: attribute list of <${name}> is ${p - listStart} bytes, header says ${listSize}`);
    }
    const children: Token[] = [];
    const close = this.u8(p++);
    if (close === 0x02) {
      for (;;) {
        const t = this.u8(p) & 0xbf;
        if (t === 0x04) {
          p++;
          break;
        }
        if (t === 0x01) {
          const [child, after] = this.element(p, inTemplate, deps);
          children.push(child);
          p = after;
        } else if (t === 0x0a) {
          const [target, after] = this.name(p + 1);
          check(this.u8(after) === 0x0b, `${this.where}: PI target without data at ${after}`);
          const n = this.u16(after + 1);
          children.push({ t: 'pi', target, data: this.utf16(after + 3, n) });
          p = after + 3 + 2 * n;
        } else if (t === 0x07) {
          const n = this.u16(p + 1);
          children.push({ t: 'cdata', s: this.utf16(p + 3, n) });
          p += 3 + 2 * n;
        } else {
          const before = p;
          p = this.parts(p, children, inTemplate, true);
          check(p !== before, `${this.where}: unexpected token 0x${this.u8(p).toString(16)} in <${name}> at ${p}`);
        }
      }
    } else check(close === 0x03, `${this.where}: <${name}> start tag closed by 0x${close.toString(16)} at ${p - 1}`);
    check(p - sizeStart === size, `${this.where}: <${name}> data size is ${size}, its tokens take ${p - sizeStart}`);
    return [{ t: 'open', name, attrs, children }, p];
  }

  /** Character data tokens (value, references, substitutions) at `p` into `out`, until another kind of token. */
  parts(p: number, out: Token[], inTemplate: boolean, once = false): number {
    for (;;) {
      const raw = this.u8(p);
      const t = raw & 0xbf;
      if (t === 0x05) {
        check(this.u8(p + 1) === 0x01, `${this.where}: value token of type ${this.u8(p + 1)} at ${p}`);
        const n = this.u16(p + 2);
        out.push({ t: 'text', s: this.utf16(p + 4, n) });
        p += 4 + 2 * n;
      } else if (t === 0x08) {
        out.push({ t: 'charref', code: this.u16(p + 1) });
        p += 3;
      } else if (t === 0x09) {
        const [n, after] = this.name(p + 1);
        out.push({ t: 'entity', name: n });
        p = after;
      } else if (t === 0x0d || t === 0x0e) {
        check(inTemplate, `${this.where}: substitution outside a template at ${p}`);
        out.push({ t: 'sub', id: this.u16(p + 1), optional: t === 0x0e, type: this.u8(p + 3) });
        p += 4;
      } else return p;
      if (once) return p;
    }
  }

  instance(o: number): [Token, number] {
    check(this.u8(o) === 0x0c && this.u8(o + 1) === 1, `${this.where}: template instance at ${o}`);
    const id = this.u32(o + 2);
    const def = this.u32(o + 6);
    let p = o + 10;
    if (def === p) {
      const size = this.u32(def + 20);
      check(this.u32(def + 4) === id, `${this.where}: template id ${id} is not the first 4 bytes of its GUID`);
      const [body, end] = this.fragment(def + 24, true, true);
      check(end - (def + 24) === size, `${this.where}: template at ${def} data size is ${size}, its tokens take ${end - def - 24}`);
      check(!this.templates.has(def), `${this.where}: template at ${def} defined twice`);
      this.templates.set(def, body);
      p = end;
    } else {
      check(this.templates.has(def) && def < o, `${this.where}: instance at ${o} refers to ${def}, no earlier definition there`);
      check(this.u32(def + 4) === id, `${this.where}: instance at ${o} has template id ${id}, the definition's GUID starts ${this.u32(def + 4)}`);
    }
    const n = this.u32(p);
    p += 4;
    const desc: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      desc.push([this.u16(p), this.u8(p + 2)]);
      check(this.u8(p + 3) === 0, `${this.where}: descriptor padding at ${p + 3}`);
      p += 4;
    }
    const values: Value[] = [];
    for (const [size, type] of desc) {
      const fixed = FIXED[type & 0x7f];
      if (fixed && type !== 0x8d) check(type & 0x80 ? size % fixed === 0 : size === fixed, `${this.where}: a value of type 0x${type.toString(16)} is ${size} bytes`);
      if (type === 0x00) check(size === 0, `${this.where}: null value of ${size} bytes`);
      let root: Token | undefined;
      if (type === 0x21) {
        let end: number;
        [root, end] = this.fragment(p, false, this.opts.rawDependencyIds ?? false);
        check(end - p === size, `${this.where}: embedded BinXml at ${p} is ${end - p} bytes, descriptor says ${size}`);
      }
      values.push(root ? { type, data: this.c.subarray(p, p + size), root } : { type, data: this.c.subarray(p, p + size) });
      p += size;
    }
    return [{ t: 'instance', offset: def, values }, p];
  }
}

/** Rendering of tokens into the tree a reader shows. */
class Render {
  constructor(
    readonly w: ChunkWalker,
    readonly opts: WalkOptions,
  ) {}

  root(t: Token): RenderedElement {
    const r = this.node(t, []);
    check(r.length === 1 && typeof r[0] !== 'string' && 'name' in r[0]!, 'record renders to one element');
    return r[0] as RenderedElement;
  }

  private node(t: Token, values: Value[]): RenderedNode[] {
    if (t.t === 'instance') {
      const body = this.w.templates.get(t.offset)!;
      return this.node(body, t.values);
    }
    if (t.t !== 'open') throw new WalkError('a fragment holds an element');
    const isNull = (p: Token) => p.t === 'sub' && p.optional && (values[p.id]?.type ?? 0) === 0;
    if (t.children.some(isNull)) return [];
    const arr = t.children.find((c) => c.t === 'sub' && (values[c.id]?.type ?? 0) & 0x80);
    if (arr && arr.t === 'sub') {
      const items = this.items(values[arr.id]!);
      return items.map((s) => this.build(t, values, (c) => (c === arr ? s : undefined)));
    }
    return [this.build(t, values, () => undefined)];
  }

  private build(t: Extract<Token, { t: 'open' }>, values: Value[], override: (c: Token) => string | undefined): RenderedElement {
    const attributes: [string, string][] = [];
    for (const a of t.attrs) {
      if (a.parts.some((p) => p.t === 'sub' && p.optional && (values[p.id]?.type ?? 0) === 0)) continue;
      const only = a.parts.length === 1 ? a.parts[0]! : undefined;
      if (only?.t === 'sub' && (values[only.id]?.type ?? 0) & 0x80) {
        for (const s of this.items(values[only.id]!)) attributes.push([a.name, s]);
        continue;
      }
      attributes.push([a.name, a.parts.map((p) => this.inline(p, values)).join('')]);
    }
    const children: RenderedNode[] = [];
    const pushText = (s: string) => {
      if (!s) return;
      const last = children[children.length - 1];
      if (typeof last === 'string') children[children.length - 1] = last + s;
      else children.push(s);
    };
    for (const c of t.children) {
      const o = override(c);
      if (o !== undefined) pushText(o);
      else if (c.t === 'open') children.push(...this.node(c, values));
      else if (c.t === 'cdata') children.push({ cdata: c.s });
      else if (c.t === 'pi') children.push({ pi: c.target, data: c.data });
      else if (c.t === 'sub' && values[c.id]?.type === 0x21) {
        children.push(...this.node(values[c.id]!.root!, []));
      } else pushText(this.inline(c, values));
    }
    return { name: t.name, attributes, children };
  }

  private items(val: Value): string[] {
    const base = val.type & 0x7f;
    const d = val.data;
    const out: string[] = [];
    if (base === 0x01 || base === 0x02) {
      const unit = base === 0x01 ? 2 : 1;
      let start = 0;
      for (let i = 0; i + unit <= d.length; i += unit) {
        if (d[i] === 0 && (unit === 1 || d[i + 1] === 0)) {
          out.push(this.opts.text(base, d.subarray(start, i)));
          start = i + unit;
        }
      }
      return out;
    }
    if (base === 0x13) {
      let p = 0;
      while (p < d.length) {
        const len = 8 + 4 * d[p + 1]!;
        out.push(this.opts.text(base, d.subarray(p, p + len)));
        p += len;
      }
      return out;
    }
    const width = base === 0x10 ? 8 : FIXED[base]!;
    for (let p = 0; p < d.length; p += width) out.push(this.opts.text(base, d.subarray(p, p + width)));
    return out;
  }

  private inline(p: Token, values: Value[]): string {
    switch (p.t) {
      case 'text':
        return p.s;
      case 'charref':
        return String.fromCodePoint(p.code);
      case 'entity':
        return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[p.name] ?? `&${p.name};`;
      case 'sub': {
        const val = values[p.id];
        return val ? this.opts.text(val.type, val.data) : '';
      }
      default:
        throw new WalkError(`unexpected ${p.t} in character data`);
    }
  }
}

export interface WalkedFile {
  records: { id: bigint; tree: RenderedElement }[];
  chunks: number;
}

/** Check every structure of `file` and render its records; throws a WalkError naming the first inconsistency. */
export function walkFile(file: Uint8Array, opts: WalkOptions): WalkedFile {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  check(new TextDecoder().decode(file.subarray(0, 8)) === 'ElfFile\0', 'file magic');
  check(dv.getUint32(124, true) === crc32(file, 0, 120), 'file header CRC');
  check(dv.getUint32(32, true) === 128 && dv.getUint16(38, true) === 3 && dv.getUint16(40, true) === 4096, 'file header sizes and version');
  const chunks = (file.length - 4096) / 65536;
  check(Number.isInteger(chunks), 'file size is the header plus whole chunks');
  check(dv.getUint16(42, true) === chunks, `header counts ${dv.getUint16(42, true)} chunks, the file has ${chunks}`);
  check(dv.getBigUint64(16, true) === BigInt(Math.max(0, chunks - 1)), 'last chunk number');
  const records: WalkedFile['records'] = [];
  for (let ci = 0; ci < chunks; ci++) {
    const c = file.subarray(4096 + ci * 65536, 4096 + (ci + 1) * 65536);
    const cdv = new DataView(c.buffer, c.byteOffset, c.byteLength);
    const where = `chunk ${ci}`;
    check(new TextDecoder().decode(c.subarray(0, 8)) === 'ElfChnk\0', `${where}: magic`);
    check(cdv.getUint32(124, true) === crc32(c, 128, 512, crc32(c, 0, 120)), `${where}: header CRC`);
    const free = cdv.getUint32(48, true);
    check(cdv.getUint32(52, true) === crc32(c, 512, free), `${where}: event records CRC`);
    check(c.subarray(free).every((b) => b === 0), `${where}: bytes after the free space offset are not zero`);
    check(free <= 65528, `${where}: free space offset ${free}: libevtx drops a record that ends at the chunk's end`);
    const walker = new ChunkWalker(c, where, opts);
    const render = new Render(walker, opts);
    let p = 512;
    let last = 0;
    const ids: bigint[] = [];
    while (p < free) {
      check(cdv.getUint32(p, true) === 0x2a2a, `${where}: record magic at ${p}`);
      const size = cdv.getUint32(p + 4, true);
      check(size % 8 === 0 && size >= 32 && p + size <= free, `${where}: record size ${size} at ${p}`);
      check(cdv.getUint32(p + size - 4, true) === size, `${where}: record size copy at ${p}`);
      const id = cdv.getBigUint64(p + 8, true);
      const [root, end] = walker.fragment(p + 24, false, opts.rawDependencyIds ?? false);
      check(end <= p + size - 4 && c.subarray(end, p + size - 4).every((b) => b === 0), `${where}: record ${id} padding`);
      records.push({ id, tree: render.root(root) });
      ids.push(id);
      last = p;
      p += size;
    }
    check(p === free, `${where}: records end at ${p}, free space offset is ${free}`);
    check(cdv.getUint32(44, true) === last, `${where}: last record offset`);
    check(cdv.getBigUint64(24, true) === ids[0] && cdv.getBigUint64(32, true) === ids[ids.length - 1], `${where}: first and last record identifiers`);
    // Every name is in the bucket its hash says, reachable from the table; every template from its bucket.
    const reachable = new Set<number>();
    for (let b = 0; b < 64; b++) {
      for (let at = cdv.getUint32(128 + 4 * b, true); at; at = cdv.getUint32(at, true)) {
        const s = walker.names.get(at);
        check(s !== undefined, `${where}: string table bucket ${b} points to ${at}, not a name`);
        check(nameHash(s) % 64 === b, `${where}: name "${s}" in bucket ${b}`);
        check(!reachable.has(at), `${where}: string table loops at ${at}`);
        reachable.add(at);
      }
    }
    check(reachable.size === walker.names.size, `${where}: ${walker.names.size - reachable.size} names missing from the string table`);
    const tpl = new Set<number>();
    for (let b = 0; b < 32; b++) {
      for (let at = cdv.getUint32(384 + 4 * b, true); at; at = cdv.getUint32(at, true)) {
        check(walker.templates.has(at) && !tpl.has(at), `${where}: template table bucket ${b} points to ${at}`);
        tpl.add(at);
      }
    }
    check(tpl.size === walker.templates.size, `${where}: ${walker.templates.size - tpl.size} templates missing from the template table`);
  }
  if (records.length) check(dv.getBigUint64(24, true) === records[records.length - 1]!.id + 1n, 'next record identifier');
  return { records, chunks };
}
