/**
 * YARA source text → its rules, as slices of the text: name, modifiers, tags, where each rule starts and ends, and
 * its condition. Only as much of the grammar as finding rule boundaries needs (comments, text strings, regular
 * expressions, hex strings); the engine itself parses and checks the rules. A text this reader cannot follow is
 * reported as not splittable and is then compiled whole, so a gap here costs speed, never results.
 */

export interface RuleSlice {
  name: string;
  private: boolean;
  global: boolean;
  /** Offsets of the rule in the text: from its first modifier to its closing brace (inclusive). */
  start: number;
  end: number;
  /** The condition section, comments blanked out. */
  condition: string;
}

export interface SourceLayout {
  /** The `import "x"` statements, verbatim, in order. */
  imports: string[];
  rules: RuleSlice[];
  /** Why the text cannot be split into rules (an include, a construct this reader does not follow), or undefined. */
  unsplittable?: string;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Read the rules of one YARA source text. Never throws: what it cannot follow makes the layout unsplittable. */
export function layoutOf(text: string): SourceLayout {
  const imports: string[] = [];
  const rules: RuleSlice[] = [];
  let i = 0;
  const n = text.length;
  const fail = (why: string): SourceLayout => ({ imports, rules, unsplittable: why });
  while (i < n) {
    i = skipSpace(text, i);
    if (i >= n) break;
    IDENT.lastIndex = i;
    const m = IDENT.exec(text);
    if (!m) return fail(`unexpected character at offset ${i}`);
    const word = m[0];
    if (word === 'import' || word === 'include') {
      const q = skipSpace(text, i + word.length);
      if (text[q] !== '"') return fail(`${word} without a quoted name at offset ${i}`);
      const close = endOfQuoted(text, q);
      if (close < 0) return fail(`unterminated ${word} at offset ${i}`);
      if (word === 'include') return fail('include statements');
      imports.push(text.slice(i, close + 1));
      i = close + 1;
      continue;
    }
    // [private] [global] rule NAME [: tags] { … }
    const start = i;
    let isPrivate = false;
    let isGlobal = false;
    let w = word;
    let j = i;
    while (w === 'private' || w === 'global') {
      if (w === 'private') isPrivate = true;
      else isGlobal = true;
      j = skipSpace(text, j + w.length);
      IDENT.lastIndex = j;
      const next = IDENT.exec(text);
      if (!next) return fail(`expected 'rule' at offset ${j}`);
      w = next[0];
    }
    if (w !== 'rule') return fail(`expected a rule at offset ${j}, found '${w}'`);
    j = skipSpace(text, j + 4);
    IDENT.lastIndex = j;
    const nameMatch = IDENT.exec(text);
    if (!nameMatch) return fail(`rule without a name at offset ${j}`);
    const name = nameMatch[0];
    j += name.length;
    const open = text.indexOf('{', j);
    if (open < 0) return fail(`rule ${name} has no body`);
    const body = readBody(text, open);
    if (!body) return fail(`cannot follow the body of rule ${name}`);
    rules.push({ name, private: isPrivate, global: isGlobal, start, end: body.end, condition: body.condition });
    i = body.end + 1;
  }
  return { imports, rules };
}

/** Whitespace and comments. */
function skipSpace(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xfeff) i++;
    else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const e = text.indexOf('\n', i);
      i = e < 0 ? n : e + 1;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else break;
  }
  return i;
}

/** The index of the closing quote of the string opening at `q`, or -1. */
export function endOfQuoted(text: string, q: number): number {
  for (let i = q + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '\n') return -1;
  }
  return -1;
}

/** The index of the slash closing the regular expression opening at `q`, or -1. */
export function endOfRegex(text: string, q: number): number {
  let inClass = false;
  for (let i = q + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return i;
    else if (c === '\n') return -1;
  }
  return -1;
}

/**
 * From a rule's opening brace to its closing one. A slash starts a regular expression after `=` (string definitions)
 * or `matches`; elsewhere it is division.
 */
