/**
 * A code view of a script for the trait patterns: comments blanked (so "include a row" in a comment is not an
 * include) and, in PHP, backticks inside strings and HTML blanked (so SQL's `column` quoting is not a shell call).
 * Blanked characters become spaces (newlines kept), so offsets stay those of the file. One linear pass, no regex;
 * a lexer that loses its way on hostile input only blanks less or more text, it never throws or loops.
 */
import type { ScriptLang } from './lang.js';

const SPACE = 32;
const NL = 10;

function blank(out: Uint16Array, from: number, to: number): void {
  for (let i = from; i < to; i++) if (out[i] !== NL) out[i] = SPACE;
}

/** The text as UTF-16 code units in a Buffer (native copy), so blanking is a store and decoding one call. */
function unitsOf(s: string): { buf: Buffer; out: Uint16Array } {
  let buf = Buffer.from(s, 'utf16le');
  // a pooled Buffer may start at an odd offset, which a Uint16Array view cannot
  if ((buf.byteOffset & 1) !== 0) buf = Buffer.concat([buf]);
  return { buf, out: new Uint16Array(buf.buffer, buf.byteOffset, buf.length >> 1) };
}

function startsAt(s: string, i: number, word: string): boolean {
  return s.startsWith(word, i);
}

/** PHP: HTML outside <?php ?>, strings ('', "", heredoc), comments (//, #, /* *\/). */
function phpView(s: string, out: Uint16Array, strings: boolean): void {
  const n = s.length;
  let i = 0;
  // without an opening tag nothing would run as PHP; a fragment like that is read as code anyway
  let html = s.includes('<?');
  while (i < n) {
    if (html) {
      const open = s.indexOf('<?', i);
      const end = open < 0 ? n : open;
      for (let k = i; k < end; k++) if (out[k] === 96) out[k] = SPACE;
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
      for (let q = i; q < end; q++) if (out[q] === 96) out[q] = SPACE;
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
    } else i++;
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
function cLikeView(s: string, out: Uint16Array, from: number, to: number): void {
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
function vbView(s: string, out: Uint16Array, from: number, to: number): void {
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
 * string contents too (for checks about calls, which "$s()" inside a string is not).
 */
export function codeView(lower: string, lang: ScriptLang, strings = false): string {
  const { buf, out } = unitsOf(lower);
  if (lang === 'php') phpView(lower, out, strings);
  else {
    const jscript = lang === 'asp' && /language\s*=\s*"?(?:jscript|javascript)/.test(lower.slice(0, 2048));
    for (const [from, to] of serverRegions(lower)) {
      if (lang === 'asp' && !jscript) vbView(lower, out, from, to);
      else cLikeView(lower, out, from, to);
    }
  }
  return buf.toString('utf16le');
}
