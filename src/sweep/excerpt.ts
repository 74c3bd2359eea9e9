/**
 * Short, safe excerpts of matched bytes: at most 80 characters, printable ASCII kept, everything else (control
 * characters, bytes above 0x7e, the backslash itself) written as \xNN, so hostile content can neither drive a terminal
 * nor smuggle a line break into a CSV or a log.
 */

export const MAX_EXCERPT = 80;

/** The bytes `[offset, offset + length)` of `bytes` (clipped to the file) as an escaped excerpt of at most 80 characters. */
export function excerptOf(bytes: Uint8Array, offset: number, length: number): string {
  const start = Math.max(0, Math.min(offset, bytes.length));
  const end = Math.max(start, Math.min(bytes.length, start + Math.max(0, length)));
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    const piece = b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
    // Room for the ellipsis is kept while more bytes follow.
    if (out.length + piece.length > MAX_EXCERPT - (i < end - 1 ? 1 : 0)) return out + '…';
    out += piece;
  }
  return out;
}