function readBody(text: string, open: number): { end: number; condition: string } | undefined {
  let depth = 0;
  let prev = ''; // the previous significant token, to tell a regex from a division
  let conditionAt = -1;
  let i = open;
  const n = text.length;
  while (i < n) {
    const k = skipSpace(text, i);
    if (k !== i) {
      i = k;
      continue;
    }
    const c = text[i]!;
    if (c === '{') {
      depth++;
      prev = '{';
      i++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) {
        const condition = conditionAt < 0 ? '' : blankComments(text.slice(conditionAt, i));
        return { end: i, condition };
      }
      prev = '}';
      i++;
    } else if (c === '"') {
      const e = endOfQuoted(text, i);
      if (e < 0) return undefined;
      prev = '"';
      i = e + 1;
    } else if (c === '/' && (prev === '=' || prev === 'matches')) {
      const e = endOfRegex(text, i);
      if (e < 0) return undefined;
      prev = '/re/';
      i = e + 1;
    } else {
      IDENT.lastIndex = i;
      const m = IDENT.exec(text);
      if (m) {
        const w = m[0];
        i += w.length;
        if (depth === 1 && w === 'condition' && text[skipSpace(text, i)] === ':') conditionAt = skipSpace(text, i) + 1;
        prev = w;
      } else {
        prev = c;
        i++;
      }
    }
  }
  return undefined;
}

