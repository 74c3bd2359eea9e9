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
/** First letters of the folding functions (str_replace, base64_decode, chr, hex2bin, urldecode...). */
const FUNCTION_START = new Set(['s', 'S', 'b', 'B', 'c', 'C', 'h', 'H', 'u', 'U', 'r', 'R']);

interface Lit {
  value: string;
  end: number;
}

/** A quoted PHP literal starting at `i` ('...' with \\ and \', "..." with \xNN, \NNN, \n...). */
function literal(s: string, i: number): Lit | undefined {
  const q = s[i];
  if (q !== "'" && q !== '"') return undefined;
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
    const c = raw[i];
    if (c !== "'" && c !== '"' && c !== '(' && !FUNCTION_START.has(c ?? '')) continue;
    if (c !== "'" && c !== '"' && c !== '(' && /[\w$]/.test(raw[i - 1] ?? ' ')) continue;
    count++;
    const r = concat(raw, i, 0);
    if (r === undefined) continue;
    const text = raw.slice(i, r.end);
    const name = r.value.trim().toLowerCase();
    // the name must not be written plainly: a literal 'assert' in a list of names is not hiding anything
    // hidden only if no literal spells it already (the folding functions' own names do not count: chr(99).chr(104)...)
    const plain = text.toLowerCase().replace(FOLDERS, '(');
    if (DANGEROUS.has(name) && !plain.includes(name)) {
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
