/**
 * Typed BinXml values (MS-EVEN6 "Type System"; libevtx's format notes, section "Value types") and their encoding.
 * A value is plain data: `{ type: 'uint32', value: 4688 }`. The `v` helpers build and range-check them so a test
 * cannot write a value the format cannot hold without saying so.
 */
import { HardnutError } from '../../core/errors.js';
import type { ByteWriter } from './bytes.js';
import type { XmlElement } from './model.js';

/** Value type codes of the format; an array type is the item code with 0x80 set. */
export const TYPE_CODE = {
  null: 0x00,
  string: 0x01,
  ansi: 0x02,
  int8: 0x03,
  uint8: 0x04,
  int16: 0x05,
  uint16: 0x06,
  int32: 0x07,
  uint32: 0x08,
  int64: 0x09,
  uint64: 0x0a,
  real32: 0x0b,
  real64: 0x0c,
  bool: 0x0d,
  binary: 0x0e,
  guid: 0x0f,
  sizet: 0x10,
  filetime: 0x11,
  systemtime: 0x12,
  sid: 0x13,
  hex32: 0x14,
  hex64: 0x15,
  evthandle: 0x20,
  binxml: 0x21,
  evtxml: 0x23,
} as const;
export const ARRAY_FLAG = 0x80;

export type TypeName = keyof typeof TYPE_CODE;

/** Item types an array may hold: those whose items can be told apart in the concatenated data. */
export type ArrayItemType = Exclude<TypeName, 'null' | 'binary' | 'evthandle' | 'binxml' | 'evtxml'>;

export interface SystemTime {
  year: number;
  month: number;
  /** 0 = Sunday; computed from the date when absent. */
  dayOfWeek?: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  milliseconds: number;
}

export type SmallIntType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'hex32';
export type BigIntType = 'int64' | 'uint64' | 'hex64';

export type NullValue = { readonly type: 'null' };
export type StringValue = {
  readonly type: 'string' | 'ansi';
  readonly value: string;
  /** Store a terminating NUL inside the value, as Sysmon and many providers do; readers must drop it. */
  readonly nul?: boolean;
};
export type SmallIntValue = { readonly type: SmallIntType; readonly value: number };
export type BigIntValue = { readonly type: BigIntType; readonly value: bigint };
export type RealValue = { readonly type: 'real32' | 'real64'; readonly value: number };
export type BoolValue = {
  readonly type: 'bool';
  readonly value: boolean;
  /** The stored 32-bit word when it is not 0 or 1 (seen in real logs: any non-zero means true). */
  readonly raw?: number;
};
export type BinaryValue = { readonly type: 'binary'; readonly value: Uint8Array };
export type GuidValue = { readonly type: 'guid'; readonly value: string };
export type SizeTValue = { readonly type: 'sizet'; readonly value: bigint; readonly width: 4 | 8 };
/** 100-nanosecond intervals since 1601-01-01 UTC. */
export type FileTimeValue = { readonly type: 'filetime'; readonly value: bigint };
export type SystemTimeValue = { readonly type: 'systemtime'; readonly value: SystemTime };
export type SidValue = { readonly type: 'sid'; readonly value: string };
/** EvtHandle and EvtXml have no documented layout: their bytes are written as given. */
export type OpaqueValue = { readonly type: 'evthandle' | 'evtxml'; readonly value: Uint8Array };
/** Embedded BinXml (0x21): an element written as its own fragment, by default as a template instance. */
export type BinXmlValue = {
  readonly type: 'binxml';
  readonly value: XmlElement;
  readonly encoding?: 'template' | 'raw';
};
/** Stands for the record's own identifier (System/EventRecordID), resolved when the record is written. */
export type RecordIdValue = { readonly type: 'record-id' };

