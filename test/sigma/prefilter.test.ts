/**
 * The literal prefilter and the generated code never change what matches: the same rules with the prefilter off and
 * interpreted must give the same matches, on every conformance case together, on fuzzed events, and on the whole
 * SigmaHQ set over the regression events.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/events/event.js';
import { EvtxJsonEvent } from '../../src/events/evtx-json.js';
import { buildRuleSet, type RuleSet } from '../../src/sigma/index.js';
import { requirementOf } from '../../src/sigma/prefilter.js';
import { DATA, dataMissing } from '../helpers.js';
import { CASES } from './cases.js';
import { concatenatedJson, emptyMapping, hintEvent, ruleAround, shippedMapping } from './helpers.js';

const ids = (rs: RuleSet, ev: EventRecord) => rs.match(ev).map((m) => m.rule.ref.id).sort();

describe('prefilter', () => {
  it('derives anchored and contained literals, choosing the most selective conjunct', () => {
    const r = requirementOf(
      {
        k: 'and',
        args: [
          { k: 'test', field: 1, test: { t: 'str', op: 'suffix', values: ['\\rundll32.exe'], cased: false } },
          { k: 'test', field: 2, test: { t: 'str', op: 'contains', values: [' -e'], cased: false } },
          { k: 'not', arg: { k: 'test', field: 3, test: { t: 'str', op: 'eq', values: ['x'], cased: false } } },
        ],
      },
      new Set(),
    );
    expect([...r!.keys()]).toEqual([1]);
    expect([...r!.get(1)!.suffix]).toEqual(['\\rundll32.exe']);
    expect(requirementOf({ k: 'or', args: [{ k: 'test', field: 1, test: { t: 'str', op: 'eq', values: ['a'], cased: false } }, { k: 'null', field: 2 }] }, new Set())).toBeNull();
  });

  it('the conformance rules together: same matches with and without it', () => {
    const texts = CASES.filter((c) => !c.placeholders).map((c, i) => ({ path: `c${i}.yml`, text: ruleAround(c.detection, c.name, `case-${i}`) }));
    const fast = buildRuleSet(texts, { mapping: emptyMapping() }).ruleSet;
    const slow = buildRuleSet(texts, { mapping: emptyMapping(), prefilter: false, interpretOnly: true }).ruleSet;
    const events = CASES.flatMap((c) => [...c.match, ...c.noMatch]);
    const work = fast.work(hintEvent(events[0]!));
    expect(work.evaluated, 'the prefilter is on and skips rules').toBeLessThan(work.candidates / 2);
    expect(slow.work(hintEvent(events[0]!)).evaluated).toBe(work.candidates);
    for (const e of events) expect(ids(fast, hintEvent(e)), JSON.stringify(e)).toEqual(ids(slow, hintEvent(e)));
    const names = [...new Set(events.flatMap((e) => Object.keys(e)))];
    const pool = [...new Set(events.flatMap((e) => Object.values(e)).filter((v) => typeof v === 'string'))] as string[];
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...names),
          fc.oneof(fc.constantFrom(...pool), fc.constantFrom(...pool).map((s) => s.toUpperCase()), fc.tuple(fc.string({ maxLength: 3 }), fc.constantFrom(...pool)).map(([a, b]) => a + b + a)),
          { maxKeys: 6 },
        ),
        (fields) => {
          expect(ids(fast, hintEvent(fields))).toEqual(ids(slow, hintEvent(fields)));
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 4000 },
    );
  });

  const missing = dataMissing('sigma', 'regression_data');
  it.skipIf(missing)(`the whole SigmaHQ set over the regression events${missing ? ` (skipped: ${missing})` : ''}`, () => {
    const roots = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance', 'rules-placeholder'];
    const files: string[] = [];
    const walk = (d: string, re: RegExp, out: string[]) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p, re, out);
        else if (re.test(n)) out.push(p);
      }
    };
    for (const r of roots) walk(join(DATA, 'sigma', r), /\.ya?ml$/, files);
    const jsons: string[] = [];
    walk(join(DATA, 'sigma', 'regression_data'), /\.json$/, jsons);
    const texts = files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    const mapping = shippedMapping();
    const fast = buildRuleSet(texts, { mapping }).ruleSet;
    const slow = buildRuleSet(texts, { mapping, prefilter: false, interpretOnly: true }).ruleSet;
    let matches = 0;
    let candidates = 0;
    let evaluated = 0;
    for (const j of jsons) {
      for (const doc of concatenatedJson(readFileSync(j, 'utf8'))) {
        const a = ids(fast, new EvtxJsonEvent(doc as never));
        const b = ids(slow, new EvtxJsonEvent(doc as never));
        expect(a, j).toEqual(b);
        matches += a.length;
        const w = fast.work(new EvtxJsonEvent(doc as never));
        candidates += w.candidates;
        evaluated += w.evaluated;
      }
    }
    expect(matches).toBeGreaterThan(150);
    expect(evaluated, 'the prefilter skips most candidate rules').toBeLessThan(candidates / 5);
  }, 180_000);
});
