/**
 * BinXml value types (MS-EVEN6 §2.2.18, libyal EVTX notes §5.4) and how each is rendered. A value is three numbers
 * — type, chunk offset, size — and is decoded only when a renderer asks for it. Two spellings exist because the two
 * references differ: evtx_dump's (JSON and its text: `0x3e7`, GUIDs bare, microsecond times) and the Windows /
 * libevtx one used for the XML rendering (`0x00000000000003e7`, `{GUID}`, 100 ns times).
 */
import {
  ansiSized,
  filetimeParts,
  hexUpper,
  i32,
  i64,
  isoSeconds,
  systemtimeParts,
  u16,
  u32,
  u64,
  utf16Sized,
} from './bytes.js';

export const T = {
  NULL: 0x00,
  STRING: 0x01,
  ANSI: 0x02,
  INT8: 0x03,
  UINT8: 0x04,
  INT16: 0x05,
  UINT16: 0x06,
  INT32: 0x07,
  UINT32: 0x08,
  INT64: 0x09,
  UINT64: 0x0a,
  REAL32: 0x0b,
  REAL64: 0x0c,
  BOOL: 0x0d,
  BINARY: 0x0e,
  GUID: 0x0f,
  SIZE_T: 0x10,
  FILETIME: 0x11,
  SYSTEMTIME: 0x12,
  SID: 0x13,
  HEX32: 0x14,
  HEX64: 0x15,
  EVT_HANDLE: 0x20,
  BINXML: 0x21,
  EVT_XML: 0x23,
  ARRAY: 0x80,
} as const;

/** Bytes per element of fixed-size types (0 = variable or not an array element type). */
const WIDTH = new Uint8Array(256);
WIDTH[T.INT8] = 1;
WIDTH[T.UINT8] = 1;
WIDTH[T.INT16] = 2;
WIDTH[T.UINT16] = 2;
WIDTH[T.INT32] = 4;
WIDTH[T.UINT32] = 4;
WIDTH[T.INT64] = 8;
WIDTH[T.UINT64] = 8;
WIDTH[T.REAL32] = 4;
WIDTH[T.REAL64] = 8;
WIDTH[T.BOOL] = 4;
WIDTH[T.GUID] = 16;
WIDTH[T.FILETIME] = 8;
WIDTH[T.SYSTEMTIME] = 16;
WIDTH[T.HEX32] = 4;
WIDTH[T.HEX64] = 8;

export function fixedWidth(type: number): number {
  return WIDTH[type]!;
}

/** Is `type` a value type this parser knows (scalar, or an array of a scalar)? */
export function knownType(type: number): boolean {
  const base = type & 0x7f;
  if (type & T.ARRAY) return base === T.STRING || base === T.ANSI || WIDTH[base]! > 0 || base === T.SID || base === T.SIZE_T;
  return base <= 0x15 || base === T.EVT_HANDLE || base === T.BINXML || base === T.EVT_XML;
}

/** Empty in the sense of optional substitutions: such a value removes its node (MS-EVEN6 OptionalSubstitution). */
export function isEmptyValue(b: Uint8Array, type: number, off: number, size: number): boolean {
  if (type === T.NULL || size === 0) return true;
  if (type === T.STRING) return size < 2 || (b[off] === 0 && b[off + 1] === 0);
  if (type === T.ANSI) return b[off] === 0;
  return false;
}

/** Integers and booleans become JSON numbers and booleans when they are an element's or attribute's only content. */
export function isJsonScalarType(type: number): boolean {
  return (type >= T.INT8 && type <= T.UINT64) || type === T.BOOL;
}

/** The JSON number (or boolean) of an integer or boolean value; a bigint beyond 2^53. */
export function jsonScalar(b: Uint8Array, type: number, off: number, size: number): number | bigint | boolean | undefined {
  const w = WIDTH[type]!;
  if (size < w) return undefined;
  switch (type) {
    case T.INT8:
      return (b[off]! << 24) >> 24;
    case T.UINT8:
      return b[off]!;
    case T.INT16:
      return (u16(b, off) << 16) >> 16;
    case T.UINT16:
      return u16(b, off);
    case T.INT32:
      return i32(b, off);
    case T.UINT32:
      return u32(b, off);
    case T.INT64: {
      const hi = i32(b, off + 4);
      const lo = u32(b, off);
      if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + lo;
      return i64(b, off);
    }
    case T.UINT64: {
      const hi = u32(b, off + 4);
      if (hi < 0x200000) return hi * 0x100000000 + u32(b, off);
      return u64(b, off);
    }
    case T.BOOL:
      return i32(b, off) !== 0;
  }
  return undefined;
}

