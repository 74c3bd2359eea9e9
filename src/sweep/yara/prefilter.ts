/**
 * Compile less: most rules of a large set cannot match anything in a given sweep, because none of their strings
 * occurs in any file (signature-base over 3,572 files of benign server code: 223 of 2,974 rules have any string
 * anywhere). A rule qualifies for leaving out when
 *
 * - its condition is false whenever no string matches (`requiresAString`: `$a and …`, `2 of them or #b > 3`, …), and
 * - every string yields a literal that each of its matches contains: a text string's bytes (and, with `wide`, their
 *   UTF-16LE form), the longest run of fixed bytes of a hex string, the longest literal run of a regex.
 *
 * `LiteralSet` then looks for every such literal in every file, case-insensitively (a superset of what the rule's own
 * case rules allow), and a rule is compiled only when one of its literals was seen. The result is the same: a rule
 * left out could not have matched.
 */
import { endOfRegex, splitTop, stripParens } from './source.js';

/** A rule's strings in order, each with the byte forms a match of it contains (null: none this reader can promise). */
export type StringLiterals = [identifier: string, literals: Uint8Array[] | null][];

/** Modifiers this reader follows; xor and base64 (with their arguments) make a string give no literal. */
const MODIFIERS = /^((?:[ \t]+(?:ascii|wide|nocase|fullword|private|dotall|xor(?:\s*\([^)\n]*\))?|base64wide(?:\s*\("(?:[^"\\\n]|\\.)*"\))?|base64(?:\s*\("(?:[^"\\\n]|\\.)*"\))?))*)/;

/** Each string of a rule with its literals, or undefined when the strings section is not one this reader follows. */
export function stringLiterals(ruleText: string): StringLiterals | undefined {
  const s = /\bstrings\s*:([\s\S]*?)\bcondition\s*:/.exec(ruleText);
  if (!s) return undefined;
  const section = s[1]!;
  const out: StringLiterals = [];
  const def = /\$[A-Za-z0-9_]*\s*=\s*/g;
  let m: RegExpExecArray | null;
  let expectAt = skipBlank(section, 0);
  while ((m = def.exec(section))) {
    if (m.index !== expectAt) return undefined; // something between definitions this reader does not follow
    const id = /^\$[A-Za-z0-9_]*/.exec(m[0])![0];
    let i = m.index + m[0].length;
    const value = readValue(section, i);
    if (!value) return undefined;
    i = value.end;
    const mods = MODIFIERS.exec(section.slice(i))![1]!;
    i += mods.length;
    const after = skipBlank(section, i);
    if (after < section.length && section[after] !== '$') return undefined; // a modifier or oddity not followed
    expectAt = after;
    def.lastIndex = after;
    const bytes = value.bytes;
    if (!bytes || bytes.length === 0 || /\b(?:xor|base64|base64wide)\b/.test(mods)) {
      out.push([id, null]);
      continue;
    }
    const wide = /\bwide\b/.test(mods);
    const ascii = /\bascii\b/.test(mods) || !wide;
    const lits: Uint8Array[] = [];
    // A hex string is matched as it is written, whatever ascii or wide say.
    if (ascii || value.hex) lits.push(bytes);
    if (wide && !value.hex) lits.push(widen(bytes));
    out.push([id, lits]);
  }
  return out.length && expectAt >= section.length ? out : undefined;
}

/** The byte forms of all a rule's strings, or undefined when some string gives no literal (or is not understood). */
export function literalsOf(ruleText: string): Uint8Array[] | undefined {
  const strings = stringLiterals(ruleText);
  if (!strings || strings.some(([, l]) => l === null)) return undefined;
  return strings.flatMap(([, l]) => l!);
}

/**
 * Literals one of which every match of the rule contains: the condition needs some string of a set (requiredSets),
 * and each string of that set gives a literal. Where an `and` offers several such sets, the one with the fewest
 * literals is taken (the fewer, the likelier none occurs). Undefined: the rule may match with no literal present.
 */
export function literalsRequired(ruleText: string, condition: string): Uint8Array[] | undefined {
  const strings = stringLiterals(ruleText);
  if (!strings) return undefined;
  const resolve = (selectors: readonly string[]): Uint8Array[] | undefined => {
    const chosen = strings.filter(([id]) => selectors.some((sel) => sel === 'them' || (sel.endsWith('*') ? id.startsWith(sel.slice(0, -1)) : id === sel)));
    if (chosen.length === 0 || chosen.some(([, l]) => l === null)) return undefined;
    return chosen.flatMap(([, l]) => l!);
  };
  const sets = requiredSet(condition.trim(), 0, (sel) => resolve(sel)?.length);
  return sets && resolve(sets);
}

