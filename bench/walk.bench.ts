/** Input walking: our async walker against `find -type f` over the shared data tree (same files, then time). */
import { spawnSync } from 'node:child_process';
import { Diagnostics } from '../src/core/diagnostics.js';
import { walkInputs } from '../src/sources/walk.js';
import { check, DATA, needData, ratio, timeCommand, timeFn, type Benchmark } from './harness.js';

export const walkBench: Benchmark = {
  name: 'walk',
  decision: 'sorted synchronous readdir/stat walk with (dev, ino) loop detection stays within a small factor of find(1)',
  skip: () => needData(),
  async run() {
    const walk = () => {
      let n = 0;
      for (const f of walkInputs([DATA], { diagnostics: new Diagnostics() })) n += f.size >= 0 ? 1 : 0;
      return n;
    };
    const find = spawnSync('find', ['-L', DATA, '-type', 'f'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const want = find.stdout.split('\n').filter(Boolean).length;
    const ours = await timeFn(walk, 3);
    check(ours.value === want, `walker found ${ours.value} files, find found ${want}`);
    const ref = timeCommand(['find', '-L', DATA, '-type', 'f'], { repeat: 3 });
    return {
      measurements: [
        { subject: 'hardnut walkInputs', ms: ours.ms, rate: want / (ours.ms / 1000), unit: 'files/s' },
        { subject: 'find -L -type f', ms: ref.ms, rate: want / (ref.ms / 1000), unit: 'files/s', rssMiB: ref.rssMiB },
      ],
      headline: `${want} files; walker at ${ratio(ref.ms, ours.ms)} find's speed`,
    };
  },
};