/** Which reference's spelling of a value: evtx_dump (`rust`) or libevtx/Windows (`windows`). */
export type Spelling = 'rust' | 'windows';

function guidText(b: Uint8Array, o: number): string {
  return (
    hexUpper4LE(b, o) +
    '-' +
    hexUpper(b, o + 5, 1) +
    hexUpper(b, o + 4, 1) +
    '-' +
    hexUpper(b, o + 7, 1) +
    hexUpper(b, o + 6, 1) +
    '-' +
    hexUpper(b, o + 8, 2) +
    '-' +
    hexUpper(b, o + 10, 6)
  );
}

function hexUpper4LE(b: Uint8Array, o: number): string {
  return hexUpper(b, o + 3, 1) + hexUpper(b, o + 2, 1) + hexUpper(b, o + 1, 1) + hexUpper(b, o, 1);
}

/** SID: revision, sub-authority count, 48-bit big-endian authority, then little-endian 32-bit sub-authorities. */
function sidText(b: Uint8Array, o: number, size: number): { text: string; used: number } | undefined {
  if (size < 8) return undefined;
  const n = b[o + 1]!;
  if (8 + 4 * n > size) return undefined;
  let auth = 0;
  for (let i = 2; i < 8; i++) auth = auth * 256 + b[o + i]!;
  let s = 'S-' + b[o]! + '-' + auth;
  for (let i = 0; i < n; i++) s += '-' + u32(b, o + 8 + 4 * i);
  return { text: s, used: 8 + 4 * n };
}

function hex32(v: number, sp: Spelling): string {
  return sp === 'rust' ? '0x' + v.toString(16) : '0x' + v.toString(16).padStart(8, '0');
}

function hex64(b: Uint8Array, o: number, sp: Spelling): string {
  const hi = u32(b, o + 4);
  const lo = u32(b, o);
  if (sp === 'rust') return hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
  return '0x' + hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

function filetimeText(b: Uint8Array, o: number, sp: Spelling): string {
  const { seconds, ticks } = filetimeParts(b, o);
  const iso = isoSeconds(seconds);
  if (iso === undefined) return sp === 'rust' ? '' : hex64(b, o, 'windows');
  if (sp === 'rust') return iso + '.' + String(Math.floor(ticks / 10)).padStart(6, '0') + 'Z';
  return iso + '.' + String(ticks).padStart(7, '0') + '00Z';
}

function systemtimeText(b: Uint8Array, o: number, sp: Spelling): string {
  const p = systemtimeParts(b, o);
  const iso = p && isoSeconds(p.seconds);
  if (!p || !iso) return '';
  const ms = String(p.ms).padStart(3, '0');
  return sp === 'rust' ? iso + '.' + ms + '000Z' : iso + '.' + ms + 'Z';
}

/** Shortest decimal that reads back as the same float32 (what Rust's float formatting prints). */
function real32Text(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf';
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return floatSpelling(Number(s));
  }
  return floatSpelling(v);
}

function floatSpelling(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf';
  const s = String(v);
  return Number.isInteger(v) && !s.includes('e') ? s + '.0' : s;
}