/**
 * A string's value and a literal every match of it contains: a text string's own bytes; for a hex string its longest
 * run of fixed bytes; for a regular expression its longest run of literal characters outside any group, class,
 * alternation or quantifier (at least four bytes, or the string gives no literal and the rule cannot be prefiltered).
 */
function readValue(s: string, i: number): { bytes: Uint8Array | undefined; end: number; hex: boolean } | undefined {
  if (s[i] === '"') {
    const t = readText(s, i);
    return t && { ...t, hex: false };
  }
  if (s[i] === '{') {
    const close = s.indexOf('}', i);
    if (close < 0) return undefined;
    const run = hexRun(s.slice(i + 1, close));
    return { bytes: run && run.length >= 4 ? run : undefined, end: close + 1, hex: true };
  }
  if (s[i] === '/') {
    const k = endOfRegex(s, i);
    if (k < 0) return undefined;
    const flags = /^[is]*/.exec(s.slice(k + 1))![0];
    const run = regexRun(s.slice(i + 1, k));
    return { bytes: run && run.length >= 4 ? run : undefined, end: k + 1 + flags.length, hex: false };
  }
  return undefined;
}

/** The longest run of fixed bytes in a hex string's body, outside alternatives. */
function hexRun(body: string): Uint8Array | undefined {
  const tokens = body.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ').match(/~?[0-9A-Fa-f?]{2}|\[[^\]]*\]|[()|]|\S/g) ?? [];
  let best: number[] = [];
  let run: number[] = [];
  let depth = 0;
  const cut = () => {
    if (run.length > best.length) best = run;
    run = [];
  };
  for (const t of tokens) {
    if (t === '(') {
      depth++;
      cut();
    } else if (t === ')') {
      depth--;
      cut();
    } else if (depth === 0 && /^[0-9A-Fa-f]{2}$/.test(t)) run.push(parseInt(t, 16));
    else if (/^~?[0-9A-Fa-f?]{2}$/.test(t) || t.startsWith('[') || t === '|') cut();
    else return undefined; // not hex as this reader knows it
  }
  cut();
  return best.length ? Uint8Array.from(best) : undefined;
}

/** The longest run of literal characters at the top level of a regex without top-level alternation. */
function regexRun(re: string): Uint8Array | undefined {
  let best: number[] = [];
  let run: number[] = [];
  let depth = 0;
  const cut = () => {
    if (run.length > best.length) best = run;
    run = [];
  };
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\') {
      const e = re[i + 1];
      if (e === undefined) return undefined;
      i++;
      if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(re.slice(i + 1, i + 3))) {
        if (depth === 0) run.push(parseInt(re.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (/[A-Za-z0-9]/.test(e)) cut(); // \w \d \s \b \n … : a class or an assertion
      else if (depth === 0) run.push(e.charCodeAt(0));
    } else if (c === '(') {
      depth++;
      cut();
    } else if (c === ')') {
      depth--;
      cut();
    } else if (c === '|') {
      if (depth === 0) return undefined; // the literal would be one side's only
      cut();
    } else if (c === '[') {
      // A class: skip to its closing bracket, past escapes and a leading ] (or ^]).
      let k = i + 1;
      if (re[k] === '^') k++;
      if (re[k] === ']') k++;
      while (k < re.length && re[k] !== ']') k += re[k] === '\\' ? 2 : 1;
      if (k >= re.length) return undefined;
      i = k;
      cut();
    } else if (c === '*' || c === '?' || c === '+' || c === '{') {
      // The character before may repeat or be absent: it leaves the run (for +, keep it but end the run).
      if (c !== '+') run.pop();
      cut();
      if (c === '{') {
        const close = re.indexOf('}', i);
        if (close < 0) return undefined;
        i = close;
      } else if (re[i + 1] === '?') i++;
    } else if (c === '.' || c === '^' || c === '$') cut();
    else if (depth === 0) {
      const code = c.charCodeAt(0);
      if (code >= 0x80) return undefined;
      run.push(code);
    }
  }
  cut();
  return best.length ? Uint8Array.from(best) : undefined;
}

