/**
 * A tiny test-only builder of EVTX bytes (file header, one chunk, records with inline templates), so unit tests can
 * exercise tokens and value types the real samples lack. Not the project's EVTX writer (src/evtx/writer/): it lays
 * out just enough, names inline, one template per record.
 */
import { crc32 } from '../../src/evtx/crc32.js';

export type Tok = (w: Writer) => void;

export class Writer {
  bytes = new Uint8Array(65536);
  pos: number;
  constructor(start: number) {
    this.pos = start;
  }
  u8(...v: number[]) {
    for (const x of v) this.bytes[this.pos++] = x & 0xff;
  }
  u16(v: number) {
    this.u8(v, v >> 8);
  }
  u32(v: number) {
    this.u8(v, v >> 8, v >> 16, v >>> 24);
  }
  raw(b: Uint8Array) {
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }
  utf16(s: string) {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
  }
  /** A name reference stored inline: the offset points just past itself. */
  name(s: string) {
    this.u32(this.pos + 4);
    this.u32(0); // next name in the hash chain
    this.u16(0); // hash (unchecked)
    this.u16(s.length);
    this.utf16(s);
    this.u16(0);
  }
}

export const open =
  (name: string, attrs = false): Tok =>
  (w) => {
    w.u8(attrs ? 0x41 : 0x01);
    w.u16(0xffff); // dependency id (template definitions carry one)
    w.u32(0); // data size (not relied on)
    w.name(name);
    if (attrs) w.u32(0);
  };
export const attr =
  (name: string): Tok =>
  (w) => {
    w.u8(0x06);
    w.name(name);
  };
export const closeStart: Tok = (w) => w.u8(0x02);
export const closeEmpty: Tok = (w) => w.u8(0x03);
export const end: Tok = (w) => w.u8(0x04);
export const text =
  (s: string): Tok =>
  (w) => {
    w.u8(0x05, 0x01);
    w.u16(s.length);
    w.utf16(s);
  };
export const subst =
  (index: number, type: number, optional = false): Tok =>
  (w) => {
    w.u8(optional ? 0x0e : 0x0d);
    w.u16(index);
    w.u8(type);
  };
export const charRef =
  (code: number): Tok =>
  (w) => {
    w.u8(0x08);
    w.u16(code);
  };
export const entityRef =
  (name: string): Tok =>
  (w) => {
    w.u8(0x09);
    w.name(name);
  };
export const cdata =
  (s: string): Tok =>
  (w) => {
    w.u8(0x07);
    w.u16(s.length);
    w.utf16(s);
  };
export const piTarget =
  (name: string): Tok =>
  (w) => {
    w.u8(0x0a);
    w.name(name);
  };
export const piData =
  (s: string): Tok =>
  (w) => {
    w.u8(0x0b);
    w.u16(s.length);
    w.utf16(s);
  };

/** `<name>children</name>` (or `<name/>` with no children). */
export function el(name: string, attrs: [string, Tok[]][], ...children: Tok[]): Tok[] {
  const out: Tok[] = [open(name, attrs.length > 0)];
  for (const [n, v] of attrs) out.push(attr(n), ...v);
  if (children.length === 0) return [...out, closeEmpty];
  return [...out, closeStart, ...children, end];
}

export interface Value {
  type: number;
  bytes: Uint8Array;
}

/** A value whose bytes depend on where it lands in the chunk (embedded binary XML holds chunk offsets). */
export interface PlacedValue {
  type: number;
  at: (pos: number) => Uint8Array;
}

/** A BinXml-typed value (0x21): a whole fragment of its own, with its own template instance. */
export function binxml(body: Tok[], values: Value[]): PlacedValue {
  return {
    type: 0x21,
    at: (pos) => {
      const w = new Writer(pos);
      fragment(w, body, values);
      return w.bytes.slice(pos, w.pos);
    },
  };
}

