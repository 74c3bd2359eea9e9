/**
 * One decode of a file's bytes for every detector: UTF-16 (BOM or the every-other-byte-is-nul pattern) is decoded
 * as UTF-16, everything else as latin1, which keeps one character per byte so offsets map straight back and ASCII
 * keywords match whatever the real encoding (UTF-8, GBK, Windows-1252). Detectors match on `lower`, an ASCII-only
 * lower-casing of the same length, because PHP function names, VBScript and the ASP object model are case-blind.
 */

/** Text beyond this many characters is not scanned by the pattern checks (the pipeline caps file size too). */
export const MAX_SCAN_CHARS = 4 * 1024 * 1024;

export type TextEncoding = 'latin1' | 'utf-16le' | 'utf-16be';

export interface SubjectText {
  /** The decoded text, cut at MAX_SCAN_CHARS. */
  raw: string;
  /** `raw` with A-Z lowered and nothing else changed (same length, same offsets). */
  lower: string;
  encoding: TextEncoding;
  /** Bytes before the first character (a BOM), and bytes per character, to map offsets back to bytes. */
  byteStart: number;
  bytesPerChar: number;
  /** Many nul or control bytes: an image, archive or executable rather than a script. */
  binary: boolean;
  /** Not valid UTF-8, and the high bytes pair up as GBK (Chinese) double-byte characters. */
  gbk: boolean;
}

const utf16le = new TextDecoder('utf-16le');
const utf16be = new TextDecoder('utf-16be');

/** UTF-16 by BOM, or by nul bytes in most odd (LE) or even (BE) positions of the first 1 KiB. */
function sniffUtf16(bytes: Uint8Array): { encoding: TextEncoding; start: number } {
  if (bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', start: 2 };
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', start: 2 };
  }
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 8) return { encoding: 'latin1', start: 0 };
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.6 && evenNul < pairs * 0.1) return { encoding: 'utf-16le', start: 0 };
  if (evenNul > pairs * 0.6 && oddNul < pairs * 0.1) return { encoding: 'utf-16be', start: 0 };
  return { encoding: 'latin1', start: 0 };
}

/** Nul bytes, or many C0 controls other than tab/CR/LF/FF/ESC, in the first 4 KiB. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b === 0) return true;
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  return control > n * 0.05;
}

/**
 * Invalid as UTF-8 and at least 8 GBK pairs (lead 0x81-0xFE, trail 0x40-0xFE except 0x7F) among the first 64 KiB.
 * Chinese-authored webshells are often saved in GBK; so are legitimate Chinese applications, so this is context only.
 */
function looksGbk(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 65536);
  let pairs = 0;
  let badUtf8 = false;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b < 0x80) continue;
    // UTF-8 validity of this sequence
    const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b <= 0xdf ? 1 : -1;
    let ok = need > 0 && i + need < n;
    for (let k = 1; ok && k <= need; k++) ok = ((bytes[i + k] as number) & 0xc0) === 0x80;
    if (!ok) badUtf8 = true;
    const t = bytes[i + 1];
    if (b >= 0x81 && b <= 0xfe && t !== undefined && t >= 0x40 && t <= 0xfe && t !== 0x7f) {
      pairs++;
      i++;
    }
  }
  return badUtf8 && pairs >= 8;
}

/** A-Z to a-z, nothing else: same length as the input, unlike String#toLowerCase on some non-Latin letters. */
export function asciiLower(s: string): string {
  const lowered = s.toLowerCase();
  if (lowered.length === s.length) return lowered;
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function decodeSubject(bytes: Uint8Array): SubjectText {
  const { encoding, start } = sniffUtf16(bytes);
  let raw: string;
  let binary = false;
  let gbk = false;
  if (encoding === 'latin1') {
    const end = Math.min(bytes.length, MAX_SCAN_CHARS);
    raw = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
    binary = looksBinary(bytes);
    gbk = !binary && looksGbk(bytes);
  } else {
    const end = Math.min(bytes.length, start + MAX_SCAN_CHARS * 2);
    raw = (encoding === 'utf-16le' ? utf16le : utf16be).decode(bytes.subarray(start, end));
  }
  return { raw, lower: asciiLower(raw), encoding, byteStart: start, bytesPerChar: encoding === 'latin1' ? 1 : 2, binary, gbk };
}