function skipBlank(s: string, i: number): number {
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (s.startsWith('//', i)) {
      const e = s.indexOf('\n', i);
      i = e < 0 ? s.length : e + 1;
    } else if (s.startsWith('/*', i)) {
      const e = s.indexOf('*/', i + 2);
      i = e < 0 ? s.length : e + 2;
    } else return i;
  }
}

/** A YARA text string's bytes (escapes \" \\ \t \n \r \xNN), and the index after its closing quote. */
function readText(s: string, q: number): { bytes: Uint8Array; end: number } | undefined {
  const bytes: number[] = [];
  for (let i = q + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return { bytes: Uint8Array.from(bytes), end: i + 1 };
    if (c === '\n') return undefined;
    if (c !== '\\') {
      const code = c.charCodeAt(0);
      if (code < 0x80) bytes.push(code);
      else bytes.push(...new TextEncoder().encode(c));
      continue;
    }
    const e = s[++i];
    if (e === '"' || e === '\\') bytes.push(e.charCodeAt(0));
    else if (e === 't') bytes.push(9);
    else if (e === 'n') bytes.push(10);
    else if (e === 'r') bytes.push(13);
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else return undefined;
  }
  return undefined;
}

function widen(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length * 2);
  for (let i = 0; i < b.length; i++) out[i * 2] = b[i]!;
  return out;
}

/**
 * Is the condition false whenever no string matches? Conservative: true only for shapes known to need a match —
 * `$a`, `$a at …`, `$a in (…)`, `#a > N`, `N of …` with N ≥ 1, `any of …`, `all of …`, and `and`/`or` of those
 * (`and` needs one side, `or` both). Anything else (`not`, `filesize`, modules, other rules) may be true without.
 */
export function requiresAString(condition: string): boolean {
  return requiredSet(condition.trim(), 0, () => 0) !== undefined;
}

function atomNeeds(e: string): boolean {
  if (/^\$[A-Za-z0-9_]*(\s+at\s+\S+|\s+in\s*\([^()]*\))?$/.test(e)) return true;
  const count = /^#[A-Za-z0-9_]*\s*(>=|>|==)\s*(\d+)$/.exec(e);
  if (count) return count[1] === '>' ? true : Number(count[2]) >= 1;
  const of = /^(any|all|\d+)\s+of\s+(them|\([^()]*\))$/.exec(e);
  if (of) return of[1] === 'any' || of[1] === 'all' || Number(of[1]) >= 1;
  return false;
}

/**
 * Selectors (`$a`, `$s*`, `them`) of strings one of which must match for the condition to be true, or undefined.
 * `or` needs one of every side (the union); `and` needs one of any side (the side `cost` scores lowest, undefined
 * meaning "its strings give no literal"). The atoms are requiresAString's.
 */
function requiredSet(expr: string, depth: number, cost: (selectors: string[]) => number | undefined): string[] | undefined {
  if (depth > 32) return undefined;
  const e = stripParens(expr.trim());
  const ors = splitTop(e, 'or');
  if (!ors) return undefined;
  if (ors.length > 1) {
    const union: string[] = [];
    for (const p of ors) {
      const set = requiredSet(p, depth + 1, cost);
      if (!set) return undefined;
      union.push(...set);
    }
    return union;
  }
  const ands = splitTop(e, 'and');
  if (!ands) return undefined;
  if (ands.length > 1) {
    let best: { set: string[]; cost: number } | undefined;
    for (const p of ands) {
      const set = requiredSet(p, depth + 1, cost);
      const c = set && cost(set);
      if (set && c !== undefined && (!best || c < best.cost)) best = { set, cost: c };
    }
    return best?.set;
  }
  return atomSet(e);
}

