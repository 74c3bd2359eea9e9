/**
 * Dangerous PHP function names hidden in strings: `'as'.'sert'`, `"\x62\x61\163e64_decode"`, `strrev('tressa')`,
 * `str_replace('fW', '', 'crfWeate_function')`. A tiny constant folder evaluates string-literal expressions of
 * those shapes (never the file's code: it only reads literals) and reports the ones that spell a function shells use.
 */
import { TAG, type Seen } from './trait.js';

const DANGEROUS = new Set([
  'assert', 'eval', 'system', 'exec', 'shell_exec', 'passthru', 'popen', 'proc_open', 'pcntl_exec', 'create_function',
  'call_user_func', 'call_user_func_array', 'preg_replace', 'base64_decode', 'gzinflate', 'gzuncompress', 'str_rot13',
  'array_map', 'file_put_contents', 'move_uploaded_file', 'fwrite', 'include', 'require', 'assert_options',
  'mb_ereg_replace', 'register_shutdown_function', 'array_filter', 'usort', 'uasort', 'uksort', 'copy', 'fputs',
  'file_get_contents', 'curl_exec', 'fsockopen', 'chr', 'str_replace', 'strrev', 'urldecode', 'rawurldecode',
  // superglobal names, read through ${$name} so that $_POST never appears
  '_post', '_get', '_request', '_cookie', '_server', '_files', 'globals',
]);

const MAX_LITERALS = 5000;
const FOLDERS = /(?:str_replace|strrev|base64_decode|str_rot13|strtolower|strtoupper|hex2bin|chr|urldecode|rawurldecode)\s*\(/g;
/** Where an expression may start: 1 for quotes and '(', 2 for the first letters of the folding functions
 * (str_replace, base64_decode, chr, hex2bin, urldecode...), which must not be inside a longer word. */
const STARTS = new Uint8Array(128);
for (const c of `'"(`) STARTS[c.charCodeAt(0)] = 1;
for (const c of 'sSbBcChHuUrR') STARTS[c.charCodeAt(0)] = 2;
/** [\w$]: the characters a word (or PHP variable) is made of. */
const WORD = new Uint8Array(128);
for (const c of '$_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') WORD[c.charCodeAt(0)] = 1;

interface Lit {
  value: string;
  end: number;
}

/** A quoted PHP literal starting at `i` ('...' with \\ and \', "..." with \xNN, \NNN, \n...). */
function literal(s: string, i: number): Lit | undefined {
  const q = s[i];
  if (q !== "'" && q !== '"') return undefined;
  // fast path: a literal without backslashes is its own text (most are); with one, the escapes are decoded below
  const quote = q.charCodeAt(0);
  for (let k = i + 1; k < s.length && k - i < 400; k++) {
    const c = s.charCodeAt(k);
    if (c === quote) return { value: s.slice(i + 1, k), end: k + 1 };
    if (c === 36 && quote === 34) return undefined;
    if (c === 92) break;
    if (k + 1 === s.length || k + 1 - i === 400) return undefined;
  }
  let v = '';
  let k = i + 1;
  while (k < s.length && k - i < 400) {
    const c = s[k] as string;
    if (c === q) return { value: v, end: k + 1 };
    if (c === '$' && q === '"') return undefined;
    if (c === '\\') {
      const d = s[k + 1] ?? '';
      if (q === "'") {
        v += d === "'" || d === '\\' ? d : '\\' + d;
        k += 2;
        continue;
      }
      const hex = /^x([0-9a-f]{1,2})/i.exec(s.slice(k + 1, k + 4));
      const oct = /^([0-7]{1,3})/.exec(s.slice(k + 1, k + 4));
      if (hex !== null) {
        v += String.fromCharCode(parseInt(hex[1] as string, 16));
        k += 1 + hex[0].length;
      } else if (oct !== null) {
        v += String.fromCharCode(parseInt(oct[1] as string, 8) & 0xff);
        k += 1 + oct[0].length;
      } else {
        v += d;
        k += 2;
      }
      continue;
    }
    v += c;
    k++;
  }
  return undefined;
}

/** The first two letters of a folding function (str_*, base64_decode, chr, hex2bin, urldecode, rawurldecode). */
function mayStartFolder(s: string, i: number): boolean {
  const a = s.charCodeAt(i) | 0x20;
  const b = s.charCodeAt(i + 1) | 0x20;
  return (a === 115 && b === 116) || (a === 98 && b === 97) || (a === 99 && b === 104) || (a === 104 && b === 101) || (a === 117 && b === 114) || (a === 114 && b === 97);
}

/** Whether a term can start at `i`: a quote, '(' or the first two letters of a folding function. */
function mayStartTerm(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c === 39 || c === 34 || c === 40 || mayStartFolder(s, i);
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  return i;
}

/** A literal, or a folding function applied to literals, then any `. more` concatenations. */
function term(s: string, i: number, depth: number): Lit | undefined {
  if (depth > 4) return undefined;
  const lit = literal(s, i);
  if (lit !== undefined) return lit;
  if (s[i] === '(') {
    // a parenthesised expression: (urldecode('%01') ^ '`')
    const inner = concat(s, skipSpace(s, i + 1), depth + 1);
    if (inner === undefined) return undefined;
    const k = skipSpace(s, inner.end);
    return s[k] === ')' ? { value: inner.value, end: k + 1 } : undefined;
  }
  // only a folding function's name can start a call here (the regex below is case-blind): st, ba, ch, he, ur, ra
  if (!mayStartFolder(s, i)) return undefined;
  const call = /^(str_replace|strrev|base64_decode|str_rot13|strtolower|strtoupper|hex2bin|chr|urldecode|rawurldecode)\s*\(\s*/i.exec(s.slice(i, i + 30));
  if (call === null) return undefined;
  const fn = (call[1] as string).toLowerCase();
  let k = i + call[0].length;
  const args: string[] = [];
  for (let a = 0; a < 3; a++) {
    const num = fn === 'chr' ? /^\d{1,3}/.exec(s.slice(k, k + 3)) : null;
    const arg = num !== null ? { value: String.fromCharCode(Number(num[0]) & 0xff), end: k + num[0].length } : concat(s, k, depth + 1);
    if (arg === undefined) return undefined;
    args.push(arg.value);
    k = skipSpace(s, arg.end);
    if (s[k] === ')') return { value: fold(fn, args), end: k + 1 };
    if (s[k] !== ',') return undefined;
    k = skipSpace(s, k + 1);
  }
  return undefined;
}

function fold(fn: string, a: string[]): string {
  const x = a[0] ?? '';
  switch (fn) {
    case 'str_replace': return (a[2] ?? '').split(x).join(a[1] ?? '');
    case 'strrev': return [...x].reverse().join('');
    case 'base64_decode': return Buffer.from(x, 'base64').toString('latin1');
    case 'str_rot13': return x.replace(/[a-z]/gi, (c) => String.fromCharCode(((c.charCodeAt(0) & 31) + 12) % 26 + (c.charCodeAt(0) & 96) + 1));
    case 'hex2bin': return /^[0-9a-f]*$/i.test(x) ? Buffer.from(x, 'hex').toString('latin1') : '';
    case 'urldecode':
    case 'rawurldecode': return x.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    default: return x;
  }
}

/** PHP's string ^ | &: byte by byte, as long as the shorter operand for ^ and &, the longer for |. */
function bitwise(op: string, a: string, b: string): string {
  const n = op === '|' ? Math.max(a.length, b.length) : Math.min(a.length, b.length);
  let out = '';
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i) || 0;
    const y = b.charCodeAt(i) || 0;
    out += String.fromCharCode(op === '^' ? x ^ y : op === '|' ? x | y : x & y);
  }
  return out;
}

