/**
 * The reference semantics: an expression evaluated by walking the tree. The compiled matchers (codegen.ts) must
 * agree with it on every case (test/sigma/differential.test.ts), and they call into it for the leaves they do not
 * generate code for.
 *
 * A test on a list value holds when it holds for any element. Text comparison is case-insensitive unless `cased`;
 * regular expressions see the value as written and carry their own flags.
 */
import type { FieldValue } from '../events/event.js';
import { inCidr } from './cidr.js';
import type { MatchContext} from './context.js';
import { textOf, type Text } from './context.js';
import type { Expr, NumOp, StrOp, Test, TimePart } from './expr.js';
import { matchGlob } from './wildcard.js';

/** Compiled regexes, one per test object (tests are immutable, so identity is a safe key). */
const regexCache = new WeakMap<Test, RegExp>();
export function regexOf(t: Test & { t: 're' }): RegExp {
  let r = regexCache.get(t);
  if (!r) {
    r = new RegExp(t.source, t.flags);
    regexCache.set(t, r);
  }
  return r;
}

export function evaluate(e: Expr<number>, c: MatchContext): boolean {
  switch (e.k) {
    case 'and':
      for (const a of e.args) if (!evaluate(a, c)) return false;
      return true;
    case 'or':
      for (const a of e.args) if (evaluate(a, c)) return true;
      return false;
    case 'not':
      return !evaluate(e.arg, c);
    case 'const':
      return e.value;
    case 'test':
      return testSlot(e.test, e.field, c);
    case 'keyword': {
      if (joinable(e.test)) {
        const all = c.keywordJoined();
        for (const v of e.test.values) if (all.includes(v)) return true;
        return false;
      }
      const lower = lowersText(e.test);
      for (const s of c.keywordTexts(lower)) if (testText(e.test, s)) return true;
      return false;
    }
    case 'null':
      return isNull(c.V(e.field));
    case 'exists':
      return c.V(e.field) !== undefined;
    case 'fieldref':
      return fieldRef(e.op, e.cased ? c.T(e.field) : c.L(e.field), e.cased ? c.T(e.other) : c.L(e.other));
  }
}

/** A keyword test that can run on the joined text: case-insensitive `contains` of values without NUL. */
export function joinable(t: Test): t is Test & { t: 'str' } {
  return t.t === 'str' && t.op === 'contains' && !t.cased && t.values.every((v) => !v.includes('\0'));
}

/** Whether a test compares lower-cased text (true) or text as written. */
export function lowersText(t: Test): boolean {
  return (t.t === 'str' || t.t === 'glob') && !t.cased;
}

export function testSlot(t: Test, slot: number, c: MatchContext): boolean {
  switch (t.t) {
    case 'num':
    case 'time':
    case 'cidr':
      return testValue(t, c.V(slot));
    default:
      return testTexts(t, lowersText(t) ? c.L(slot) : c.T(slot));
  }
}

/** A test over a raw field value (numbers, addresses and times read the value themselves). */
export function testValue(t: Test, v: FieldValue): boolean {
  if (v === undefined) return false;
  if (Array.isArray(v)) {
    for (const x of v as readonly FieldValue[]) if (testValue(t, x)) return true;
    return false;
  }
  switch (t.t) {
    case 'num':
      return compare(numberOf(v), t.op, t.value);
    case 'time': {
      const s = textOf(v);
      return typeof s === 'string' && compare(timePart(s, t.part), t.op, t.value);
    }
    case 'cidr': {
      const s = textOf(v);
      return typeof s === 'string' && inCidr(s, t.nets);
    }
    default: {
      const s = textOf(v);
      return testTexts(t, typeof s === 'string' && lowersText(t) ? s.toLowerCase() : s);
    }
  }
}

/** A text test over a slot's text (a list value passes when any element does). */
export function testTexts(t: Test, x: Text): boolean {
  if (x === undefined) return false;
  if (typeof x === 'string') return testText(t, x);
  for (const s of x) if (testText(t, s)) return true;
  return false;
}

/** One text against a test; `s` is already lower-case when the test compares lower-cased text. */
export function testText(t: Test, s: string): boolean {
  switch (t.t) {
    case 'str':
      return strOp(t.op, s, t.values);
    case 'glob':
      return matchGlob(s, t.parts);
    case 're':
      return regexOf(t).test(s);
    case 'any':
      return true;
    case 'num':
      return compare(numberOf(s), t.op, t.value);
    case 'cidr':
      return inCidr(s, t.nets);
    case 'time':
      return compare(timePart(s, t.part), t.op, t.value);
  }
}

function strOp(op: StrOp, s: string, values: readonly string[]): boolean {
  switch (op) {
    case 'eq':
      for (const v of values) if (s === v) return true;
      return false;
    case 'prefix':
      for (const v of values) if (s.startsWith(v)) return true;
      return false;
    case 'suffix':
      for (const v of values) if (s.endsWith(v)) return true;
      return false;
    case 'contains':
      for (const v of values) if (s.includes(v)) return true;
      return false;
  }
}

export function isNull(v: FieldValue): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function fieldRef(op: StrOp, a: Text, b: Text): boolean {
  if (a === undefined || b === undefined) return false;
  const as = typeof a === 'string' ? [a] : a;
  const bs = typeof b === 'string' ? [b] : b;
  for (const x of as) for (const y of bs) if (strOp(op, x, [y])) return true;
  return false;
}

const DECIMAL = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const HEX = /^\s*0[xX][0-9a-fA-F]+\s*$/;

/** A value read as a number: numbers as they are, decimal text, or `0x` hex text (Windows writes many so). */
export function numberOf(v: FieldValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return NaN;
  if (DECIMAL.test(v)) return Number(v);
  if (HEX.test(v)) return parseInt(v.trim(), 16);
  return NaN;
}

export function compare(a: number, op: NumOp | 'neq', b: number): boolean {
  if (Number.isNaN(a)) return false;
  switch (op) {
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'eq':
      return a === b;
    case 'neq':
      return a !== b;
  }
}

const TIMESTAMP = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/;

/**
 * A part of a timestamp as written (`2021-03-03T04:05:06Z`, Sysmon's `2021-03-03 04:05:06.123`): no time-zone
 * conversion, as the modifiers appendix says. `week` is the ISO 8601 week number.
 */
export function timePart(s: string, part: TimePart): number {
  const m = TIMESTAMP.exec(s);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  switch (part) {
    case 'year':
      return y;
    case 'month':
      return mo;
    case 'day':
      return d;
    case 'hour':
      return m[4] === undefined ? NaN : Number(m[4]);
    case 'minute':
      return m[5] === undefined ? NaN : Number(m[5]);
    case 'week': {
      const date = Date.UTC(y, mo - 1, d);
      const dow = (new Date(date).getUTCDay() + 6) % 7; // Monday 0
      const thursday = date + (3 - dow) * 86400e3;
      const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
      return 1 + Math.floor((thursday - yearStart) / (7 * 86400e3));
    }
  }
}