function atomSet(e: string): string[] | undefined {
  if (!atomNeeds(e)) return undefined;
  const one = /^[$#]([A-Za-z0-9_]+)/.exec(e);
  if (one) return [`$${one[1]}`];
  const of = /\bof\s+(them|\(([^()]*)\))$/.exec(e);
  if (!of) return undefined;
  if (of[1] === 'them') return ['them'];
  const items = of[2]!.split(',').map((x) => x.trim());
  return items.every((x) => /^\$[A-Za-z0-9_]*\*?$/.test(x) && x !== '$') ? items : undefined;
}

/** Literals shorter than this are taken as present: a four-byte window is what the scan keys on. */
const GRAM = 4;
const BUCKET_BITS = 22;

/** How common a byte is in source code and text (0 rare … 3 very common), to key each literal on its rarest window. */
const COMMON = new Uint8Array(256);
for (const c of ' \t\r\n\0') COMMON[c.charCodeAt(0)] = 3;
for (const c of 'etaoinsrhlcdu(){};=$.,"\'_-/<>') COMMON[c.charCodeAt(0)] = 2;
for (const c of 'mpfgywbvk0123456789[]:*#') COMMON[c.charCodeAt(0)] = 1;

/** Which of many byte literals occur (ASCII case-insensitively) in the bytes fed to it. */
export class LiteralSet {
  /** 1 for each literal seen, by index. */
  readonly seen: Uint8Array;
  /** How many distinct grams still wanted fall in each bucket (a quick no for most windows). */
  private readonly buckets = new Uint16Array(1 << BUCKET_BITS);
  /** A four-byte window → the literals keyed on it, with where in the literal the window is. */
  private readonly byGram = new Map<number, { id: number; at: number }[]>();
  private readonly folded: Uint8Array[];
  private left: number;
  /** Literals seen since the last `takeNew`. */
  private fresh: number[] = [];

  constructor(literals: readonly Uint8Array[]) {
    this.seen = new Uint8Array(literals.length);
    this.folded = literals.map(fold);
    this.left = literals.length;
    this.folded.forEach((lit, id) => {
      if (lit.length < GRAM) {
        this.seen[id] = 1;
        this.fresh.push(id);
        this.left--;
        return;
      }
      // The window of the literal made of the rarest bytes: a literal starting with spaces is not looked for at
      // every run of spaces.
      let at = 0;
      let best = Infinity;
      for (let k = 0; k + GRAM <= lit.length; k++) {
        const score = COMMON[lit[k]!]! + COMMON[lit[k + 1]!]! + COMMON[lit[k + 2]!]! + COMMON[lit[k + 3]!]!;
        if (score < best) {
          best = score;
          at = k;
        }
      }
      const g = gramAt(lit, at);
      const list = this.byGram.get(g);
      if (list) list.push({ id, at });
      else {
        this.byGram.set(g, [{ id, at }]);
        this.buckets[hash(g)]!++;
      }
    });
  }

  /** The literals first seen since the previous call (a worker reports its finds batch by batch). */
  takeNew(): number[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  /** Every literal found already? Then nothing more needs feeding. */
  get complete(): boolean {
    return this.left === 0;
  }

  feed(bytes: Uint8Array): void {
    if (this.left === 0 || bytes.length < GRAM) return;
    // Folded on the fly through a table: no copy of the file.
    const data = bytes;
    const buckets = this.buckets;
    const last = data.length - GRAM;
    let g = (FOLD[data[0]!]! << 24) | (FOLD[data[1]!]! << 16) | (FOLD[data[2]!]! << 8) | FOLD[data[3]!]!;
    for (let i = 0; ; i++) {
      if (buckets[Math.imul(g, 0x9e3779b1) >>> (32 - BUCKET_BITS)] !== 0) {
        const list = this.byGram.get(g);
        if (list) this.verify(list, data, i, g);
      }
      if (i >= last) break;
      g = (g << 8) | FOLD[data[i + GRAM]!]!;
    }
  }

  private verify(list: { id: number; at: number }[], data: Uint8Array, pos: number, g: number): void {
    for (let k = list.length - 1; k >= 0; k--) {
      const { id, at } = list[k]!;
      const lit = this.folded[id]!;
      const start = pos - at;
      if (start < 0 || start + lit.length > data.length) continue;
      let same = true;
      for (let j = 0; j < lit.length; j++) {
        if (FOLD[data[start + j]!] !== lit[j]) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      this.seen[id] = 1;
      this.fresh.push(id);
      this.left--;
      // Found once is enough: the literal leaves the candidates.
      list.splice(k, 1);
    }
    if (list.length === 0) {
      this.byGram.delete(g);
      this.buckets[hash(g)]!--;
    }
  }
}

/** Four bytes as a signed 32-bit integer (a small integer to V8, so maps and arithmetic stay fast). */
function gramAt(b: Uint8Array, i: number): number {
  return (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
}

function hash(g: number): number {
  return Math.imul(g, 0x9e3779b1) >>> (32 - BUCKET_BITS);
}

/** Each byte with ASCII upper case folded to lower case. */
const FOLD = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c));

/** ASCII upper case folded to lower case (a copy). */
function fold(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    out[i] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  }
  return out;
}
