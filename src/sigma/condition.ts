/**
 * The detection condition (rules specification, "Condition"): `and`, `or`, `not`, parentheses, `1 of`/`any of`/
 * `all of` a search-identifier pattern or `them`. Precedence, loosest first: or, and, not, x of, ( ).
 * The Sigma 1 aggregation (`… | count() by x > n`) and `near` are reported as unsupported, by name: Sigma 2 expresses
 * them as correlation rules.
 */
import { and, not, or, type Expr } from './expr.js';
import { invalid, unsupported } from './model.js';

type Cond =
  | { c: 'and' | 'or'; args: Cond[] }
  | { c: 'not'; arg: Cond }
  | { c: 'id'; name: string }
  | { c: 'of'; all: boolean; pattern: string };

const WORD = /[^\s()|]+/y;

function tokenize(text: string, line: number): string[] {
  const toks: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      toks.push(ch);
      i++;
      continue;
    }
    if (ch === '|') {
      const agg = text.slice(i).trim();
      throw unsupported(
        `the Sigma 1 aggregation '${agg}' is not supported: Sigma 2 expresses counting as a correlation rule (event_count, value_count)`,
        line,
      );
    }
    WORD.lastIndex = i;
    const m = WORD.exec(text);
    if (!m) throw invalid(`unexpected character '${ch}' in the condition`, line);
    toks.push(m[0]);
    i += m[0].length;
  }
  return toks;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly toks: string[],
    private readonly line: number,
  ) {}

  private peek(): string | undefined {
    return this.toks[this.pos];
  }
  private word(): string | undefined {
    return this.peek()?.toLowerCase();
  }

  parse(): Cond {
    if (!this.toks.length) throw invalid('the condition is empty', this.line);
    const e = this.or();
    if (this.pos < this.toks.length) throw invalid(`unexpected '${this.peek()}' in the condition`, this.line);
    return e;
  }

  private or(): Cond {
    const args = [this.and()];
    while (this.word() === 'or') {
      this.pos++;
      args.push(this.and());
    }
    return args.length === 1 ? args[0]! : { c: 'or', args };
  }

  private and(): Cond {
    const args = [this.not()];
    while (this.word() === 'and') {
      this.pos++;
      args.push(this.not());
    }
    return args.length === 1 ? args[0]! : { c: 'and', args };
  }

  private not(): Cond {
    if (this.word() === 'not') {
      this.pos++;
      return { c: 'not', arg: this.not() };
    }
    return this.primary();
  }

  private primary(): Cond {
    const t = this.peek();
    if (t === undefined) throw invalid('the condition ends too early', this.line);
    const w = t.toLowerCase();
    if (t === '(') {
      this.pos++;
      const e = this.or();
      if (this.peek() !== ')') throw invalid('a parenthesis in the condition is not closed', this.line);
      this.pos++;
      return e;
    }
    if (t === ')') throw invalid("unexpected ')' in the condition", this.line);
    if (w === 'near') throw unsupported("'near' (Sigma 1 temporal aggregation) is not supported: use a temporal correlation rule", this.line);
    if (this.toks[this.pos + 1]?.toLowerCase() === 'of') {
      let all: boolean;
      if (w === 'all') all = true;
      else if (w === '1' || w === 'any') all = false;
      else if (/^\d+$/.test(w)) throw unsupported(`'${t} of' is not in the specification (only 1, any and all)`, this.line);
      else throw invalid(`'${t} of' must be '1 of', 'any of' or 'all of'`, this.line);
      this.pos += 2;
      const pattern = this.peek();
      if (pattern === undefined || pattern === '(' || pattern === ')') throw invalid(`'${t} of' needs a search identifier pattern or 'them'`, this.line);
      this.pos++;
      return { c: 'of', all, pattern };
    }
    if (['and', 'or', 'of'].includes(w)) throw invalid(`'${t}' where a search identifier was expected`, this.line);
    this.pos++;
    return { c: 'id', name: t };
  }
}

/** Parse one condition string into an expression over `searches`. */
export function parseCondition(text: string, searches: Map<string, Expr<string>>, line: number): Expr<string> {
  const cond = new Parser(tokenize(text, line), line).parse();
  return resolve(cond, searches, line);
}

function resolve(c: Cond, searches: Map<string, Expr<string>>, line: number): Expr<string> {
  switch (c.c) {
    case 'and':
      return and(c.args.map((a) => resolve(a, searches, line)));
    case 'or':
      return or(c.args.map((a) => resolve(a, searches, line)));
    case 'not':
      return not(resolve(c.arg, searches, line));
    case 'id': {
      const e = searches.get(c.name);
      if (!e) {
        const known = [...searches.keys()].join(', ') || 'none';
        throw invalid(`the condition names '${c.name}', which is not a search identifier (the detection has: ${known})`, line);
      }
      return e;
    }
    case 'of': {
      const names = matchingNames(c.pattern, [...searches.keys()]);
      if (!names.length) throw invalid(`'${c.all ? 'all' : '1'} of ${c.pattern}' matches no search identifier`, line);
      const args = names.map((n) => searches.get(n)!);
      return c.all ? and(args) : or(args);
    }
  }
}

/** `them` is every identifier not starting with `_`; otherwise `*` matches any run of characters. */
function matchingNames(pattern: string, names: string[]): string[] {
  if (pattern.toLowerCase() === 'them') return names.filter((n) => !n.startsWith('_'));
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return names.filter((n) => re.test(n));
}
