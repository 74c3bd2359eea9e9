/**
 * Differential test (after zod's compile-differential): every conformance case through the interpreter and through
 * the generated matcher, on the case's events and on fuzzed variants of them, must agree — and the generated code
 * must really have run (instrumented matchers count their runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchContext } from '../../src/sigma/context.js';
import { evaluate } from '../../src/sigma/interpret.js';
import { CASES } from './cases.js';
import { emptyMapping, hintEvent, ruleAround, ruleSetOf } from './helpers.js';

/** Leaves the generator hands to the interpreter on purpose (iteration over all fields, field pairs, dates). */
const INTERPRETED = /keyword|fieldref|time parts|'\|all'/i;

describe('interpreter and generated code agree', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const rs = ruleSetOf([ruleAround(c.detection, c.name)], emptyMapping(c.placeholders), { instrument: true });
      const events = [...c.match, ...c.noMatch];
      const probe = hintEvent(events[0] ?? {});
      const [placement] = rs.candidates(probe);
      expect(placement, 'the rule is a candidate for its events').toBeDefined();
      const p = placement!;
      expect(p.matcher.compiled).toBe(true);
      expect(p.matcher.source).toContain('return function match(c)');
      if (!INTERPRETED.test(c.name + c.detection)) expect(p.matcher.fallbacks, 'no sub-tree interpreted').toBe(0);
      const ctx = new MatchContext(rs.slots);
      const check = (fields: Record<string, unknown>) => {
        const ev = hintEvent(fields);
        ctx.begin(ev);
        const compiled = p.matcher.fn(ctx);
        ctx.begin(ev);
        const interpreted = evaluate(p.expr, ctx);
        expect(compiled, JSON.stringify(fields)).toBe(interpreted);
        return compiled;
      };
      const before = ctx.compiledHits;
      for (const ev of c.match) expect(check(ev)).toBe(true);
      for (const ev of c.noMatch) expect(check(ev)).toBe(false);
      expect(ctx.compiledHits - before).toBe(events.length);

      // Fuzz: the case's own fields and values, recombined, re-cased, cut and extended.
      const names = [...new Set(events.flatMap((e) => Object.keys(e)))];
      const pool = events.flatMap((e) => Object.values(e)).filter((v) => v !== undefined);
      if (!names.length || !pool.length) return;
      const value = fc.oneof(
        fc.constantFrom(...pool),
        fc.constantFrom(...pool.filter((v) => typeof v === 'string') as string[], 'x').chain((s) =>
          fc.oneof(
            fc.constant(s.toUpperCase()),
            fc.nat(s.length).map((n) => s.slice(0, n)),
            fc.string({ maxLength: 4 }).map((x) => x + s + x),
          ),
        ),
        fc.constant(null),
        fc.array(fc.constantFrom(...pool), { maxLength: 3 }),
      );
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...names), value, { maxKeys: names.length }), (fields) => {
          check(fields);
        }),
        { numRuns: 150, interruptAfterTimeLimit: 2000 },
      );
    });
  }
});