function concat(s: string, i: number, depth: number): Lit | undefined {
  let t = term(s, i, depth);
  if (t === undefined) return undefined;
  let value = t.value;
  let end = t.end;
  for (let parts = 0; parts < 64; parts++) {
    const k = skipSpace(s, end);
    const op = s[k];
    if ((op !== '.' && op !== '^' && op !== '|' && op !== '&') || s[k + 1] === '=' || s[k + 1] === op) break;
    t = term(s, skipSpace(s, k + 1), depth);
    if (t === undefined) break;
    value = op === '.' ? value + t.value : bitwise(op, value, t.value);
    end = t.end;
  }
  return { value, end };
}

/** Literal expressions that fold to a dangerous function name, which plain text never shows. */
export function seeHiddenNames(raw: string): Seen[] {
  let count = 0;
  for (let i = 0; i < raw.length && count < MAX_LITERALS; i++) {
    const code = raw.charCodeAt(i);
    // quotes, '(' and the first letters of the folding functions start an expression; anything else is skipped
    if (code >= 128 || STARTS[code] === 0) continue;
    const c = raw[i] as string;
    if (STARTS[code] === 2 && i > 0 && WORD[raw.charCodeAt(i - 1) & 0x7f] === 1 && raw.charCodeAt(i - 1) < 128) continue;
    count++;
    // what term() would find first, asked here without the calls: a letter must start a folding function's name, and
    // after '(' the first non-space must start a term (a quote, another '(' or such a name); else nothing folds here
    if (STARTS[code] === 2 ? !mayStartFolder(raw, i) : code === 40 && !mayStartTerm(raw, skipSpace(raw, i + 1))) continue;
    const r = concat(raw, i, 0);
    if (r === undefined) continue;
    const name = r.value.trim().toLowerCase();
    // the name must not be written plainly: a literal 'assert' in a list of names is not hiding anything
    // hidden only if no literal spells it already (the folding functions' own names do not count: chr(99).chr(104)...)
    const text = DANGEROUS.has(name) ? raw.slice(i, r.end) : '';
    if (text !== '' && !text.toLowerCase().replace(FOLDERS, '(').includes(name)) {
      return [{
        id: 'hidden-function-name', title: 'Function name hidden in a string', score: 70, tags: [TAG.defenseEvasion, TAG.obfuscation],
        offset: i, length: Math.min(r.end - i, 200),
        why: `The string expression ${JSON.stringify(text.slice(0, 60))} spells "${name}" only once evaluated; shells build names like this so that eval, assert or system never appear in the file.`,
      }];
    }
    if (r.end > i + 1 && (c === "'" || c === '"')) i = r.end - 1;
  }
  return [];
}
