/**
 * Sigma strings: `*` (any run of characters), `?` (exactly one) and `\` escapes, as the rules specification
 * defines them ("Escape Character"): `\*`, `\?` and `\\` are the plain characters; a backslash before anything
 * else is itself. With the `expand` modifier, `%name%` is a placeholder and `\%` a plain percent sign.
 *
 * A parsed value is a list of pieces; `lowerPattern` turns it into the cheapest test that decides it:
 * `===`, `startsWith`, `endsWith`, `includes`, an ordered `indexOf` walk for `*`-only patterns, a regex only for `?`.
 */
import type { Test } from './expr.js';

export const STAR = 0;
export const ONE = 1;
export interface Placeholder {
  placeholder: string;
}
export type Piece = string | typeof STAR | typeof ONE | Placeholder;

/** Parse a rule value into pieces; with `placeholders`, `%name%` becomes a placeholder piece. */
export function parseSigmaString(s: string, placeholders = false): Piece[] {
  const out: Piece[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push(lit);
    lit = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\' || (placeholders && n === '%')) {
        lit += n;
        i++;
      } else lit += '\\';
      continue;
    }
    if (c === '*') {
      flush();
      out.push(STAR);
    } else if (c === '?') {
      flush();
      out.push(ONE);
    } else if (c === '%' && placeholders) {
      const end = s.indexOf('%', i + 1);
      const name = end > i + 1 ? s.slice(i + 1, end) : '';
      if (name && /^[\w.-]+$/.test(name)) {
        flush();
        out.push({ placeholder: name });
        i = end;
      } else lit += c;
    } else lit += c;
  }
  flush();
  return out;
}

/** Pieces from plain text (no wildcard meaning): what encodings produce. */
export function literalPieces(s: string): Piece[] {
  return s ? [s] : [];
}

export function hasWildcards(p: readonly Piece[]): boolean {
  return p.some((x) => typeof x !== 'string');
}

/** The text of a wildcard-free value, or undefined when it has wildcards or placeholders. */
export function plainText(p: readonly Piece[]): string | undefined {
  let s = '';
  for (const x of p) {
    if (typeof x !== 'string') return undefined;
    s += x;
  }
  return s;
}

/** Merge adjacent literals and collapse runs of `*`. */
export function normalisePieces(p: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const x of p) {
    const last = out[out.length - 1];
    if (typeof x === 'string') {
      if (!x) continue;
      if (typeof last === 'string') out[out.length - 1] = last + x;
      else out.push(x);
    } else if (x === STAR && last === STAR) continue;
    else out.push(x);
  }
  return out;
}

const RE_SPECIAL = /[.*+?^${}()|[\]\\/]/g;
export const escapeRegex = (s: string) => s.replace(RE_SPECIAL, '\\$&');

/** The test a wildcard pattern lowers to. `cased` false: literals are lower-cased here, values at match time. */
export function lowerPattern(pieces: readonly Piece[], cased: boolean): Test {
  const p = normalisePieces(pieces);
  const low = (s: string) => (cased ? s : s.toLowerCase());
  if (p.some((x) => x === ONE)) {
    // `?` needs a regex; the match is anchored and `*`/`?` cross newlines.
    let src = '^';
    for (const x of p) src += x === STAR ? '[\\s\\S]*' : x === ONE ? '[\\s\\S]' : escapeRegex(String(x));
    return { t: 're', source: src + '$', flags: cased ? '' : 'i' };
  }
  const parts: string[] = [];
  let cur = '';
  for (const x of p) {
    if (x === STAR) {
      parts.push(cur);
      cur = '';
    } else cur += String(x);
  }
  parts.push(cur);
  // parts.length - 1 stars; parts[0] is the prefix and the last part the suffix (either may be empty).
  if (parts.length === 1) return { t: 'str', op: 'eq', values: [low(parts[0]!)], cased };
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    if (!a && !b) return { t: 'any' };
    if (!b) return { t: 'str', op: 'prefix', values: [low(a)], cased };
    if (!a) return { t: 'str', op: 'suffix', values: [low(b)], cased };
  }
  if (parts.length === 3 && !parts[0] && !parts[2]) return { t: 'str', op: 'contains', values: [low(parts[1]!)], cased };
  return { t: 'glob', parts: parts.map(low), cased };
}

/** Decide a `*`-only pattern by walking the value with `indexOf`; leftmost matching is exact for `*`. */
export function matchGlob(value: string, parts: readonly string[]): boolean {
  const n = parts.length;
  const first = parts[0]!;
  const last = parts[n - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < n - 1; i++) {
    const part = parts[i]!;
    const at = value.indexOf(part, pos);
    if (at < 0 || at + part.length > end) return false;
    pos = at + part.length;
  }
  return true;
}