export type ScalarValue =
  | StringValue
  | SmallIntValue
  | BigIntValue
  | RealValue
  | BoolValue
  | BinaryValue
  | GuidValue
  | SizeTValue
  | FileTimeValue
  | SystemTimeValue
  | SidValue
  | OpaqueValue;

export type ArrayValue = { readonly type: 'array'; readonly of: ArrayItemType; readonly items: readonly ScalarValue[] };
/** Any type code with any bytes: for robustness fixtures (unknown types, odd sizes, binary arrays). */
export type RawValue = { readonly type: 'raw'; readonly code: number; readonly bytes: Uint8Array };

export type Value = NullValue | ScalarValue | ArrayValue | BinXmlValue | RecordIdValue | RawValue;

export function invalid(message: string): HardnutError {
  return new HardnutError('EVTX_WRITE', message);
}

function int(type: SmallIntType, n: number, min: number, max: number): SmallIntValue {
  if (!Number.isInteger(n) || n < min || n > max) throw invalid(`${type} out of range: ${n}`);
  return { type, value: n };
}

function big(type: BigIntType, n: bigint | number, signed: boolean): BigIntValue {
  const b = BigInt(n);
  const ok = signed ? BigInt.asIntN(64, b) === b : BigInt.asUintN(64, b) === b;
  if (!ok) throw invalid(`${type} out of range: ${b}`);
  return { type, value: b };
}

const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** FILETIME of an ISO 8601 UTC time (up to 7 fractional digits are kept), a Date, or ticks as given. */
export function filetime(t: bigint | Date | string): bigint {
  if (typeof t === 'bigint') return t;
  if (t instanceof Date) return BigInt(t.getTime()) * 10000n + FILETIME_UNIX_EPOCH;
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z?$/.exec(t);
  if (!m) throw invalid(`not an ISO 8601 UTC time: ${t}`);
  const secs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  const frac = BigInt((m[7] ?? '').slice(0, 7).padEnd(7, '0'));
  return BigInt(secs) * 10000000n + frac + FILETIME_UNIX_EPOCH;
}

function systemtime(t: Date | string | SystemTime): SystemTime {
  if (typeof t === 'object' && !(t instanceof Date)) return t;
  const d = typeof t === 'string' ? new Date(t) : t;
  if (Number.isNaN(d.getTime())) throw invalid(`not a time: ${String(t)}`);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    dayOfWeek: d.getUTCDay(),
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    milliseconds: d.getUTCMilliseconds(),
  };
}

const GUID_RE = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;
const SID_RE = /^S-(\d+)-(\d+)((?:-\d+)*)$/i;