/** One scalar's text; `size` is the bytes available. */
function scalarText(b: Uint8Array, type: number, o: number, size: number, sp: Spelling): string {
  switch (type) {
    case T.NULL:
      return '';
    case T.STRING:
      return utf16Sized(b, o, size);
    case T.ANSI:
      return ansiSized(b, o, size);
    case T.INT8:
    case T.UINT8:
    case T.INT16:
    case T.UINT16:
    case T.INT32:
    case T.UINT32:
    case T.INT64:
    case T.UINT64: {
      const v = jsonScalar(b, type, o, size);
      return v === undefined ? '' : String(v);
    }
    case T.BOOL:
      if (size < 4) return '';
      return i32(b, o) !== 0 ? 'true' : 'false';
    case T.REAL32:
      if (size < 4) return '';
      return real32Text(new DataView(b.buffer, b.byteOffset + o, 4).getFloat32(0, true));
    case T.REAL64:
      if (size < 8) return '';
      return floatSpelling(new DataView(b.buffer, b.byteOffset + o, 8).getFloat64(0, true));
    case T.BINARY:
      return hexUpper(b, o, size);
    case T.GUID:
      if (size < 16) return hexUpper(b, o, size);
      return sp === 'rust' ? guidText(b, o) : '{' + guidText(b, o) + '}';
    case T.SIZE_T:
      // evtx_dump prints a size_t as hex; libevtx and Windows as a decimal number.
      if (sp === 'windows') return size === 4 ? String(u32(b, o)) : size >= 8 ? String(u64(b, o)) : hexUpper(b, o, size);
      if (size === 4) return hex32(u32(b, o), sp);
      if (size >= 8) return hex64(b, o, sp);
      return hexUpper(b, o, size);
    case T.FILETIME:
      if (size < 8) return '';
      return filetimeText(b, o, sp);
    case T.SYSTEMTIME:
      if (size < 16) return '';
      return systemtimeText(b, o, sp);
    case T.SID: {
      const s = sidText(b, o, size);
      return s ? s.text : hexUpper(b, o, size);
    }
    case T.HEX32:
      if (size < 4) return '';
      return hex32(u32(b, o), sp);
    case T.HEX64:
      if (size < 8) return '';
      return hex64(b, o, sp);
    case T.EVT_HANDLE:
      return size === 4 ? String(u32(b, o)) : size >= 8 ? String(u64(b, o)) : '';
    default:
      return hexUpper(b, o, size);
  }
}

/** The items of an array value as text (strings are NUL-separated; SIDs are self-sized; others fixed width). */
export function arrayItems(b: Uint8Array, type: number, o: number, size: number, sp: Spelling): string[] {
  const base = type & 0x7f;
  const out: string[] = [];
  const end = o + size;
  if (base === T.STRING) {
    let start = o;
    for (let p = o; p + 1 < end; p += 2) {
      if (b[p] === 0 && b[p + 1] === 0) {
        out.push(utf16Sized(b, start, p - start));
        start = p + 2;
      }
    }
    if (start + 1 < end) out.push(utf16Sized(b, start, end - start));
    return out;
  }
  if (base === T.ANSI) {
    let start = o;
    for (let p = o; p < end; p++) {
      if (b[p] === 0) {
        out.push(ansiSized(b, start, p - start));
        start = p + 1;
      }
    }
    if (start < end) out.push(ansiSized(b, start, end - start));
    return out;
  }
  if (base === T.SID) {
    let p = o;
    while (p < end) {
      const s = sidText(b, p, end - p);
      if (!s) break;
      out.push(s.text);
      p += s.used;
    }
    return out;
  }
  const w = base === T.SIZE_T ? 8 : WIDTH[base]!;
  if (w === 0) return [hexUpper(b, o, size)];
  for (let p = o; p + w <= end; p += w) out.push(scalarText(b, base, p, w, sp));
  return out;
}

/** A value as text in the given spelling; arrays comma-joined (evtx_dump) or comma-joined too (libevtx). */
export function valueText(b: Uint8Array, type: number, off: number, size: number, sp: Spelling): string {
  if (type & T.ARRAY) return arrayItems(b, type, off, size, sp).join(',');
  return scalarText(b, type, off, size, sp);
}

/**
 * Where each item of an array value lies, as (type, offset, size) triples of its scalar type: arrays in element
 * content are expanded into one element per item (MS-EVEN6 §3.1.4.7.5), each item a value of its own.
 */
export function arrayItemSpans(b: Uint8Array, type: number, o: number, size: number): number[] {
  const base = type & 0x7f;
  const out: number[] = [];
  const end = o + size;
  if (base === T.STRING) {
    let start = o;
    for (let p = o; p + 1 < end; p += 2) {
      if (b[p] === 0 && b[p + 1] === 0) {
        out.push(T.STRING, start, p - start);
        start = p + 2;
      }
    }
    if (start + 1 < end) out.push(T.STRING, start, end - start);
    return out;
  }
  if (base === T.ANSI) {
    let start = o;
    for (let p = o; p < end; p++) {
      if (b[p] === 0) {
        out.push(T.ANSI, start, p - start);
        start = p + 1;
      }
    }
    if (start < end) out.push(T.ANSI, start, end - start);
    return out;
  }
  if (base === T.SID) {
    let p = o;
    while (p + 8 <= end) {
      const used = 8 + 4 * b[p + 1]!;
      if (p + used > end) break;
      out.push(T.SID, p, used);
      p += used;
    }
    return out;
  }
  const w = base === T.SIZE_T ? 8 : WIDTH[base]!;
  if (w === 0) return out;
  for (let p = o; p + w <= end; p += w) out.push(base, p, w);
  return out;
}
