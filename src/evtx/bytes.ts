/**
 * Little-endian reads on a chunk's bytes, UTF-16 decoding and Windows time conversions. Every EVTX structure is read
 * through these, at absolute offsets into one `Uint8Array` (a chunk), so nothing is copied and nothing is allocated
 * per integer. Bounds are the caller's job: each structure checks its extent once before reading inside it.
 */

/** One decoder for the whole process: creating a TextDecoder costs far more than decoding a short string. */
const utf16 = new TextDecoder('utf-16le');
/** Windows-1252 at 0x80–0x9F (the rest is Latin-1); Node's TextDecoder('windows-1252') reads these as C1 controls. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
}

export function i32(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

/** An unsigned 64-bit value as a double; exact below 2^53, which covers record ids and offsets in practice. */
export function u64n(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 0x100000000;
}

/** An unsigned 64-bit value exactly. */
export function u64(b: Uint8Array, o: number): bigint {
  return BigInt(u32(b, o)) | (BigInt(u32(b, o + 4)) << 32n);
}

export function i64(b: Uint8Array, o: number): bigint {
  return BigInt.asIntN(64, u64(b, o));
}

/**
 * `units` UTF-16LE code units at `o`. Short strings (most names and values) are built directly; longer ones, or any
 * with a surrogate, go through TextDecoder, which replaces lone surrogates with U+FFFD as the Rust parser does.
 */
export function utf16At(b: Uint8Array, o: number, units: number): string {
  if (units <= 0) return '';
  if (units <= 24) {
    let s = '';
    for (let i = 0; i < units; i++) {
      const c = b[o + 2 * i]! | (b[o + 2 * i + 1]! << 8);
      if (c >= 0xd800 && c <= 0xdfff) return utf16.decode(b.subarray(o, o + 2 * units));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf16.decode(b.subarray(o, o + 2 * units));
}

/** A UTF-16LE string stored in `size` bytes, ending at its first NUL (substitution values are NUL-padded). */
export function utf16Sized(b: Uint8Array, o: number, size: number): string {
  const units = size >>> 1;
  let n = 0;
  while (n < units && (b[o + 2 * n]! | b[o + 2 * n + 1]!) !== 0) n++;
  return utf16At(b, o, n);
}

/** An 8-bit (ANSI) string, read as Windows-1252 like evtx_dump and libevtx, ending at its first NUL. */
export function ansiSized(b: Uint8Array, o: number, size: number): string {
  let n = 0;
  while (n < size && b[o + n] !== 0) n++;
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = b[o + i]!;
    s += c >= 0x80 && c < 0xa0 ? CP1252_HIGH[c - 0x80]! : String.fromCharCode(c);
  }
  return s;
}

const FILETIME_UNIX_SECONDS = 11644473600;

/** A FILETIME (100 ns ticks since 1601) split exactly into whole seconds since 1601 and the 100 ns remainder. */
export function filetimeParts(b: Uint8Array, o: number): { seconds: number; ticks: number } {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  // hi * 2^32 + lo does not fit a double exactly; the remainder modulo 10^7 is computed exactly from the halves
  // and the quotient from the (nearly exact) double, which is off by far less than half a second.
  const ticks = (((hi % 1e7) * 4967296) % 1e7 + (lo % 1e7)) % 1e7;
  const approx = hi * 4294967296 + lo;
  const seconds = Math.round((approx - ticks) / 1e7);
  return { seconds, ticks };
}

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** `YYYY-MM-DDTHH:MM:SS` of seconds since 1601, or undefined outside what Date represents. */
export function isoSeconds(seconds: number): string | undefined {
  const ms = (seconds - FILETIME_UNIX_SECONDS) * 1000;
  if (!(Math.abs(ms) <= 8.64e15)) return undefined;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) return undefined;
  return (
    String(y).padStart(4, '0') +
    '-' +
    pad2(d.getUTCMonth() + 1) +
    '-' +
    pad2(d.getUTCDate()) +
    'T' +
    pad2(d.getUTCHours()) +
    ':' +
    pad2(d.getUTCMinutes()) +
    ':' +
    pad2(d.getUTCSeconds())
  );
}

/** Seconds since 1601 of a SYSTEMTIME (16 bytes: year, month, weekday, day, hour, minute, second, ms). */
export function systemtimeParts(b: Uint8Array, o: number): { seconds: number; ms: number } | undefined {
  const year = u16(b, o);
  const month = u16(b, o + 2);
  const day = u16(b, o + 6);
  const hour = u16(b, o + 8);
  const minute = u16(b, o + 10);
  const second = u16(b, o + 12);
  const ms = u16(b, o + 14);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 || ms > 999) return undefined;
  const t = Date.UTC(year, month - 1, day, hour, minute, second);
  if (Number.isNaN(t)) return undefined;
  return { seconds: t / 1000 + FILETIME_UNIX_SECONDS, ms };
}

const HEX = '0123456789ABCDEF';

/** Bytes as uppercase hex, two digits each. */
export function hexUpper(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const x = b[o + i]!;
    s += HEX[x >> 4]! + HEX[x & 15]!;
  }
  return s;
}
