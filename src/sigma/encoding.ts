/**
 * The transformation modifiers that re-encode a value (modifiers appendix, "Encoding" and `windash`).
 * Byte strings are JavaScript strings of char codes 0–255, so `utf16le` output can feed `base64` and still be
 * compared with event text when used alone.
 */

/** UTF-8 bytes of text, as a byte string. */
export function utf8Bytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

export function utf16le(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c & 0xff, c >> 8);
  }
  return out;
}

export function utf16be(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c >> 8, c & 0xff);
  }
  return out;
}

/** `utf16`: a little-endian byte order mark, then UTF-16LE. */
export function utf16bom(s: string): string {
  return '\xff\xfe' + utf16le(s);
}

export function base64(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('base64');
}

/**
 * `base64offset`: the three forms the value takes inside a longer base64 text, one per alignment (0, 1 or 2 bytes
 * before it). Characters that also depend on the unknown neighbouring bytes are cut from both ends, so each form
 * is exactly the part that is always the same.
 */
export function base64Offsets(bytes: string): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const enc = base64('\0'.repeat(shift) + bytes);
    // Leading characters that carry bits of the padding bytes: 0, 2 or 3.
    const start = [0, 2, 3][shift]!;
    // Trailing characters that would mix with the next, unknown bytes: none when the value ends on a 3-byte
    // boundary, else the partial character and its '=' padding.
    const rem = (shift + bytes.length) % 3;
    const end = rem === 0 ? enc.length : enc.length - (rem === 1 ? 3 : 2);
    out.push(enc.slice(start, end));
  }
  return out;
}

/** The dash characters `windash` makes interchangeable: hyphen, slash, en dash, em dash, horizontal bar. */
export const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const DASH_SET = new Set(DASHES);
const isWord = (c: string | undefined) => c !== undefined && /\w/.test(c);

/** Positions of dashes that start a command-line flag: not after a word character, and before one. */
export function flagDashes(s: string): number[] {
  const at: number[] = [];
  for (let i = 0; i < s.length; i++) if (DASH_SET.has(s[i]!) && !isWord(s[i - 1]) && isWord(s[i + 1])) at.push(i);
  return at;
}

/** Every spelling of `s` with each flag dash replaced by each dash character (5^k forms, k capped by the caller). */
export function windashForms(s: string, positions: readonly number[]): string[] {
  let forms = [s];
  for (const p of positions) {
    const next: string[] = [];
    for (const f of forms) for (const d of DASHES) next.push(f.slice(0, p) + d + f.slice(p + 1));
    forms = next;
  }
  return forms;
}
