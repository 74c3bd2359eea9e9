/**
 * Compile an expression to a JavaScript function with `new Function`. String tests become `===`, `startsWith`,
 * `endsWith` and `includes` on the slot's cached lower-case text, long `eq` lists a `Set` lookup, regexes a
 * pre-built RegExp; runtime values (Sets, RegExps, tests) are passed in as factory parameters and literals are
 * written with JSON.stringify, so no rule text is ever spliced into code unescaped.
 *
 * Leaves that need iteration or parsing (keyword search over every field, fieldref, time parts) and sub-trees too big
 * to be worth generating call the interpreter for that sub-tree only. If code generation is unavailable (a runtime
 * started with --disallow-code-generation-from-strings) the whole expression is interpreted.
 */
import type { MatchContext } from './context.js';
import type { Expr, Test } from './expr.js';
import { evaluate, isNull, joinable, regexOf, testTexts, testValue } from './interpret.js';
import { matchGlob } from './wildcard.js';

export type Matcher = (c: MatchContext) => boolean;

export interface CompiledMatcher {
  fn: Matcher;
  /** The generated source ('' when interpreted). */
  source: string;
  /** Sub-trees handed to the interpreter. */
  fallbacks: number;
  compiled: boolean;
}

export interface CodegenOptions {
  /** Count each run in `MatchContext.compiledHits` (for the differential test). */
  instrument?: boolean;
}

/** Inline alternatives up to this many; beyond, a Set (eq) or a loop over a constant list. */
const INLINE_MAX = 24;
/** Leaves per generated function beyond which the rest is interpreted (keeps V8's compile time bounded). */
const MAX_LEAVES = 4000;

const helpers = {
  glob: matchGlob,
  texts: testTexts,
  value: testValue,
  isNull,
  interp: evaluate,
  anyPrefix(s: string, vs: readonly string[]): boolean {
    for (const v of vs) if (s.startsWith(v)) return true;
    return false;
  },
  anySuffix(s: string, vs: readonly string[]): boolean {
    for (const v of vs) if (s.endsWith(v)) return true;
    return false;
  },
  anyContains(s: string, vs: readonly string[]): boolean {
    for (const v of vs) if (s.includes(v)) return true;
    return false;
  },
};
export type Helpers = typeof helpers;

let codegenWorks: boolean | undefined;

export function compileExpr(e: Expr<number>, options: CodegenOptions = {}): CompiledMatcher {
  const interpreted = (): CompiledMatcher => ({ fn: (c) => evaluate(e, c), source: '', fallbacks: 1, compiled: false });
  if (codegenWorks === false) return interpreted();
  const g = new Generator();
  const body = g.expr(e);
  const consts = g.consts.map((_, i) => `const K${i} = K[${i}];`).join('\n');
  const source = `"use strict";\n${consts}\nreturn function match(c) {\n  let x;\n  ${options.instrument ? 'c.compiledHits++;\n  ' : ''}return ${body};\n};`;
  try {
    const factory = new Function('K', 'H', source) as (k: unknown[], h: Helpers) => Matcher;
    codegenWorks = true;
    return { fn: factory(g.consts, helpers), source, fallbacks: g.fallbacks, compiled: true };
  } catch (err) {
    if (err instanceof EvalError) {
      codegenWorks = false;
      return interpreted();
    }
    throw err;
  }
}

class Generator {
  readonly consts: unknown[] = [];
  fallbacks = 0;
  private leaves = 0;

  private konst(v: unknown): string {
    this.consts.push(v);
    return `K${this.consts.length - 1}`;
  }

  private interp(e: Expr<number>): string {
    this.fallbacks++;
    return `H.interp(${this.konst(e)}, c)`;
  }

  expr(e: Expr<number>): string {
    if (++this.leaves > MAX_LEAVES) return this.interp(e);
    switch (e.k) {
      case 'and':
        return '(' + e.args.map((a) => this.expr(a)).join(' && ') + ')';
      case 'or':
        return '(' + e.args.map((a) => this.expr(a)).join(' || ') + ')';
      case 'not':
        return '!' + this.expr(e.arg);
      case 'const':
        return e.value ? 'true' : 'false';
      case 'null':
        return `H.isNull(c.V(${e.field}))`;
      case 'exists':
        return `(c.V(${e.field}) !== undefined)`;
      case 'test':
        return this.test(e.field, e.test);
      case 'keyword':
        if (joinable(e.test)) {
          const vs = e.test.values;
          if (vs.length <= INLINE_MAX) return `((x = c.keywordJoined()), ${vs.map((v) => `x.includes(${JSON.stringify(v)})`).join(' || ')})`;
          return `H.anyContains(c.keywordJoined(), ${this.konst(vs)})`;
        }
        return this.interp(e);
      case 'fieldref':
        return this.interp(e);
    }
  }

  private test(slot: number, t: Test): string {
    switch (t.t) {
      case 'str': {
        const read = t.cased ? `c.T(${slot})` : `c.L(${slot})`;
        return `((x = ${read}), typeof x === "string" ? ${this.strOp(t)} : x !== undefined && H.texts(${this.konst(t)}, x))`;
      }
      case 'glob': {
        const read = t.cased ? `c.T(${slot})` : `c.L(${slot})`;
        const k = this.konst(t);
        return `((x = ${read}), typeof x === "string" ? H.glob(x, ${k}.parts) : x !== undefined && H.texts(${k}, x))`;
      }
      case 're': {
        const k = this.konst(t);
        const r = this.konst(regexOf(t));
        return `((x = c.T(${slot})), typeof x === "string" ? ${r}.test(x) : x !== undefined && H.texts(${k}, x))`;
      }
      case 'any':
        return `((x = c.T(${slot})), typeof x === "string" || (x !== undefined && x.length > 0))`;
      case 'num':
      case 'cidr':
        return `H.value(${this.konst(t)}, c.V(${slot}))`;
      case 'time':
        return this.interp({ k: 'test', field: slot, test: t });
    }
  }

  private strOp(t: Test & { t: 'str' }): string {
    const vs = t.values;
    if (t.op === 'eq') {
      if (vs.length <= 4) return '(' + vs.map((v) => `x === ${JSON.stringify(v)}`).join(' || ') + ')';
      return `${this.konst(new Set(vs))}.has(x)`;
    }
    const method = t.op === 'prefix' ? 'startsWith' : t.op === 'suffix' ? 'endsWith' : 'includes';
    if (vs.length <= INLINE_MAX) return '(' + vs.map((v) => `x.${method}(${JSON.stringify(v)})`).join(' || ') + ')';
    const loop = t.op === 'prefix' ? 'anyPrefix' : t.op === 'suffix' ? 'anySuffix' : 'anyContains';
    return `H.${loop}(x, ${this.konst(vs)})`;
  }
}
