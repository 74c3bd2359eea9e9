/**
 * The Sigma engine: compiling the whole SigmaHQ set, and matching the regression events with all of it.
 * Correctness first: every regression case's rule must fire on its own events through the full rule set. Matching is
 * timed with generated code, the (channel, event id) index and the literal prefilter, against the same rule set
 * interpreted with every candidate evaluated (no Sigma reference tool is installed here; Hayabusa and Chainsaw are not
 * packaged), on one core.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EventRecord } from '../src/events/event.js';
import { EvtxJsonEvent } from '../src/events/evtx-json.js';
import { buildRuleSet, loadRuleFiles, parseMapping, compileRuleSet, type RuleSet } from '../src/sigma/index.js';
import { check, DATA, needData, ROOT, timeFn, type Benchmark } from './harness.js';

const ROOTS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-compliance', 'rules-placeholder'];

function walk(dir: string, re: RegExp, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, re, out);
    else if (re.test(n)) out.push(p);
  }
  return out;
}

function concatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

/** Run `pass` over and over for about `ms`; events per CPU-second (CPU time: the machine is shared). */
function throughput(events: readonly EventRecord[], rs: RuleSet, ms: number): { perSec: number; wallMs: number } {
  for (const e of events) rs.match(e); // warm up: candidate lists, prefilter tables, V8 tiers
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  let n = 0;
  while (performance.now() - t0 < ms) {
    for (const e of events) rs.match(e);
    n += events.length;
  }
  const u = process.cpuUsage(u0);
  return { perSec: n / ((u.user + u.system) / 1e6), wallMs: performance.now() - t0 };
}

export const sigmaBench: Benchmark = {
  name: 'sigma',
  decision: 'rules compiled to generated code, indexed by (channel, event id) and prefiltered by required literals, against interpreting every candidate',
  skip: () => needData('sigma', 'regression_data'),
  async run() {
    const mappingPath = join(ROOT, 'rules', 'mapping', 'event-logs.yml');
    const { mapping } = parseMapping(readFileSync(mappingPath, 'utf8'), mappingPath);
    const files = ROOTS.flatMap((r) => walk(join(DATA, 'sigma', r), /\.ya?ml$/));
    const texts = files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));

    const load = await timeFn(() => loadRuleFiles(texts, { placeholders: mapping.placeholders }), 2);
    const compile = await timeFn(() => compileRuleSet(load.value, { mapping }), 2);
    const { ruleSet, files: results } = compile.value;
    const loaded = results.filter((f) => !f.issues.length).length;
    check(loaded / results.length >= 0.995, `only ${loaded}/${results.length} rule files load`);

    // Correctness: each regression case's rule fires on its own events, with every other rule loaded too.
    const events: EventRecord[] = [];
    let cases = 0;
    for (const f of texts) {
      const path = /^regression_tests_path:\s*(\S+)/m.exec(f.text)?.[1];
      const id = /^id:\s*(\S+)/m.exec(f.text)?.[1];
      if (!path || !id) continue;
      const dir = join(DATA, 'sigma', dirname(path));
      let jsons: string[];
      try {
        jsons = readdirSync(dir).filter((n) => n.endsWith('.json'));
      } catch {
        continue;
      }
      cases++;
      let fired = 0;
      for (const j of jsons) {
        for (const doc of concatenatedJson(readFileSync(join(dir, j), 'utf8'))) {
          const ev = new EvtxJsonEvent(doc as never);
          events.push(ev);
          for (const m of ruleSet.match(ev)) if (m.rule.ref.id === id) fired++;
        }
      }
      check(fired > 0, `${f.path}: its regression case does not fire with the full rule set`);
    }

    const fast = throughput(events, ruleSet, 4000);
    const slow = throughput(events, buildRuleSet(texts, { mapping, interpretOnly: true, prefilter: false }).ruleSet, 4000);
    const work = events.reduce(
      (acc, e) => {
        const w = ruleSet.work(e);
        return { candidates: acc.candidates + w.candidates, evaluated: acc.evaluated + w.evaluated };
      },
      { candidates: 0, evaluated: 0 },
    );
    return {
      measurements: [
        { subject: `load ${texts.length} SigmaHQ rule files (YAML)`, ms: load.ms, rate: texts.length / (load.ms / 1000), unit: 'files/s' },
        { subject: `compile ${ruleSet.rules.length} rules (bind, codegen, index)`, ms: compile.ms, rate: ruleSet.rules.length / (compile.ms / 1000), unit: 'rules/s' },
        { subject: 'hardnut match: compiled + index + prefilter', ms: fast.wallMs, rate: fast.perSec, unit: 'events/CPU-s' },
        { subject: 'same rules interpreted, every candidate', ms: slow.wallMs, rate: slow.perSec, unit: 'events/CPU-s' },
      ],
      headline:
        `${cases} regression cases fire; ${events.length} events × ${ruleSet.rules.length} rules: ` +
        `${Math.round(fast.perSec).toLocaleString('en-GB')} events/s per core, ${(fast.perSec / slow.perSec).toFixed(1)}× interpreting every candidate ` +
        `(${(work.candidates / events.length).toFixed(0)} candidates, ${(work.evaluated / events.length).toFixed(0)} evaluated per event); ` +
        `load ${(load.ms / 1000).toFixed(1)} s + compile ${(compile.ms / 1000).toFixed(1)} s`,
    };
  },
};
