/**
 * The expression a Sigma detection becomes: the condition with its search identifiers substituted, every value
 * lowered to a test. The same tree is interpreted (interpret.ts) and compiled to JavaScript (codegen.ts).
 *
 * `F` is how a field is named: the rule's own field names (`Expr<string>`) until the rule is bound to a mapping, then
 * slots of the rule set's field table (`Expr<number>`), so each event field is read and lower-cased once per event.
 */
import type { CidrNet } from './cidr.js';

/** String comparisons: `eq` (no wildcard), `prefix` (`abc*`), `suffix` (`*abc`), `contains` (`*abc*`). */
export type StrOp = 'eq' | 'prefix' | 'suffix' | 'contains';
export type NumOp = 'lt' | 'lte' | 'gt' | 'gte' | 'eq';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export type Test =
  /** Any of `values` (already lower-case unless `cased`). */
  | { t: 'str'; op: StrOp; values: string[]; cased: boolean }
  /** A `*`-only wildcard pattern: `parts[0]` starts the value, the last part ends it, the others occur in order. */
  | { t: 'glob'; parts: string[]; cased: boolean }
  /** A JavaScript regular expression (Sigma `re`, or a wildcard pattern with `?`). */
  | { t: 're'; source: string; flags: string }
  /** A number compared with the value read as a number (decimal or 0x hex). */
  | { t: 'num'; op: NumOp; value: number }
  /** The value is an IP address inside one of the networks. */
  | { t: 'cidr'; nets: CidrNet[] }
  /** A part of the value read as a timestamp (UTC, as written), compared with a number. */
  | { t: 'time'; part: TimePart; op: NumOp; value: number }
  /** Any value at all (`*`). */
  | { t: 'any' };

export type Expr<F> =
  | { k: 'and'; args: Expr<F>[] }
  | { k: 'or'; args: Expr<F>[] }
  | { k: 'not'; arg: Expr<F> }
  | { k: 'const'; value: boolean }
  /** The field's value (or, for a list value, any element) passes the test. */
  | { k: 'test'; field: F; test: Test }
  /** Some field of the event passes the test (keyword search). */
  | { k: 'keyword'; test: Test }
  /** The field has no value: absent, null or empty (`field: null`). */
  | { k: 'null'; field: F }
  /** The field is present, whatever its value (`field|exists: true`). */
  | { k: 'exists'; field: F }
  /** The field's value compares with another field's value (`fieldref`). */
  | { k: 'fieldref'; field: F; other: F; op: StrOp; cased: boolean };

export const TRUE: Expr<never> = { k: 'const', value: true };
export const FALSE: Expr<never> = { k: 'const', value: false };

export function and<F>(args: Expr<F>[]): Expr<F> {
  return args.length === 1 ? args[0]! : { k: 'and', args };
}
export function or<F>(args: Expr<F>[]): Expr<F> {
  return args.length === 1 ? args[0]! : { k: 'or', args };
}
export function not<F>(arg: Expr<F>): Expr<F> {
  return { k: 'not', arg };
}

/** Rename the fields of an expression; `leaf` may also replace a whole leaf (for fields a mapping lacks). */
export function mapFields<A, B>(e: Expr<A>, leaf: (field: A, node: Expr<A>, negated: boolean) => Expr<B> | B, negated = false): Expr<B> {
  switch (e.k) {
    case 'and':
    case 'or':
      return { k: e.k, args: e.args.map((a) => mapFields(a, leaf, negated)) };
    case 'not':
      return { k: 'not', arg: mapFields(e.arg, leaf, !negated) };
    case 'const':
    case 'keyword':
      return e;
    case 'fieldref': {
      const a = leaf(e.field, e, negated);
      const b = leaf(e.other, e, negated);
      if (isExpr(a)) return a;
      if (isExpr(b)) return b;
      return { ...e, field: a, other: b };
    }
    default: {
      const r = leaf(e.field, e, negated);
      return isExpr(r) ? r : ({ ...e, field: r } as Expr<B>);
    }
  }
}

function isExpr<B>(v: Expr<B> | B): v is Expr<B> {
  return typeof v === 'object' && v !== null && 'k' in v;
}

