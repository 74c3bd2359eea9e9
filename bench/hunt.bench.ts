/**
 * hunt at scale: SigmaHQ's Windows rules over a multi-GB synthetic log made by our writer, for events/s per core and
 * peak memory, against Hayabusa's published figure (4.8 M events in 6 min 17 s on a laptop ≈ 12.7 k events/s; its
 * README, "Hayabusa 2 … benchmarks"). No Hayabusa binary can be installed here, so its figure is the anchor.
 *
 * The log: a 256 MiB mix (Sysmon, Security, PowerShell, System, with attack-like command lines among benign ones) made
 * once by bench/make-evtx.ts and cached in the temp folder, then its chunks repeated into files of 1 GiB (chunks are
 * independent, so repeats are valid EVTX). Size by HARDNUT_BENCH_HUNT_GIB (default 3, in files of 1 GiB).
 * Correctness first: one thread and worker threads must give the same findings, rule by rule, on the 256 MiB mix.
 * Per core is events per CPU-second (user + system of every thread, from /usr/bin/time): on a shared machine wall
 * time also counts what other processes took.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBigEvtx } from './evtx-memory.bench.js';
import { check, CLI, DATA, needData, timeCommand, type Benchmark } from './harness.js';
import { makeEvtx } from './make-evtx.js';

const HAYABUSA_EVENTS_PER_S = 4_800_000 / 377;
const CACHE = join(tmpdir(), 'hardnut-bench');
const BASE = join(CACHE, 'mix-256MiB-seed1.evtx');

function ensureBase(): void {
  if (existsSync(BASE)) return;
  mkdirSync(CACHE, { recursive: true });
  makeEvtx(BASE + '.part', 256 * 2 ** 20, { seed: 1 });
  // Renamed only when whole, so an interrupted run never leaves a short cache.
  renameSync(BASE + '.part', BASE);
}

interface HuntRun {
  ms: number;
  rssMiB: number;
  /** User plus system CPU seconds, all threads: events per CPU-second is the per-core figure on a shared machine. */
  cpuS: number;
  events: number;
  byRule: Map<string, number>;
}

function hunt(paths: string[], args: string[], keep: boolean): HuntRun {
  const rules = join(DATA, 'sigma', 'rules', 'windows');
  const r = timeCommand([process.execPath, CLI, 'hunt', ...paths, '--rules', rules, '--min-level', 'informational', '--format', 'jsonl', '--no-case', ...args], {
    repeat: 1,
    keepStdout: keep,
  });
  check(r.status === 0, `hunt exited ${r.status}: ${r.stderr.slice(-400)}`);
  const m = /read [\d,]+ files?, [\d,]+ bytes, ([\d,]+) events/.exec(r.stderr);
  check(m !== null, `no summary line in: ${r.stderr.slice(-400)}`);
  const byRule = new Map<string, number>();
  if (keep) {
    for (const line of r.stdout.split('\n')) {
      if (!line) continue;
      const id = (JSON.parse(line) as { rule: { id: string } }).rule.id;
      byRule.set(id, (byRule.get(id) ?? 0) + 1);
    }
  }
  return { ms: r.ms, rssMiB: r.rssMiB, cpuS: r.cpuS, events: Number(m[1]!.replace(/,/g, '')), byRule };
}

export const huntBench: Benchmark = {
  name: 'hunt',
  decision: 'one compiled rule set per thread, EVTX shared out by chunk range, findings streamed: events/s per core above Hayabusa, memory flat',
  skip: () => needData('sigma', 'rules', 'windows'),
  async run() {
    ensureBase();
    // Correctness: the same findings from one thread and from workers.
    const one = hunt([BASE], ['--threads', '1'], true);
    const two = hunt([BASE], ['--threads', '2'], true);
    check(one.byRule.size > 0, 'the synthetic mix raised no finding: the correctness check would prove nothing');
    check(one.events === two.events, `events differ: ${one.events} in one thread, ${two.events} in two`);
    for (const [id, n] of one.byRule) check(two.byRule.get(id) === n, `rule ${id}: ${n} findings in one thread, ${two.byRule.get(id) ?? 0} in two`);
    check(two.byRule.size === one.byRule.size, 'worker threads raised findings of rules one thread did not');

    const gib = Number(process.env['HARDNUT_BENCH_HUNT_GIB'] ?? 3);
    const dir = join(CACHE, `big-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const files: string[] = [];
      for (let i = 0; i < gib; i++) {
        const f = join(dir, `mix-${i}.evtx`);
        makeBigEvtx(f, 2 ** 30 - 2 ** 20, BASE);
        files.push(f);
      }
      const big = hunt([dir], [], false);
      const perCoreOne = one.events / (one.ms / 1000);
      const all = big.events / (big.ms / 1000);
      // Per core: events per CPU-second (user + system, every thread, rule compiles included), which other work on a
      // shared machine does not dilute the way it does wall time.
      const perCpu = (r: HuntRun) => r.events / r.cpuS;
      const cpuRows = Number.isFinite(big.cpuS)
        ? [
            { subject: `  per CPU-second, 1 thread, 256 MiB mix`, ms: one.cpuS * 1000, rate: perCpu(one), unit: 'events/CPU-s' },
            { subject: `  per CPU-second, all cores, ${gib} GiB`, ms: big.cpuS * 1000, rate: perCpu(big), unit: 'events/CPU-s' },
          ]
        : [];
      const perCore = Number.isFinite(big.cpuS) ? perCpu(big) : perCoreOne;
      return {
        measurements: [
          { subject: `hardnut hunt, 1 thread, 256 MiB mix`, ms: one.ms, rate: perCoreOne, unit: 'events/s', rssMiB: one.rssMiB },
          { subject: `hardnut hunt, 2 threads, 256 MiB mix`, ms: two.ms, rate: two.events / (two.ms / 1000), unit: 'events/s', rssMiB: two.rssMiB },
          { subject: `hardnut hunt, all cores, ${gib} GiB`, ms: big.ms, rate: all, unit: 'events/s', rssMiB: big.rssMiB },
          ...cpuRows,
          { subject: 'Hayabusa (published figure, laptop)', ms: 377_000, rate: HAYABUSA_EVENTS_PER_S, unit: 'events/s' },
        ],
        headline:
          `${big.events.toLocaleString('en-GB')} events in ${(big.ms / 1000).toFixed(0)} s, peak ${big.rssMiB.toFixed(0)} MiB; ` +
          `${Math.round(perCore).toLocaleString('en-GB')} events per core-second, ${(perCore / HAYABUSA_EVENTS_PER_S).toFixed(2)}× ` +
          `Hayabusa's published events/s (its run used all its laptop's cores)`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
