/**
 * Sigma's `re` values are PCRE; JavaScript's RegExp rejects or reads differently some of PCRE's forms. This file
 * translates a PCRE pattern into an equivalent JavaScript one, token by token:
 *
 * - inline flags: `(?i)` at the start becomes the `i` flag; `(?i)`, `(?-i)`, `(?s:…)`, `(?m)` anywhere else are
 *   applied by rewriting what they govern (letters to `[aA]`, `.` to `[\s\S]`, anchors to lookarounds), since Node's
 *   RegExp has no scoped modifiers; `(?x)` drops the pattern's whitespace and `#` comments;
 * - atomic groups `(?>…)` and possessive quantifiers `a++`, `a*+`, `a?+`, `a{n,m}+` become `(?=(…))\N` (a lookahead
 *   capture and a back-reference, which cannot be backtracked into), with the pattern's own groups renumbered;
 * - `\A`, `\z`, `\Z`, `\h`, `\H`, `\R`, `\N`, `\e`, `\a`, `\Q…\E`, `\x{…}`, `\o{…}`, `\g{N}`, `\k'n'`, `(?P<n>…)`,
 *   `(?P=n)`, POSIX classes `[[:alpha:]]`, a leading `]` in a class, comments `(?#…)`;
 * - PCRE's own meanings kept exact: `.` does not match only `\n`; `$` also matches before a final newline.
 *
 * What has no JavaScript equivalent (recursion, conditionals, `\G`, `\K`, backtracking verbs, branch reset) is
 * reported as unsupported, naming the construct.
 */
import { RuleProblem } from './model.js';

export interface JsRegex {
  source: string;
  flags: string;
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  n: boolean;
}

interface Frame {
  /** Flags outside the group, restored when it closes. */
  flags: Flags;
  /** Index in the token list where the group starts (the atom a quantifier after it applies to). */
  start: number;
  /** Set for atomic groups: the capture that stands for the group. */
  atomic?: symbol;
}

type Tok = { lit: string } | { open: symbol } | { ref: symbol | number } | { named: string };

const MAX_PATTERN = 32_768;

const POSIX: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t\\n\\v\\f\\r ',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
  ascii: '\\x00-\\x7f',
};
const H_CHARS = '\\t \\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000';
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

class Unsupported extends Error {}

/** Translate `pattern` (PCRE) with Sigma's `re` sub-modifier flags (`i`, `m`, `s`). Throws a RuleProblem. */
export function translatePcre(pattern: string, subFlags: { i?: boolean; m?: boolean; s?: boolean }, line: number): JsRegex {
  if (pattern.length > MAX_PATTERN) throw new RuleProblem('RULE_UNSUPPORTED', `regular expression longer than ${MAX_PATTERN} characters`, line);
  let out: JsRegex;
  try {
    out = new Translator(pattern, subFlags).run();
  } catch (err) {
    if (err instanceof Unsupported) throw new RuleProblem('RULE_UNSUPPORTED', `regular expression /${clip(pattern)}/: ${err.message}`, line);
    throw err;
  }
  try {
    new RegExp(out.source, out.flags);
  } catch (err) {
    throw new RuleProblem('RULE_INVALID', `regular expression /${clip(pattern)}/ is not valid: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`, line);
  }
  return out;
}

const clip = (s: string) => (s.length > 80 ? s.slice(0, 77) + '...' : s);

class Translator {
  private i = 0;
  private readonly toks: Tok[] = [];
  /** PCRE group number → the symbol of the group that now stands for it. */
  private readonly groups: symbol[] = [];
  private readonly names = new Map<string, symbol>();
  private flags: Flags;
  /** Whether flags are applied by rewriting (some inline flag is scoped) rather than as RegExp flags. */
  private readonly rewrite: boolean;
  private unicode = false;
  /** Start of the last atom in `toks`, for quantifiers that need to wrap it. */
  private atomStart = -1;

