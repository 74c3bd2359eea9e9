/**
 * The canonical text of a value: what a reader prints for it in the XML rendering. This is libevtx's spelling
 * (evtxexport 20181227, checked value by value in test/evtx/writer-evtxexport.test.ts) with its bugs left out:
 * libevtx prints negative integers in sign-magnitude (-1 as -127 for an int8), -infinity as "Inf", and real numbers
 * near 1e-250 with a ':' digit; the canonical text is the correct value. The raw encoding writes values as this text.
 */
import type { ScalarValue, SystemTime, Value } from './values.js';

const HEX = '0123456789ABCDEF';

function hexBytes(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += HEX[x >> 4]! + HEX[x & 15]!;
  return s;
}

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** The last FILETIME libevtx still prints as a date (9999-12-31T23:59:59.9999999Z). */
const FILETIME_MAX_DATE = 2650467743999999999n;

/**
 * ISO 8601 with 9 fractional digits (FILETIME has 7), as libevtx prints `SystemTime`; past the year 9999, the two
 * 32-bit halves in hexadecimal, as libevtx does: "(0x7fffffff 0xffffffff)".
 */
export function filetimeText(ft: bigint): string {
  if (ft > FILETIME_MAX_DATE) {
    const hi = Number(ft >> 32n).toString(16).padStart(8, '0');
    const lo = Number(ft & 0xffffffffn).toString(16).padStart(8, '0');
    return `(0x${hi} 0x${lo})`;
  }
  const ticks = ft - FILETIME_UNIX_EPOCH;
  const ms = ticks / 10000n - (ticks % 10000n < 0n ? 1n : 0n);
  const frac = ((ft % 10000000n) + 10000000n) % 10000000n;
  const d = new Date(Number(ms));
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return `${date}T${time}.${pad(frac, 7)}00Z`;
}

/** Milliseconds, 3 digits: "2021-03-03T04:05:06.789Z". */
export function systemtimeText(t: SystemTime): string {
  return `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}.${pad(t.milliseconds, 3)}Z`;
}

/** printf's "%.6e" with a 3-digit exponent, as the C runtime Windows tools use: 1.5 → "1.500000e+000". */
export function realText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Inf';
  if (n === -Infinity) return '-Inf';
  const s = Object.is(n, -0) ? '-0.000000e+0' : n.toExponential(6);
  const e = s.indexOf('e');
  const exp = s.slice(e + 2);
  return s.slice(0, e + 2) + exp.padStart(3, '0');
}

function guidText(s: string): string {
  return `{${s.replace(/^\{|\}$/g, '').toUpperCase()}}`;
}

export function scalarText(value: ScalarValue): string {
  switch (value.type) {
    case 'string':
    case 'ansi':
      return value.value;
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
    case 'sizet':
      return String(value.value);
    case 'hex32':
      return '0x' + value.value.toString(16).padStart(8, '0');
    case 'hex64':
      return '0x' + value.value.toString(16).padStart(16, '0');
    case 'real32':
    case 'real64':
      return realText(value.value);
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'binary':
    case 'evthandle':
    case 'evtxml':
      return hexBytes(value.value);
    case 'guid':
      return guidText(value.value);
    case 'filetime':
      return filetimeText(value.value);
    case 'systemtime':
      return systemtimeText(value.value);
    case 'sid':
      return 'S' + value.value.slice(1);
  }
}

/** Text of any value but embedded BinXml (which renders as elements); `recordId` resolves `v.recordId()`. */
export function valueText(value: Value, recordId = 0n): string {
  switch (value.type) {
    case 'null':
      return '';
    case 'record-id':
      return String(recordId);
    case 'raw':
      return hexBytes(value.bytes);
    case 'binxml':
      return '';
    case 'array':
      // Readers repeat the element per item (libevtx) or join the items; a single text is only a fallback.
      return value.items.map(scalarText).join(',');
    default:
      return scalarText(value);
  }
}