/** Value constructors. Each checks its range and throws an `EVTX_WRITE` error naming the value. */
export const v = {
  null: (): NullValue => ({ type: 'null' }),
  string: (s: string, options: { nul?: boolean } = {}): StringValue =>
    options.nul ? { type: 'string', value: s, nul: true } : { type: 'string', value: s },
  ansi: (s: string, options: { nul?: boolean } = {}): StringValue =>
    options.nul ? { type: 'ansi', value: s, nul: true } : { type: 'ansi', value: s },
  int8: (n: number) => int('int8', n, -0x80, 0x7f),
  uint8: (n: number) => int('uint8', n, 0, 0xff),
  int16: (n: number) => int('int16', n, -0x8000, 0x7fff),
  uint16: (n: number) => int('uint16', n, 0, 0xffff),
  int32: (n: number) => int('int32', n, -0x80000000, 0x7fffffff),
  uint32: (n: number) => int('uint32', n, 0, 0xffffffff),
  hex32: (n: number) => int('hex32', n, 0, 0xffffffff),
  int64: (n: bigint | number) => big('int64', n, true),
  uint64: (n: bigint | number) => big('uint64', n, false),
  hex64: (n: bigint | number) => big('hex64', n, false),
  real32: (n: number): RealValue => ({ type: 'real32', value: Math.fround(n) }),
  real64: (n: number): RealValue => ({ type: 'real64', value: n }),
  bool: (b: boolean, raw?: number): BoolValue => (raw === undefined ? { type: 'bool', value: b } : { type: 'bool', value: b, raw }),
  binary: (bytes: Uint8Array): BinaryValue => ({ type: 'binary', value: bytes }),
  guid: (s: string): GuidValue => {
    if (!GUID_RE.test(s)) throw invalid(`not a GUID: ${s}`);
    return { type: 'guid', value: s };
  },
  sizet: (n: bigint | number, width: 4 | 8 = 8): SizeTValue => {
    const b = BigInt(n);
    if (BigInt.asUintN(width * 8, b) !== b) throw invalid(`size_t (${width} bytes) out of range: ${b}`);
    return { type: 'sizet', value: b, width };
  },
  filetime: (t: bigint | Date | string): FileTimeValue => {
    const ft = filetime(t);
    if (BigInt.asUintN(64, ft) !== ft) throw invalid(`FILETIME out of range: ${ft}`);
    return { type: 'filetime', value: ft };
  },
  systemtime: (t: Date | string | SystemTime): SystemTimeValue => ({ type: 'systemtime', value: systemtime(t) }),
  sid: (s: string): SidValue => {
    if (!SID_RE.test(s)) throw invalid(`not a SID: ${s}`);
    return { type: 'sid', value: s };
  },
  evthandle: (bytes: Uint8Array): OpaqueValue => ({ type: 'evthandle', value: bytes }),
  evtxml: (bytes: Uint8Array): OpaqueValue => ({ type: 'evtxml', value: bytes }),
  binxml: (element: XmlElement, encoding: 'template' | 'raw' = 'template'): BinXmlValue => ({ type: 'binxml', value: element, encoding }),
  array: (of: ArrayItemType, items: readonly ScalarValue[]): ArrayValue => {
    for (const it of items) if (it.type !== of) throw invalid(`array of ${of} holds a ${it.type}`);
    // Readers split an array by item width, so size_t items must all be 4 or all be 8 bytes.
    if (of === 'sizet' && new Set(items.map((i) => (i as SizeTValue).width)).size > 1) throw invalid('array of size_t mixes 4- and 8-byte items');
    return { type: 'array', of, items };
  },
  recordId: (): RecordIdValue => ({ type: 'record-id' }),
  raw: (code: number, bytes: Uint8Array): RawValue => ({ type: 'raw', code: code & 0xff, bytes }),
};

/** The type code a value is stored with (descriptor type). */
export function typeCode(value: Value): number {
  switch (value.type) {
    case 'array':
      return TYPE_CODE[value.of] | ARRAY_FLAG;
    case 'raw':
      return value.code;
    case 'record-id':
      return TYPE_CODE.uint64;
    default:
      return TYPE_CODE[value.type];
  }
}

// Windows-1252 for the bytes 0x80–0x9F; the rest of the code page coincides with Latin-1.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function ansiByte(ch: number): number {
  if (ch < 0x80 || (ch >= 0xa0 && ch <= 0xff)) return ch;
  const i = CP1252_HIGH.indexOf(String.fromCharCode(ch));
  return i >= 0 ? 0x80 + i : 0x3f; // '?' as Windows' best-fit would for an unmappable character
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Hex digits of `s` from `at` (no validation: `writeGuid` checked the form). */
function hexAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 16 + HEX_VALUE[s.charCodeAt(at + i)]!;
  return v;
}

/** A GUID in its mixed-endian layout: Data1 (4 bytes LE), Data2 and Data3 (2 bytes LE each), then 8 bytes. */
export function writeGuid(w: ByteWriter, s: string): void {
  if (!GUID_RE.test(s)) throw invalid(`not a GUID: ${s}`);
  const o = s.charCodeAt(0) === 0x7b ? 1 : 0; // '{'
  w.u32(hexAt(s, o, 8));
  w.u16(hexAt(s, o + 9, 4));
  w.u16(hexAt(s, o + 14, 4));
  w.u8(hexAt(s, o + 19, 2));
  w.u8(hexAt(s, o + 21, 2));
  for (let i = 0; i < 6; i++) w.u8(hexAt(s, o + 24 + 2 * i, 2));
}

