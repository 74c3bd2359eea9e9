/**
 * `npm run bench [-- NAME...]`: run the benchmarks (all, or those named), print a table, and write
 * bench/out/results.json. Each benchmark checks correctness before timing; a failed check is reported, not timed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckFailed, ROOT, type Benchmark } from './harness.js';
import { BENCHMARKS } from './index.js';

const wanted = process.argv.slice(2);
const chosen: Benchmark[] = wanted.length ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : [...BENCHMARKS];
if (wanted.length && chosen.length !== wanted.length) {
  console.error(`unknown benchmark; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const results: Record<string, unknown> = {};
let failed = 0;
for (const b of chosen) {
  const reason = b.skip?.();
  if (reason) {
    console.log(`- ${b.name}: skipped: ${reason}`);
    results[b.name] = { skipped: reason };
    continue;
  }
  try {
    const r = await b.run();
    console.log(`- ${b.name}: ${r.headline}`);
    for (const m of r.measurements) {
      const rate = m.rate !== undefined ? `  ${m.rate.toLocaleString('en-GB', { maximumFractionDigits: 1 })} ${m.unit ?? '/s'}` : '';
      const rss = m.rssMiB ? `  ${m.rssMiB.toFixed(0)} MiB` : '';
      console.log(`    ${m.subject.padEnd(44)} ${(m.ms / 1000).toFixed(3).padStart(8)} s${rate}${rss}`);
    }
    results[b.name] = { decision: b.decision, ...r };
  } catch (err) {
    failed++;
    const what = err instanceof CheckFailed ? 'correctness check failed' : 'error';
    console.log(`- ${b.name}: ${what}: ${(err as Error).message}`);
    results[b.name] = { error: (err as Error).message };
  }
}
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'results.json'), JSON.stringify({ when: new Date().toISOString(), results }, null, 2));
process.exitCode = failed ? 1 : 0;
