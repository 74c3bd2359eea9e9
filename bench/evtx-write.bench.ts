/**
 * The EVTX writer generating a benchmark log: streamed to disk chunk by chunk, so memory stays flat whatever the
 * size. Correctness first: a small log from the same generator must be read whole by evtxexport.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, haveCommand, ROOT, timeCommand, type Benchmark } from './harness.js';
import { makeEvtx } from './make-evtx.js';

const SIZE_MIB = 256;

export const evtxWriteBench: Benchmark = {
  name: 'evtx-write',
  decision: 'one 64 KiB chunk in memory at a time: a log of any size is written in flat memory',
  skip: () => (haveCommand('evtxexport') ? undefined : 'evtxexport is not installed (its check comes first)'),
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'hardnut-bench-evtxw-'));
    try {
      const small = makeEvtx(join(dir, 'small.evtx'), 4 * 1024 * 1024, { seed: 3 });
      const out = spawnSync('evtxexport', ['-f', 'xml', small.path], { encoding: 'utf8', maxBuffer: 1 << 30 });
      const n = (out.stdout.match(/<Event /g) ?? []).length;
      check(out.status === 0 && n === small.records, `evtxexport read ${n} of the ${small.records} records written`);
      const cli = join(ROOT, 'dist', 'bench', 'make-evtx.js');
      const run = timeCommand([process.execPath, cli, join(dir, 'big.evtx'), `${SIZE_MIB}MiB`], { repeat: 1 });
      check(run.status === 0, `make-evtx failed: ${run.stderr}`);
      const records = Number(/(\d+) records/.exec(run.stderr)?.[1] ?? 0);
      return {
        measurements: [{ subject: `make-evtx ${SIZE_MIB} MiB`, ms: run.ms, rate: SIZE_MIB / (run.ms / 1000), unit: 'MiB/s', rssMiB: run.rssMiB }],
        headline: `${SIZE_MIB} MiB (${records} records) at ${(SIZE_MIB / (run.ms / 1000)).toFixed(1)} MiB/s in ${run.rssMiB.toFixed(0)} MiB RSS`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
