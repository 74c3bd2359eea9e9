/**
 * A code view of a script for the trait patterns: comments blanked (so "include a row" in a comment is not an
 * include) and, in PHP, backticks inside strings and HTML blanked (so SQL's `column` quoting is not a shell call).
 * Blanked characters become spaces (newlines kept), so offsets stay those of the file. One linear pass, no regex;
 * a lexer that loses its way on hostile input only blanks less or more text, it never throws or loops.
 */
import type { ScriptLang } from './lang.js';

const SPACE = 32;
const NL = 10;

/** The text's characters, one per element: bytes when every character fits in one (latin1), else UTF-16 units. */
type Units = Uint8Array | Uint16Array;

function blank(out: Units, from: number, to: number): void {
  for (let i = from; i < to; i++) if (out[i] !== NL) out[i] = SPACE;
}

/** The text as latin1 bytes (half the copying, and a one-byte string back) or UTF-16 code units in a Buffer (native
 * copy), so blanking is a store and decoding one call. */
function unitsOf(s: string, oneByte: boolean): { buf: Buffer; out: Units } {
  if (oneByte) {
    const bytes = Buffer.from(s, 'latin1');
    return { buf: bytes, out: bytes };
  }
  let buf = Buffer.from(s, 'utf16le');
  // a pooled Buffer may start at an odd offset, which a Uint16Array view cannot
  if ((buf.byteOffset & 1) !== 0) buf = Buffer.concat([buf]);
  return { buf, out: new Uint16Array(buf.buffer, buf.byteOffset, buf.length >> 1) };
}

function startsAt(s: string, i: number, word: string): boolean {
  return s.startsWith(word, i);
}

/** ASCII characters that start nothing in PHP code (not ? ' " < / #): the lexer steps over runs of them. */
const PHP_PLAIN = new Uint8Array(128).fill(1);
for (const c of '?\'"</#') PHP_PLAIN[c.charCodeAt(0)] = 0;

/** PHP: HTML outside <?php ?>, strings ('', "", heredoc), comments (//, #, /* *\/). */
function phpView(s: string, out: Units, strings: boolean): void {
  const n = s.length;
  let i = 0;
  // the next backtick at or after the last range blanked; the lexer only moves forward and never writes ahead of
  // itself, so `out` still holds the text's own characters there and one indexOf scan serves every range
  let tick = -2;
  const blankTicks = (from: number, to: number): void => {
    if (tick !== -1 && tick < from) tick = s.indexOf('`', from);
    while (tick >= 0 && tick < to) {
      out[tick] = SPACE;
      tick = s.indexOf('`', tick + 1);
    }
  };
  // without an opening tag nothing would run as PHP; a fragment like that is read as code anyway
  let html = s.includes('<?');
  while (i < n) {
    if (html) {
      const open = s.indexOf('<?', i);
      const end = open < 0 ? n : open;
      blankTicks(i, end);
      if (open < 0) return;
      i = open + 2;
      html = false;
      continue;
    }
    const c = s.charCodeAt(i);
    if (c === 63 && s.charCodeAt(i + 1) === 62) {
      // ?> back to HTML
      i += 2;
      html = true;
    } else if (c === 39 || c === 34) {
      // quoted string: backticks inside are not shell calls
      let k = i + 1;
      while (k < n) {
        const d = s.charCodeAt(k);
        if (d === 92) k += 2;
        else if (d === c) break;
        else {
          if (d === 96) out[k] = SPACE;
          k++;
        }
      }
      if (strings) blank(out, i + 1, Math.min(k, n));
      i = k + 1;
    } else if (c === 60 && startsAt(s, i, '<<<')) {
      // heredoc / nowdoc: up to a line that starts with the label
      const m = /^<<<[ \t]*['"]?([a-z_]\w*)['"]?\r?\n/.exec(s.slice(i, i + 80));
      if (m === null) {
        i += 3;
        continue;
      }
      const label = m[1] as string;
      let k = i + m[0].length;
      let end = n;
      while (k < n) {
        const nl = s.indexOf('\n', k);
        if (nl < 0) break;
        let j = nl + 1;
        while (s.charCodeAt(j) === 32 || s.charCodeAt(j) === 9) j++;
        if (s.startsWith(label, j) && !/\w/.test(s.charAt(j + label.length))) {
          end = j + label.length;
          break;
        }
        k = nl + 1;
      }
      blankTicks(i, end);
      i = end;
    } else if ((c === 47 && s.charCodeAt(i + 1) === 47) || (c === 35 && s.charCodeAt(i + 1) !== 91)) {
      // line comment, ends at a newline or ?>
      let k = i;
      while (k < n && s.charCodeAt(k) !== NL && !(s.charCodeAt(k) === 63 && s.charCodeAt(k + 1) === 62)) k++;
      blank(out, i, k);
      i = k;
    } else if (c === 47 && s.charCodeAt(i + 1) === 42) {
      const close = s.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      blank(out, i, end);
      i = end;
    } else {
      i++;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d >= 128 || PHP_PLAIN[d] === 0) break;
        i++;
      }
    }
  }
}

