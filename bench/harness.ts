/**
 * The benchmark harness: each benchmark checks its result is right before it times anything, times hardnut and the
 * reference tool in the same run (this machine is noisy, so the figure that matters is the ratio), and reports
 * throughput and peak memory. Benchmarks read third-party data from ../shared/data and skip, saying why, without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA = resolve(ROOT, '..', 'shared', 'data');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

export interface Measurement {
  /** What ran: 'hardnut …' or the reference tool. */
  subject: string;
  /** Best wall time over the repeats, in milliseconds. */
  ms: number;
  /** Units of work per second (events, MiB, files), when the benchmark knows the amount of work. */
  rate?: number;
  unit?: string;
  /** Peak resident memory in MiB, for measured child processes. */
  rssMiB?: number;
}

export interface BenchResult {
  measurements: Measurement[];
  /** One line: the figure to quote, e.g. "2.4× evtxexport". */
  headline: string;
}

export interface Benchmark {
  name: string;
  /** The decision this benchmark measures. */
  decision: string;
  /** A reason it cannot run here (data or tool absent), or undefined. */
  skip?(): string | undefined;
  run(): Promise<BenchResult>;
}

export class CheckFailed extends Error {}

/** Correctness first: a benchmark whose result is wrong reports that, not a time. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

export function haveCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function needData(...parts: string[]): string | undefined {
  const p = join(DATA, ...parts);
  return existsSync(p) ? undefined : `no ${p} (the shared data is absent)`;
}

/** Best of `repeat` runs of an in-process function. */
export async function timeFn<T>(fn: () => T | Promise<T>, repeat = 3): Promise<{ ms: number; value: T }> {
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    value = await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, value };
}

export interface CommandRun {
  ms: number;
  rssMiB: number;
  /** User plus system CPU seconds of the process and its threads, where /usr/bin/time exists (else NaN). */
  cpuS: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command (best of `repeat`), measuring wall time and, where /usr/bin/time exists, peak RSS. */
export function timeCommand(argv: string[], options: { repeat?: number; keepStdout?: boolean } = {}): CommandRun {
  const gnuTime = existsSync('/usr/bin/time');
  let best: CommandRun | undefined;
  for (let i = 0; i < (options.repeat ?? 2); i++) {
    const full = gnuTime ? ['/usr/bin/time', '-f', '__RSS_KB__ %M %U %S', ...argv] : argv;
    const t0 = performance.now();
    const p = spawnSync(full[0]!, full.slice(1), {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', options.keepStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    const ms = performance.now() - t0;
    const m = /__RSS_KB__ (\d+) ([\d.]+) ([\d.]+)/.exec(p.stderr ?? '');
    const run: CommandRun = {
      ms,
      rssMiB: m ? Number(m[1]) / 1024 : 0,
      cpuS: m ? Number(m[2]) + Number(m[3]) : NaN,
      status: p.status,
      stdout: p.stdout ?? '',
      stderr: (p.stderr ?? '').replace(/__RSS_KB__ [\d.]+ [\d.]+ [\d.]+\n?/, ''),
    };
    if (!best || run.ms < best.ms) best = run;
  }
  return best!;
}

export function ratio(reference: number, ours: number): string {
  return `${(reference / ours).toFixed(2)}×`;
}