  constructor(
    private readonly p: string,
    sub: { i?: boolean; m?: boolean; s?: boolean },
  ) {
    this.flags = { i: !!sub.i, m: !!sub.m, s: !!sub.s, x: false, n: false };
    // Leading flag groups set the pattern's flags; any other inline flag forces rewriting.
    let j = 0;
    for (;;) {
      const m = /^\(\?([imsxn]*)(?:-([imsxn]*))?\)/.exec(this.p.slice(j));
      if (!m) break;
      for (const f of m[1] ?? '') this.flags[f as keyof Flags] = true;
      for (const f of m[2] ?? '') this.flags[f as keyof Flags] = false;
      j += m[0].length;
    }
    this.i = j;
    this.rewrite = /\(\?[\^imsxnU]*(?:-[imsxnU]*)?[:)]/.test(this.p.slice(j).replace(/\\./g, ''));
  }

  run(): JsRegex {
    const stack: Frame[] = [];
    while (this.i < this.p.length) {
      const c = this.p[this.i]!;
      if (this.flags.x && /\s/.test(c)) {
        this.i++;
        continue;
      }
      if (this.flags.x && c === '#') {
        const nl = this.p.indexOf('\n', this.i);
        this.i = nl < 0 ? this.p.length : nl + 1;
        continue;
      }
      switch (c) {
        case '\\':
          this.atom(() => this.escape());
          break;
        case '[':
          this.atom(() => this.charClass());
          break;
        case '(':
          this.group(stack);
          break;
        case ')': {
          const g = stack.pop();
          if (!g) throw new Unsupported('unbalanced )');
          this.i++;
          this.push(g.atomic ? '))' : ')');
          if (g.atomic) this.toks.push({ ref: g.atomic });
          this.flags = g.flags;
          this.atomStart = g.start;
          break;
        }
        case '*':
        case '+':
        case '?':
          this.quantifier(c);
          break;
        case '{': {
          const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.p.slice(this.i));
          if (m && (m[1] || m[3])) this.quantifier(m[0]);
          else this.atom(() => (this.i++, this.push('\\{')));
          break;
        }
        case '.':
          this.atom(() => (this.i++, this.push(this.flags.s ? (this.rewrite ? '[\\s\\S]' : '.') : '[^\\n]')));
          break;
        case '^':
          this.i++;
          this.push(this.flags.m ? '(?<![^\\n])' : '^');
          this.atomStart = -1;
          break;
        case '$':
          this.i++;
          this.push(this.flags.m ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))');
          this.atomStart = -1;
          break;
        case '|':
          this.i++;
          this.push('|');
          this.atomStart = -1;
          break;
        default:
          this.atom(() => (this.i++, this.push(this.literal(c))));
      }
    }
    if (stack.length) throw new Unsupported('unbalanced (');
    return { source: this.emit(), flags: this.jsFlags() };
  }

  private jsFlags(): string {
    let f = '';
    if (!this.rewrite && this.flags.i) f += 'i';
    if (!this.rewrite && this.flags.s) f += 's';
    if (this.unicode) f += 'u';
    return f;
  }

  private push(s: string): void {
    this.toks.push({ lit: s });
  }

  /** Record where an atom starts so a following possessive quantifier can wrap it. */
  private atom(f: () => void): void {
    const start = this.toks.length;
    f();
    this.atomStart = start;
  }

  private literal(c: string): string {
    if (this.rewrite && this.flags.i && c.toLowerCase() !== c.toUpperCase()) {
      const lo = c.toLowerCase();
      const up = c.toUpperCase();
      if (lo.length === 1 && up.length === 1) return `[${lo}${up}]`;
    }
    return SYNTAX.has(c) ? '\\' + c : c;
  }

  private quantifier(q: string): void {
    if (this.atomStart < 0) throw new Unsupported(`quantifier ${q} follows nothing`);
    this.i += q.length;
    let lazy = '';
    const next = this.p[this.i];
    if (next === '?') {
      lazy = '?';
      this.i++;
    } else if (next === '+') {
      // Possessive: wrap the atom and its quantifier in an atomic group.
      this.i++;
      const sym = Symbol('possessive');
      this.toks.splice(this.atomStart, 0, { lit: '(?=' }, { open: sym });
      this.push(q + '))');
      this.toks.push({ ref: sym });
      this.atomStart = -1;
      return;
    }
    this.push(q + lazy);
    this.atomStart = -1;
  }

  private group(stack: Frame[]): void {
    const rest = this.p.slice(this.i);
    const saved = { ...this.flags };
    const start = this.toks.length;
    const openCapture = (name?: string) => {
      const sym = Symbol('group');
      this.groups.push(sym);
      if (name) this.names.set(name, sym);
      this.toks.push({ open: sym });
      if (name) this.push(`?<${name}>`);
    };
    let m: RegExpExecArray | null;
    if (rest.startsWith('(?#')) {
      const end = this.p.indexOf(')', this.i);
      if (end < 0) throw new Unsupported('unterminated (?# comment');
      this.i = end + 1;
      return;
    }
    if ((m = /^\(\?([\^imsxnU]*)(?:-([imsxnU]*))?([:)])/.exec(rest))) {
      const on = m[1] ?? '';
      const off = m[2] ?? '';
      if (on.includes('U') || off.includes('U')) throw new Unsupported('the ungreedy flag (?U) is not supported');
      const f = m[3] === ')' ? this.flags : { ...this.flags };
      if (on.startsWith('^')) Object.assign(f, { i: false, m: false, s: false, x: false, n: false });
      for (const ch of on.replace('^', '')) f[ch as keyof Flags] = true;
      for (const ch of off) f[ch as keyof Flags] = false;
      this.i += m[0].length;
      if (m[3] === ')') return; // applies to the rest of the enclosing group
      stack.push({ flags: saved, start });
      this.push('(?:');
      this.flags = f;
      this.atomStart = -1;
      return;
    }
    if (rest.startsWith('(?>')) {
      this.i += 3;
      const sym = Symbol('atomic');
      this.push('(?=');
      this.toks.push({ open: sym });
      this.atomStart = -1;
      stack.push({ flags: saved, start, atomic: sym });
      return;
    }
    if ((m = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest))) {
      this.i += m[0].length;
      openCapture(m[1] ?? m[2]);
      stack.push({ flags: saved, start });
      return;
    }
    if ((m = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest))) {
      this.i += m[0].length;
      this.atomStart = this.toks.length;
      this.toks.push({ named: m[1]! });
      return;
    }
    if (/^\(\?(?:=|!|<=|<!|:)/.test(rest)) {
      const len = rest[2] === '<' ? 4 : 3;
      this.push(rest.slice(0, len));
      this.i += len;
      stack.push({ flags: saved, start });
      this.atomStart = -1;
      return;
    }
    if (rest.startsWith('(?|')) throw new Unsupported('branch reset groups (?|…) are not supported');
    if (rest.startsWith('(?(')) throw new Unsupported('conditional groups (?(…)…) are not supported');
    if (/^\(\?(?:R|[+-]?\d|&|P>)/.test(rest)) throw new Unsupported('recursion and subroutine calls are not supported');
    if (rest.startsWith('(*')) throw new Unsupported('backtracking control verbs (*…) are not supported');
    if (rest.startsWith('(?')) throw new Unsupported(`unknown group ${rest.slice(0, 4)}`);
    this.i++;
    if (this.flags.n) this.push('(?:');
    else openCapture();
    stack.push({ flags: saved, start });
    this.atomStart = -1;
  }

  private escape(): void {
    const rest = this.p.slice(this.i);
    const n = rest[1];
    if (n === undefined) throw new Unsupported('trailing backslash');
    let m: RegExpExecArray | null;
    if (n === 'Q') {
      const end = this.p.indexOf('\\E', this.i + 2);
      const text = this.p.slice(this.i + 2, end < 0 ? undefined : end);
      this.i = end < 0 ? this.p.length : end + 2;
      this.push(text ? `(?:${[...text].map((ch) => this.literal(ch)).join('')})` : '(?:)');
      return;
    }
    if (n === 'E') {
      this.i += 2;
      this.push('(?:)');
      return;
    }
    const simple: Record<string, string> = {
      A: '(?<![\\s\\S])',
      z: '(?![\\s\\S])',
      Z: '(?=\\n?(?![\\s\\S]))',
      h: `[${H_CHARS}]`,
      H: `[^${H_CHARS}]`,
      R: '(?:\\r\\n|[\\n\\v\\f\\r\\x85\\u2028\\u2029])',
      N: '[^\\n]',
      e: '\\x1b',
      a: '\\x07',
    };
    if (n in simple && !(n === 'N' && rest[2] === '{')) {
      this.i += 2;
      this.push(simple[n]!);
      return;
    }
    if (n === 'G' || n === 'K' || n === 'X' || n === 'C') throw new Unsupported(`\\${n} is not supported`);
    if ((m = /^\\x\{([0-9a-fA-F]{1,6})\}/.exec(rest)) || (m = /^\\o\{([0-7]{1,8})\}/.exec(rest))) {
      this.i += m[0].length;
      this.push(codePointEscape(parseInt(m[1]!, rest[1] === 'x' ? 16 : 8)));
      return;
    }
    if ((m = /^\\[pP](\{\^?[\w&= -]+\}|[A-Za-z])/.exec(rest))) {
      this.i += m[0].length;
      this.unicode = true;
      this.push(m[0]);
      return;
    }
    if ((m = /^\\g\{?(-?\d+)\}?/.exec(rest))) {
      this.i += m[0].length;
      const k = Number(m[1]);
      this.backref(k < 0 ? this.groups.length + 1 + k : k);
      return;
    }
    if ((m = /^\\(?:k<([A-Za-z_]\w*)>|k'([A-Za-z_]\w*)'|k\{([A-Za-z_]\w*)\}|g\{([A-Za-z_]\w*)\})/.exec(rest))) {
      this.i += m[0].length;
      this.toks.push({ named: (m[1] ?? m[2] ?? m[3] ?? m[4])! });
      return;
    }
    if ((m = /^\\0[0-7]{0,2}/.exec(rest))) {
      this.i += m[0].length;
      this.push(codePointEscape(parseInt(m[0].slice(1) || '0', 8)));
      return;
    }
    if ((m = /^\\([1-9]\d?)/.exec(rest))) {
      this.i += m[0].length;
      this.backref(Number(m[1]));
      return;
    }
    this.i += 2;
    if ('dDwWsSbBnrtfv'.includes(n)) this.push('\\' + n);
    else if (n === 'c' && /[A-Za-z]/.test(rest[2] ?? '')) {
      this.i++;
      this.push('\\c' + rest[2]);
    } else if (/[A-Za-z]/.test(n)) throw new Unsupported(`unknown escape \\${n}`);
    else this.push(this.literal(n));
  }

  private backref(k: number): void {
    this.toks.push({ ref: k });
  }

  private charClass(): void {
    const p = this.p;
    let j = this.i + 1;
    let s = '[';
    if (p[j] === '^') {
      s += '^';
      j++;
    }
    let first = true;
    for (;;) {
      const c = p[j];
      if (c === undefined) throw new Unsupported('unterminated character class');
      if (c === ']' && !first) break;
      first = false;
      if (c === '[') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(j));
        if (m) {
          const cls = POSIX[m[2]!];
          if (!cls) throw new Unsupported(`unknown POSIX class [:${m[2]}:]`);
          if (m[1]) {
            const neg: Record<string, string> = { digit: '\\D', space: '\\S', word: '\\W' };
            if (!neg[m[2]!]) throw new Unsupported(`negated POSIX class [:^${m[2]}:]`);
            s += neg[m[2]!];
          } else s += cls;
          j += m[0].length;
          continue;
        }
        s += '\\[';
        j++;
        continue;
      }
      if (c === '\\') {
        const rest = p.slice(j);
        const n = rest[1];
        let m: RegExpExecArray | null;
        if (n === undefined) throw new Unsupported('trailing backslash');
        if (n === 'Q') {
          const end = p.indexOf('\\E', j + 2);
          for (const ch of p.slice(j + 2, end < 0 ? undefined : end)) s += this.classChar(ch);
          j = end < 0 ? p.length : end + 2;
          continue;
        }
        if ((m = /^\\x\{([0-9a-fA-F]{1,6})\}/.exec(rest)) || (m = /^\\o\{([0-7]{1,8})\}/.exec(rest))) {
          const cp = parseInt(m[1]!, rest[1] === 'x' ? 16 : 8);
          if (cp > 0xffff) this.unicode = true;
          s += cp > 0xffff ? `\\u{${cp.toString(16)}}` : codePointEscape(cp);
          j += m[0].length;
          continue;
        }
        if ((m = /^\\[pP](\{\^?[\w&= -]+\}|[A-Za-z])/.exec(rest))) {
          this.unicode = true;
          s += m[0];
          j += m[0].length;
          continue;
        }
        if ((m = /^\\0?[0-7]{1,3}/.exec(rest)) && !/^\\[89]/.test(rest)) {
          s += codePointEscape(parseInt(m[0].slice(1), 8));
          j += m[0].length;
          continue;
        }
        j += 2;
        if ('dDwWsSbnrtfv'.includes(n)) s += '\\' + n;
        else if (n === 'h') s += H_CHARS;
        else if (n === 'e') s += '\\x1b';
        else if (n === 'a') s += '\\x07';
        else if (n === 'c' && /[A-Za-z]/.test(rest[2] ?? '')) {
          s += '\\c' + rest[2];
          j++;
        } else if (/[A-Za-z]/.test(n)) throw new Unsupported(`unknown escape \\${n} in a character class`);
        else s += this.classChar(n);
        continue;
      }
      if (c === '-') {
        s += '-';
        j++;
        continue;
      }
      // A range a-z under scoped case-insensitivity also needs A-Z.
      const range = p[j + 1] === '-' && p[j + 2] !== undefined && p[j + 2] !== ']' && p[j + 2] !== '\\' && p[j + 2] !== '[';
      if (range) {
        const hi = p[j + 2]!;
        s += this.classChar(c, false) + '-' + this.classChar(hi, false);
        if (this.rewrite && this.flags.i) {
          const lo2 = c.toUpperCase() !== c ? c.toUpperCase() : c.toLowerCase();
          const hi2 = hi.toUpperCase() !== hi ? hi.toUpperCase() : hi.toLowerCase();
          if (lo2 !== c && hi2 !== hi && /[a-zA-Z]/.test(c) && /[a-zA-Z]/.test(hi)) s += this.classChar(lo2, false) + '-' + this.classChar(hi2, false);
        }
        j += 3;
        continue;
      }
      s += this.classChar(c);
      j++;
    }
    this.i = j + 1;
    this.push(s + ']');
  }

  private classChar(c: string, fold = true): string {
    const esc = c === ']' || c === '\\' || c === '^' || c === '-' || c === '[' ? '\\' + c : c;
    if (fold && this.rewrite && this.flags.i && c.toLowerCase() !== c.toUpperCase()) {
      const other = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      if (other.length === 1) return esc + other;
    }
    return esc;
  }

  private emit(): string {
    const number = new Map<symbol, number>();
    let n = 0;
    for (const t of this.toks) if ('open' in t) number.set(t.open, ++n);
    let s = '';
    for (const t of this.toks) {
      if ('lit' in t) s += t.lit;
      else if ('open' in t) s += '(';
      else if ('named' in t) {
        if (!this.names.has(t.named)) throw new Unsupported(`back-reference to unknown group '${t.named}'`);
        s += `\\k<${t.named}>`;
      } else {
        const sym = typeof t.ref === 'number' ? this.groups[t.ref - 1] : t.ref;
        if (!sym) throw new Unsupported(`back-reference to group ${String(t.ref)}, which the pattern does not have`);
        // `(?:)` keeps a following digit from joining the back-reference number.
        s += `\\${number.get(sym)}(?:)`;
      }
    }
    return s;
  }
}

function codePointEscape(cp: number): string {
  if (cp <= 0xff) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp <= 0xffff) return '\\u' + cp.toString(16).padStart(4, '0');
  const v = cp - 0x10000;
  const hi = 0xd800 + (v >> 10);
  const lo = 0xdc00 + (v & 0x3ff);
  return `(?:\\u${hi.toString(16)}\\u${lo.toString(16)})`;
}
