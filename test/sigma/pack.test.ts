/**
 * The built-in pack (rules/sigma/**): every rule file loads against the shipped mapping, and matches exactly the
 * events of its `NAME.tests.yml` — each `match` event fires one of the file's rules, no `no_match` event fires any.
 * An event's `logsource` key is a logsource hint (for sources that are not Windows logs); the other keys are fields.
 * A tests file with `correlation: true` is about the file's correlation: its `match` events, in order, make it fire
 * exactly once, its `no_match` events never.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ObjectEvent } from '../../src/events/object-event.js';
import type { LogsourceHint } from '../../src/events/event.js';
import { buildRuleSet, CorrelationEngine } from '../../src/sigma/index.js';
import { ROOT } from '../helpers.js';
import { shippedMapping } from './helpers.js';

const PACK = join(ROOT, 'rules', 'sigma');

function ruleFiles(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) ruleFiles(p, out);
    else if (n.endsWith('.yml') && !n.endsWith('.tests.yml')) out.push(p);
  }
  return out;
}

function toEvent(raw: Record<string, unknown>): ObjectEvent {
  const { logsource, ...fields } = raw;
  return new ObjectEvent(fields, logsource as LogsourceHint | undefined);
}

describe('built-in Sigma pack', () => {
  const mapping = shippedMapping();
  const files = ruleFiles(PACK);

  it('has a tests file for every rule file', () => {
    expect(files.length).toBeGreaterThanOrEqual(49);
    for (const f of files) expect(statSync(f.replace(/\.yml$/, '.tests.yml')).isFile(), f).toBe(true);
  });

  for (const file of files) {
    it(relative(PACK, file), () => {
      const { ruleSet, files: results } = buildRuleSet([{ path: file, text: readFileSync(file, 'utf8') }], { mapping });
      expect(results[0]!.issues).toEqual([]);
      expect(results[0]!.notes).toEqual([]);
      const tests = parse(readFileSync(file.replace(/\.yml$/, '.tests.yml'), 'utf8')) as {
        match?: Record<string, unknown>[];
        no_match?: Record<string, unknown>[];
        correlation?: boolean;
      };
      expect(tests.match?.length, 'at least one match event').toBeGreaterThan(0);
      expect(tests.no_match?.length, 'at least one no_match event').toBeGreaterThan(0);
      if (tests.correlation) {
        expect(ruleSet.correlations.length).toBeGreaterThan(0);
        const run = (events: Record<string, unknown>[]) => {
          const engine = new CorrelationEngine(ruleSet);
          let n = 0;
          for (const raw of events) for (const m of ruleSet.match(toEvent(raw))) n += engine.feedMatch(m).filter((c) => c.report).length;
          return n + engine.flush().filter((c) => c.report).length;
        };
        expect(run(tests.match!), 'the correlation fires once on the match events').toBe(1);
        expect(run(tests.no_match!), 'the correlation does not fire on the no_match events').toBe(0);
        return;
      }
      for (const raw of tests.match!) expect(ruleSet.match(toEvent(raw)).length, `should match ${JSON.stringify(raw)}`).toBeGreaterThan(0);
      for (const raw of tests.no_match!) expect(ruleSet.match(toEvent(raw)), `should not match ${JSON.stringify(raw)}`).toEqual([]);
    });
  }
});
