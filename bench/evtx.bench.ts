/**
 * `hardnut evtx dump` (one process, JSONL to /dev/null) against libyal's evtxexport (XML, one process per file, as it
 * has no folder mode) over ../shared/data/evtx, in the same run. Correctness first: our record count on every file
 * must reach evtxexport's, and the JSONL must parse, before anything is timed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { check, CLI, DATA, haveCommand, needData, ratio, timeCommand, type Benchmark } from './harness.js';

function evtxFiles(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...evtxFiles(p));
    else if (name.toLowerCase().endsWith('.evtx')) out.push(p);
  }
  return out;
}

export const evtxBench: Benchmark = {
  name: 'evtx',
  decision: 'pure TypeScript EVTX parsing, templates cached per chunk, JSON built as objects and serialised natively, one process',
  skip: () => needData('evtx') ?? (haveCommand('evtxexport') ? undefined : 'evtxexport (libevtx-utils) is not installed'),
  async run() {
    const dirs = [join(DATA, 'evtx', 'attack-samples'), join(DATA, 'evtx', 'parser-samples')];
    const files = dirs.flatMap(evtxFiles);
    const mib = files.reduce((a, f) => a + statSync(f).size, 0) / 2 ** 20;

    // Correctness: per file, we yield at least the records evtxexport prints, and every line is a JSON record.
    const short: string[] = [];
    for (const f of files) {
      const ref = spawnSync('evtxexport', ['-f', 'xml', f], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const want = (ref.stdout.match(/<Event xmlns=/g) ?? []).length;
      const ours = spawnSync(process.execPath, [CLI, 'evtx', 'dump', f], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const lines = ours.stdout.split('\n').filter(Boolean);
      check(lines.every((l) => l.startsWith('{"Event":')), `${f}: output is not one record a line`);
      if (lines.length < want) short.push(`${f}: ${lines.length} < ${want}`);
    }
    check(short.length === 0, `fewer records than evtxexport: ${short.slice(0, 3).join('; ')}`);

    const ref = timeCommand(['bash', '-c', 'for f in "$@"; do evtxexport -f xml "$f" >/dev/null 2>&1; done', '_', ...files], { repeat: 2 });
    const jsonl = timeCommand([process.execPath, CLI, 'evtx', 'dump', ...dirs], { repeat: 3 });
    const xml = timeCommand([process.execPath, CLI, 'evtx', 'dump', ...dirs, '--format', 'xml'], { repeat: 3 });
    return {
      measurements: [
        { subject: 'hardnut evtx dump (JSONL)', ms: jsonl.ms, rate: mib / (jsonl.ms / 1000), unit: 'MiB/s', rssMiB: jsonl.rssMiB },
        { subject: 'hardnut evtx dump --format xml', ms: xml.ms, rate: mib / (xml.ms / 1000), unit: 'MiB/s', rssMiB: xml.rssMiB },
        { subject: 'evtxexport -f xml (per file)', ms: ref.ms, rate: mib / (ref.ms / 1000), unit: 'MiB/s', rssMiB: ref.rssMiB },
      ],
      headline: `${files.length} files, ${mib.toFixed(1)} MiB: JSONL at ${ratio(ref.ms, jsonl.ms)} and XML at ${ratio(ref.ms, xml.ms)} evtxexport's throughput`,
    };
  },
};