/** Comments replaced by spaces (outside quoted strings), so later token scans see only the condition. */
function blankComments(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      const e = endOfQuoted(s, i);
      const stop = e < 0 ? s.length : e + 1;
      out += s.slice(i, stop);
      i = stop;
    } else if (c === '/' && (s[i + 1] === '/' || s[i + 1] === '*')) {
      const k = skipSpace(s, i);
      out += ' ';
      i = k;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * A magic-number gate: the rule can only match a file whose first `width` bytes, read as an unsigned integer
 * (little-endian unless `bigEndian`), are one of `values`. Key examples: `u16le:0x5a4d` (MZ), `u16le:0x457f|0x5a4d`.
 */
export interface Gate {
  key: string;
  width: 1 | 2 | 4;
  bigEndian: boolean;
  values: number[];
}

const MAGIC = /^(?:uint(8|16|32)(be)?\s*\(\s*0\s*\)\s*==\s*(0x[0-9a-fA-F]+|\d+)|(0x[0-9a-fA-F]+|\d+)\s*==\s*uint(8|16|32)(be)?\s*\(\s*0\s*\))$/;

/**
 * The gate a condition stands behind, if any: a conjunct at the top level (or inside parenthesised conjunctions)
 * comparing the first bytes of the file with a constant, or a parenthesised `or` of such comparisons of one width;
 * no top-level `or` may let the rule match without it. `uint16(0) == 0x5a4d and …` is gated on MZ;
 * `uint16(0) == 0x5a4d and $a or $b` is not (and binds tighter than or).
 */
export function gateOf(condition: string): Gate | undefined {
  for (const p of flatConjuncts(condition)) {
    const g = magicOf(p) ?? magicSetOf(p);
    if (g) return g;
  }
  return undefined;
}

function flatConjuncts(expr: string, depth = 0): string[] {
  const parts = conjuncts(stripParens(expr.trim()));
  if (!parts) return [];
  if (parts.length === 1 || depth > 8) return parts;
  return parts.flatMap((p) => {
    const inner = stripParens(p.trim());
    const sub = conjuncts(inner);
    return sub && sub.length > 1 ? flatConjuncts(inner, depth + 1) : [p];
  });
}

function magicOf(expr: string): Gate | undefined {
  const m = MAGIC.exec(stripParens(expr.trim()));
  if (!m) return undefined;
  const bits = Number(m[1] ?? m[5]);
  const big = (m[2] ?? m[6]) === 'be' && bits > 8;
  const value = Number(m[3] ?? m[4]);
  if (!Number.isSafeInteger(value) || value >= 2 ** bits) return undefined;
  return { key: `u${bits}${big ? 'be' : 'le'}:0x${value.toString(16)}`, width: (bits / 8) as 1 | 2 | 4, bigEndian: big, values: [value] };
}

/** `(uint16(0) == 0x5a4d or uint16(0) == 0x457f)`: one gate passing either value. */
function magicSetOf(expr: string): Gate | undefined {
  const alts = disjuncts(stripParens(expr.trim()));
  if (!alts || alts.length < 2) return undefined;
  const gates = alts.map(magicOf);
  const first = gates[0];
  if (!first || gates.some((g) => !g || g.width !== first.width || g.bigEndian !== first.bigEndian)) return undefined;
  const values = [...new Set(gates.flatMap((g) => g!.values))].sort((a, b) => a - b);
  const prefix = first.key.slice(0, first.key.indexOf(':') + 1);
  return { key: prefix + values.map((v) => `0x${v.toString(16)}`).join('|'), width: first.width, bigEndian: first.bigEndian, values };
}

/** Does `bytes` start with one of the gate's magic numbers? */
export function passesGate(bytes: Uint8Array, gate: Gate): boolean {
  if (bytes.length < gate.width) return false;
  let v = 0;
  for (let k = 0; k < gate.width; k++) {
    const b = bytes[gate.bigEndian ? k : gate.width - 1 - k]!;
    v = v * 256 + b;
  }
  return gate.values.includes(v);
}

/** Parentheses that wrap the whole expression, removed. */
export function stripParens(s: string): string {
  while (s.startsWith('(') && matchingParen(s, 0) === s.length - 1) s = s.slice(1, -1).trim();
  return s;
}

function matchingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      const e = endOfQuoted(s, i);
      if (e < 0) return -1;
      i = e;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Top-level `and` operands, or undefined when a top-level `or` (or something this scan cannot follow) is present. */
function conjuncts(s: string): string[] | undefined {
  return splitTop(s, 'and', 'or');
}

/** Top-level `or` operands, or undefined when a top-level `and` is present. */
function disjuncts(s: string): string[] | undefined {
  return splitTop(s, 'or', 'and');
}

/**
 * Operands of the operator `on` at the top level (outside brackets, strings and regexes), or undefined when the
 * operator `refuse` also stands at the top level or when a quote or slash cannot be followed.
 */
export function splitTop(s: string, on: string, refuse?: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      const e = endOfQuoted(s, i);
      if (e < 0) return undefined;
      i = e + 1;
      continue;
    }
    if (c === '/') {
      // A regex after `matches` is skipped whole; any other slash (a division) is not worth following.
      if (!/\bmatches\s*$/.test(s.slice(Math.max(0, i - 16), i))) return undefined;
      const e = endOfRegex(s, i);
      if (e < 0) return undefined;
      i = e + 1;
      while (i < s.length && /[is]/.test(s[i]!)) i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && /[a-z]/.test(c) && (i === 0 || !/[A-Za-z0-9_$#@!]/.test(s[i - 1]!))) {
      IDENT.lastIndex = i;
      const w = IDENT.exec(s)![0];
      if (w === refuse) return undefined;
      if (w === on) {
        out.push(s.slice(from, i));
        from = i + on.length;
      }
      i += w.length;
      continue;
    }
    i++;
  }
  out.push(s.slice(from));
  return out;
}

/** Bare identifiers used in a condition (candidate references to other rules), and prefixes used as `Name*`. */
export function identifiersOf(condition: string): { names: Set<string>; prefixes: string[] } {
  const names = new Set<string>();
  const prefixes: string[] = [];
  const re = /"(?:[^"\\\n]|\\.)*"|([$#@!]?)([A-Za-z_][A-Za-z0-9_]*)(\*)?/g;
  for (let m = re.exec(condition); m; m = re.exec(condition)) {
    if (m[2] === undefined || m[1]) continue;
    if (m[3]) prefixes.push(m[2]);
    else names.add(m[2]);
  }
  return { names, prefixes };
}