/** Where server code is in an ASP/ASPX/JSP page: inside <% %> and <script runat=server>; everywhere if neither. */
function serverRegions(s: string): Array<[number, number]> {
  if (!s.includes('<%') && !s.includes('runat')) return [[0, s.length]];
  const regions: Array<[number, number]> = [];
  let i = 0;
  // next '<%' and '<script' at or after i, searched again only once passed (one scan of the text for each)
  let a = -2;
  let b = -2;
  while (i < s.length) {
    if (a !== -1 && a < i) a = s.indexOf('<%', i);
    if (b !== -1 && b < i) b = s.indexOf('<script', i);
    if (a < 0 && b < 0) break;
    if (a >= 0 && (b < 0 || a < b)) {
      const close = s.indexOf('%>', a + 2);
      const end = close < 0 ? s.length : close;
      regions.push([a + 2, end]);
      i = end + 2;
    } else {
      const tagEnd = s.indexOf('>', b);
      const close = s.indexOf('</script', b);
      const end = close < 0 ? s.length : close;
      if (tagEnd > 0 && tagEnd < end && s.slice(b, tagEnd).includes('runat')) regions.push([tagEnd + 1, end]);
      i = Math.max(end, b + 7);
    }
  }
  return regions;
}

/** C#, Java and JScript: "strings", 'c' literals, // and /* *\/ comments. */
function cLikeView(s: string, out: Units, from: number, to: number): void {
  let i = from;
  while (i < to) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      let k = i + 1;
      while (k < to) {
        const d = s.charCodeAt(k);
        if (d === 92) k += 2;
        else if (d === 34 || d === NL) break;
        else k++;
      }
      i = k + 1;
    } else if (c === 39 && (s.charCodeAt(i + 2) === 39 || (s.charCodeAt(i + 1) === 92 && s.charCodeAt(i + 3) === 39))) {
      i += s.charCodeAt(i + 1) === 92 ? 4 : 3;
    } else if (c === 47 && s.charCodeAt(i + 1) === 47 && s.charCodeAt(i - 1) !== 58) {
      let k = i;
      while (k < to && s.charCodeAt(k) !== NL) k++;
      blank(out, i, k);
      i = k;
    } else if (c === 47 && s.charCodeAt(i + 1) === 42) {
      const close = s.indexOf('*/', i + 2);
      const end = close < 0 || close > to ? to : close + 2;
      blank(out, i, end);
      i = end;
    } else i++;
  }
}

/** VBScript: "strings" ("" escapes a quote), ' and REM comments to the end of the line. */
function vbView(s: string, out: Units, from: number, to: number): void {
  let i = from;
  let lineStart = true;
  while (i < to) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      let k = i + 1;
      while (k < to) {
        const d = s.charCodeAt(k);
        if (d === 34 && s.charCodeAt(k + 1) === 34) k += 2;
        else if (d === 34 || d === NL) break;
        else k++;
      }
      i = k + 1;
      lineStart = false;
    } else if (c === 39 || (lineStart && startsAt(s, i, 'rem ') )) {
      let k = i;
      while (k < to && s.charCodeAt(k) !== NL) k++;
      blank(out, i, k);
      i = k;
    } else {
      if (c === NL || c === 58) lineStart = true;
      else if (c !== 32 && c !== 9 && c !== 13) lineStart = false;
      i++;
    }
  }
}

/**
 * The lowered text with comments (and, for PHP, string and HTML backticks) blanked; with `strings`, PHP's quoted
 * string contents too (for checks about calls, which "$s()" inside a string is not). `oneByte`: the caller knows
 * every character is below 256 (latin1-decoded text), so the view is built on bytes.
 */
export function codeView(lower: string, lang: ScriptLang, strings = false, oneByte = false): string {
  return codeViewBytes(lower, lang, strings, oneByte).text;
}

/** codeView, and for one-byte text the view's bytes too (what LeadIndex.scan reads), which it is built on anyway. */
export function codeViewBytes(lower: string, lang: ScriptLang, strings = false, oneByte = false): { text: string; bytes?: Uint8Array } {
  const { buf, out } = unitsOf(lower, oneByte);
  if (lang === 'php') phpView(lower, out, strings);
  else {
    const jscript = lang === 'asp' && /language\s*=\s*"?(?:jscript|javascript)/.test(lower.slice(0, 2048));
    for (const [from, to] of serverRegions(lower)) {
      if (lang === 'asp' && !jscript) vbView(lower, out, from, to);
      else cLikeView(lower, out, from, to);
    }
  }
  return oneByte ? { text: buf.toString('latin1'), bytes: buf } : { text: buf.toString('utf16le') };
}
