/**
 * What a file is, from its first bytes (its name only breaks ties): evidence arrives renamed, truncated, exported by
 * other tools or copied without extensions, so the content decides. See docs/sources.md for the list of formats.
 */
import { ACCESS_LOG_LINE } from './access-log.js';
import { IIS_NATIVE_LINE } from './iis-native.js';

export type SourceFormat =
  | 'evtx' // Windows binary event log: the EVTX reader
  | 'json-lines' // one JSON document per line
  | 'json-stream' // a JSON array, or pretty-printed documents one after another
  | 'event-xml' // Windows event XML (exports, or inside syslog lines: Sysmon for Linux)
  | 'w3c' // W3C extended log (IIS)
  | 'iis-native' // the older IIS log format
  | 'csv' // CSV with a header: Exchange logs, PowerShell exports, other CSV
  | 'access-log' // Apache/nginx common or combined
  | 'unknown';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface Sniffed {
  format: SourceFormat;
  encoding: TextEncoding;
  /** For `unknown`: why, in a few words, for the warning that names the file. */
  reason?: string;
}

/** How many bytes of a file `sniffFormat` wants (it copes with fewer). */
export const SNIFF_BYTES = 64 * 1024;

const EVTX_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"
const CHUNK_MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

const startsWith = (b: Uint8Array, magic: readonly number[]) => magic.every((m, i) => b[i] === m);

/** The text encoding of a file's head: a byte order mark, or the zero bytes UTF-16 puts beside ASCII. */
export function detectEncoding(head: Uint8Array): TextEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, 512) & ~1;
  if (n >= 8) {
    let evenZero = 0,
      oddZero = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenZero++;
      if (head[i + 1] === 0) oddZero++;
    }
    const pairs = n / 2;
    if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'utf-16le';
    if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'utf-16be';
  }
  return 'utf-8';
}

/** Decode the head (bad bytes become U+FFFD, which the binary test counts). */
function headText(head: Uint8Array, encoding: TextEncoding): string {
  return new TextDecoder(encoding).decode(head);
}

/** Share of characters in the head that no text log contains (NUL, other C0 controls, U+FFFD). */
function binaryShare(text: string): number {
  const n = Math.min(text.length, 4096);
  if (n === 0) return 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) bad++;
  }
  return bad / n;
}

const W3C_DIRECTIVE = /^#(Software|Version|Fields|Date|Start-Date|End-Date|Remark):/i;
const HEADERLESS_W3C = /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}(\.\d+)? \S+ [A-Z][A-Z_-]{1,19} [/*]/;

/** Which reader a file goes to. `head` is its first bytes (up to SNIFF_BYTES), `path` its name. */
export function sniffFormat(head: Uint8Array, path: string): Sniffed {
  if (startsWith(head, EVTX_MAGIC) || startsWith(head, CHUNK_MAGIC)) return { format: 'evtx', encoding: 'utf-8' };
  const byName = /\.evtx$/i.test(path);
  if (head.length === 0) return byName ? { format: 'evtx', encoding: 'utf-8' } : { format: 'unknown', encoding: 'utf-8', reason: 'empty file' };

  const encoding = detectEncoding(head);
  const text = headText(head, encoding);
  if (binaryShare(text) > 0.02) {
    // A damaged EVTX without its file header is still the EVTX reader's to recover.
    if (byName) return { format: 'evtx', encoding };
    return { format: 'unknown', encoding, reason: 'binary content, not a log format hardnut reads' };
  }
  const lines = text.split('\n', 64).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const body = lines.filter((l) => l.trim() !== '');
  const first = (body[0] ?? '').trimStart();

  // JSON: one document a line when the first line is a whole document; otherwise a stream or an array.
  if (first.startsWith('{') || first.startsWith('[')) {
    if (first.startsWith('{')) {
      try {
        JSON.parse(first);
        return { format: 'json-lines', encoding };
      } catch {
        // a document spread over lines, or a first line longer than the head
      }
    }
    return { format: 'json-stream', encoding };
  }
  if (/^Record \d+\s*$/.test(first) && body.some((l) => l.trimStart().startsWith('{'))) return { format: 'json-stream', encoding };

  if (first.startsWith('<')) {
    if (/<Event[\s>]/.test(text)) return { format: 'event-xml', encoding };
    return { format: 'unknown', encoding, reason: 'XML, but no <Event> element in its first bytes' };
  }

  // Directive headers: Exchange's (comma-separated #Fields, or named Exchange) before W3C's (space-separated).
  const directives = body.filter((l) => l.startsWith('#'));
  const fieldsLine = directives.find((l) => /^#Fields:/i.test(l));
  if (directives.some((l) => /^#Software:.*Exchange/i.test(l) || /^#Log-type:/i.test(l)) || (fieldsLine && /,/.test(fieldsLine))) {
    return { format: 'csv', encoding };
  }
  // PowerShell's Export-Csv type line, possibly under a line of preamble (a path pasted above an extract).
  if (body.slice(0, 3).some((l) => /^#TYPE /.test(l))) return { format: 'csv', encoding };
  if (directives.some((l) => W3C_DIRECTIVE.test(l))) return { format: 'w3c', encoding };

  // Event XML inside other text: Sysmon for Linux in syslog, journal exports.
  if (/<Event[\s>]/.test(text) && /<System>/.test(text)) return { format: 'event-xml', encoding };

  const sample = body.slice(0, 8);
  const share = (re: RegExp) => sample.filter((l) => re.test(l)).length / Math.max(sample.length, 1);
  if (share(ACCESS_LOG_LINE) >= 0.5) return { format: 'access-log', encoding };
  if (share(HEADERLESS_W3C) >= 0.5) return { format: 'w3c', encoding };
  if (share(IIS_NATIVE_LINE) >= 0.5) return { format: 'iis-native', encoding };
  if (looksLikeCsv(body)) return { format: 'csv', encoding };
  if (byName) return { format: 'evtx', encoding };
  return { format: 'unknown', encoding, reason: 'not a log format hardnut reads' };
}

/** A header row of names (the first line, or the second under one line of preamble), then rows with commas. */
function looksLikeCsv(body: readonly string[]): boolean {
  for (const at of [0, 1]) {
    const header = body[at];
    if (header === undefined) return false;
    const names = header.split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (names.length < 2 || !names.every((n) => /^[A-Za-z@_#(][\w@#()./ -]{0,63}$/.test(n))) continue;
    const rows = body.slice(at + 1, at + 6);
    if (rows.every((l) => l.includes(','))) return true;
  }
  return false;
}