/** Every field an expression reads. */
export function fieldsOf<F>(e: Expr<F>, out: Set<F> = new Set()): Set<F> {
  switch (e.k) {
    case 'and':
    case 'or':
      for (const a of e.args) fieldsOf(a, out);
      break;
    case 'not':
      fieldsOf(e.arg, out);
      break;
    case 'const':
    case 'keyword':
      break;
    case 'fieldref':
      out.add(e.field).add(e.other);
      break;
    default:
      out.add(e.field);
  }
  return out;
}

const sameTestKind = (a: Test, b: Test): boolean =>
  a.t === 'str' && b.t === 'str' && a.op === b.op && a.cased === b.cased;

/**
 * The simplified form: nested and/or flattened, constants folded, double negations removed, and alternatives over
 * one field with one operator merged into one test (so `Image|endswith: [a, b, c]` is one loop, and an `eq` list one
 * `Set` lookup). Meaning is unchanged; the differential test checks that.
 */
export function simplify<F>(e: Expr<F>): Expr<F> {
  switch (e.k) {
    case 'not': {
      const a = simplify(e.arg);
      if (a.k === 'const') return { k: 'const', value: !a.value };
      if (a.k === 'not') return a.arg;
      return { k: 'not', arg: a };
    }
    case 'and':
    case 'or': {
      const absorbing = e.k === 'or'; // true absorbs an or, false absorbs an and
      const out: Expr<F>[] = [];
      for (const raw of e.args) {
        const a = simplify(raw);
        if (a.k === 'const') {
          if (a.value === absorbing) return a;
          continue;
        }
        if (a.k === e.k) out.push(...a.args);
        else out.push(a);
      }
      if (e.k === 'or') mergeAlternatives(out);
      if (out.length === 0) return { k: 'const', value: !absorbing };
      return out.length === 1 ? out[0]! : { k: e.k, args: out };
    }
    case 'test':
      if (e.test.t === 'str' && e.test.values.length === 0) return { k: 'const', value: false };
      return e;
    default:
      return e;
  }
}

/** In an `or`, fold tests on the same field with the same string operator into one. */
function mergeAlternatives<F>(args: Expr<F>[]): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.k !== 'test' || a.test.t !== 'str') continue;
    let merged: Test & { t: 'str' } = a.test;
    for (let j = i + 1; j < args.length; j++) {
      const b = args[j]!;
      if (b.k !== 'test' || b.field !== a.field || !sameTestKind(merged, b.test) || b.test.t !== 'str') continue;
      merged = { ...merged, values: [...merged.values, ...b.test.values] };
      args.splice(j--, 1);
    }
    if (merged !== a.test) args[i] = { k: 'test', field: a.field, test: { ...merged, values: [...new Set(merged.values)] } };
  }
}

/**
 * The event ids an expression can only be true for, or undefined when it constrains none. `isEventId` tells which
 * leaf tests read the EventID field. Used to index rules by (channel, event id).
 */
export function eventIdsOf<F>(e: Expr<F>, isEventId: (field: F) => boolean): Set<number> | undefined {
  switch (e.k) {
    case 'test': {
      if (!isEventId(e.field) || e.test.t !== 'str' || e.test.op !== 'eq') return undefined;
      const ids = new Set<number>();
      for (const v of e.test.values) {
        if (!/^\d+$/.test(v)) return undefined;
        ids.add(Number(v));
      }
      return ids;
    }
    case 'and': {
      let acc: Set<number> | undefined;
      for (const a of e.args) {
        const s = eventIdsOf(a, isEventId);
        if (!s) continue;
        acc = acc ? new Set([...acc].filter((x) => s.has(x))) : s;
      }
      return acc;
    }
    case 'or': {
      const acc = new Set<number>();
      for (const a of e.args) {
        const s = eventIdsOf(a, isEventId);
        if (!s) return undefined;
        for (const x of s) acc.add(x);
      }
      return acc;
    }
    case 'const':
      return e.value ? undefined : new Set();
    default:
      return undefined;
  }
}