// SIDs repeat (S-1-5-18, a few users): their encodings are kept, up to a bound.
const SID_CACHE = new Map<string, Uint8Array>();

function sidBytes(s: string): Uint8Array {
  const m = SID_RE.exec(s);
  if (!m) throw invalid(`not a SID: ${s}`);
  const subs = m[3] ? m[3].slice(1).split('-').map(Number) : [];
  const authority = BigInt(m[2]!);
  if (subs.length > 15 || authority >= 1n << 48n || Number(m[1]) > 255) throw invalid(`SID out of range: ${s}`);
  const b = new Uint8Array(8 + 4 * subs.length);
  const dv = new DataView(b.buffer);
  b[0] = Number(m[1]);
  b[1] = subs.length;
  for (let i = 0; i < 6; i++) b[2 + i] = Number((authority >> BigInt(8 * (5 - i))) & 0xffn);
  subs.forEach((sub, i) => {
    if (sub > 0xffffffff) throw invalid(`SID sub-authority out of range: ${s}`);
    dv.setUint32(8 + 4 * i, sub, true);
  });
  return b;
}

function writeSid(w: ByteWriter, s: string): void {
  let b = SID_CACHE.get(s);
  if (!b) {
    b = sidBytes(s);
    if (SID_CACHE.size > 4096) SID_CACHE.clear();
    SID_CACHE.set(s, b);
  }
  w.bytes(b);
}

function dayOfWeek(t: SystemTime): number {
  return t.dayOfWeek ?? new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay();
}

/** Write a scalar value's data (no descriptor). `forceNul` terminates strings, as string arrays require. */
export function writeScalar(w: ByteWriter, value: ScalarValue, forceNul = false): void {
  switch (value.type) {
    case 'string':
      w.utf16(value.value);
      if (value.nul || forceNul) w.u16(0);
      return;
    case 'ansi': {
      const s = value.value;
      const at = w.take(s.length);
      for (let i = 0; i < s.length; i++) w.buf[at + i] = ansiByte(s.charCodeAt(i));
      if (value.nul || forceNul) w.u8(0);
      return;
    }
    case 'int8':
    case 'uint8':
      w.u8(value.value & 0xff);
      return;
    case 'int16':
    case 'uint16':
      w.u16(value.value & 0xffff);
      return;
    case 'int32':
    case 'uint32':
    case 'hex32':
      w.u32(value.value);
      return;
    case 'int64':
    case 'uint64':
    case 'hex64':
      w.u64(value.value);
      return;
    case 'real32':
      w.f32(value.value);
      return;
    case 'real64':
      w.f64(value.value);
      return;
    case 'bool':
      w.u32(value.raw ?? (value.value ? 1 : 0));
      return;
    case 'binary':
    case 'evthandle':
    case 'evtxml':
      w.bytes(value.value);
      return;
    case 'guid':
      writeGuid(w, value.value);
      return;
    case 'sizet':
      if (value.width === 4) w.u32(Number(value.value));
      else w.u64(value.value);
      return;
    case 'filetime':
      w.u64(value.value);
      return;
    case 'systemtime': {
      const t = value.value;
      for (const n of [t.year, t.month, dayOfWeek(t), t.day, t.hour, t.minute, t.second, t.milliseconds]) w.u16(n);
      return;
    }
    case 'sid':
      writeSid(w, value.value);
      return;
  }
}

export function writeArray(w: ByteWriter, value: ArrayValue): void {
  const terminated = value.of === 'string' || value.of === 'ansi';
  for (const item of value.items) writeScalar(w, item, terminated);
}