/** Write a fragment: header, a template instance with an inline definition of `body`, and the values. */
export function fragment(w: Writer, body: Tok[], values: (Value | PlacedValue)[]): void {
  w.u8(0x0f, 0x01, 0x01, 0x00);
  w.u8(0x0c, 0x01);
  w.u32(1); // template id
  w.u32(w.pos + 4); // definition follows inline
  w.u32(0); // next template
  w.raw(new Uint8Array(16)); // GUID
  const sizeAt = w.pos;
  w.u32(0);
  const start = w.pos;
  w.u8(0x0f, 0x01, 0x01, 0x00);
  for (const t of body) t(w);
  w.u8(0x00);
  const size = w.pos - start;
  w.bytes.set([size & 0xff, (size >> 8) & 0xff, (size >> 16) & 0xff, size >>> 24], sizeAt);
  w.u32(values.length);
  let at = w.pos + 4 * values.length;
  const placed = values.map((v) => {
    const bytes = 'bytes' in v ? v.bytes : v.at(at);
    at += bytes.length;
    return { type: v.type, bytes };
  });
  for (const v of placed) {
    w.u16(v.bytes.length);
    w.u8(v.type, 0);
  }
  for (const v of placed) w.raw(v.bytes);
  w.u8(0x00);
}

/** An EVTX file of one chunk holding one record per entry, with correct checksums. */
export function evtxFile(records: { body: Tok[]; values: (Value | PlacedValue)[] }[]): Uint8Array {
  const w = new Writer(512);
  records.forEach((r, i) => {
    const start = w.pos;
    w.u32(0x00002a2a);
    w.u32(0);
    w.u32(i + 1); // record id (low half)
    w.u32(0);
    w.u32(0x5d0a6000); // written time
    w.u32(0x01d4a4a4);
    fragment(w, r.body, r.values);
    while ((w.pos - start + 4) % 8) w.u8(0);
    const size = w.pos - start + 4;
    w.u32(size);
    w.bytes.set([size & 0xff, (size >> 8) & 0xff, (size >> 16) & 0xff, 0], start + 4);
  });
  const chunk = w.bytes;
  const head = new Writer(0);
  head.raw(new TextEncoder().encode('ElfChnk\0'));
  const n = records.length;
  for (const v of [1, 0, n, 0, 1, 0, n, 0]) head.u32(v);
  head.u32(128);
  head.u32(512); // last record offset (approximate)
  head.u32(w.pos); // free space offset
  chunk.set(head.bytes.subarray(0, 52));
  const dv = new DataView(chunk.buffer);
  dv.setUint32(52, crc32(chunk, 512, w.pos), true);
  dv.setUint32(124, crc32(chunk, 128, 512, crc32(chunk, 0, 120)), true);
  const file = new Uint8Array(4096 + 65536);
  file.set(new TextEncoder().encode('ElfFile\0'));
  const fv = new DataView(file.buffer);
  fv.setUint32(24, n + 1, true); // next record id
  fv.setUint32(32, 128, true);
  fv.setUint16(36, 1, true);
  fv.setUint16(38, 3, true);
  fv.setUint16(40, 4096, true);
  fv.setUint16(42, 1, true); // one chunk
  fv.setUint32(124, crc32(file, 0, 120), true);
  file.set(chunk, 4096);
  return file;
}

const le = (n: number, width: number) => {
  const b = new Uint8Array(width);
  let v = BigInt.asUintN(width * 8, BigInt(n));
  for (let i = 0; i < width; i++, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
};
export const v = {
  str: (s: string): Value => {
    const b = new Uint8Array(2 * s.length);
    for (let i = 0; i < s.length; i++) b.set(le(s.charCodeAt(i), 2), 2 * i);
    return { type: 0x01, bytes: b };
  },
  int: (type: number, n: number | bigint, width: number): Value => {
    const b = new Uint8Array(width);
    let x = BigInt.asUintN(width * 8, BigInt(n));
    for (let i = 0; i < width; i++, x >>= 8n) b[i] = Number(x & 0xffn);
    return { type, bytes: b };
  },
  raw: (type: number, bytes: number[] | Uint8Array): Value => ({ type, bytes: Uint8Array.from(bytes) }),
  concat: (type: number, parts: Uint8Array[]): Value => {
    const total = parts.reduce((a, p) => a + p.length, 0);
    const b = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      b.set(p, o);
      o += p.length;
    }
    return { type, bytes: b };
  },
  le,
};
