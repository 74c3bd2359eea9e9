/**
 * sweep with signature-base over the benign corpus against the yara CLI (libyara) with the same rules precompiled
 * (`yarac`, then `yara -C -r -p 2`), whole processes, wall clock, in the same run. Correctness first: on the webshell
 * corpus both must flag the same files. Start-up is measured apart (each tool over a folder of one small file: our
 * rule loading and YARA-X compiling against yara loading its .yarc), so the scan itself can be read off as the difference.
 * The first sweep run fills the verdict and plan cache (docs/sweep.md); the timed runs use it, as a second run would.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { check, CLI, DATA, haveCommand, needData, ratio, timeCommand, type Benchmark } from './harness.js';

const SB = join(DATA, 'yara', 'signature-base', 'yara');
const EXT = ['filename', 'filepath', 'extension', 'filetype', 'owner'].flatMap((n) => ['-d', `${n}=x`]);

function sweepArgs(dir: string, builtin = false): string[] {
  return [process.execPath, CLI, 'sweep', dir, '--yara', SB, ...(builtin ? [] : ['--no-builtin']), '--format', 'jsonl', '--no-case'];
}

export const sweepBench: Benchmark = {
  name: 'sweep',
  decision: 'YARA-X in worker threads, two passes (read, then only the rules the files can match, one compiled set per worker), verdicts and plan cached: as fast as yara -p 2 with a .yarc',
  skip: () => needData('yara', 'signature-base', 'yara') ?? needData('benign') ?? (haveCommand('yara') && haveCommand('yarac') ? undefined : 'no yara/yarac CLI (apt-get install yara)'),
  async run() {
    const work = mkdtempSync(join(tmpdir(), 'hardnut-bench-sweep-'));
    try {
      const yarc = join(work, 'sb.yarc');
      const files = readdirSync(SB).filter((f) => f.endsWith('.yar')).sort().map((f) => join(SB, f));
      const c = spawnSync('yarac', [...EXT, ...files, yarc], { encoding: 'utf8' });
      check(c.status === 0, `yarac failed: ${c.stderr.slice(0, 300)}`);

      // Correctness: the same webshells flagged (level medium or above) as libyara matches.
      const ws = join(DATA, 'webshells');
      const ours = timeCommand(sweepArgs(ws), { repeat: 1, keepStdout: true });
      check(ours.status === 0, `sweep exited ${ours.status}: ${ours.stderr.slice(-300)}`);
      const flagged = new Set<string>();
      for (const line of ours.stdout.split('\n')) {
        if (!line) continue;
        const f = JSON.parse(line) as { path: string; level: string };
        if (f.level === 'medium' || f.level === 'high' || f.level === 'critical') flagged.add(relative(ws, f.path));
      }
      const y = spawnSync('yara', ['-C', '-r', '-p', '2', ...EXT, yarc, ws], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const theirs = new Set(y.stdout.split('\n').filter(Boolean).map((l) => relative(ws, l.slice(l.indexOf(' ') + 1))));
      const missed = [...theirs].filter((p) => !flagged.has(p));
      const extra = [...flagged].filter((p) => !theirs.has(p));
      check(missed.length === 0 && extra.length === 0, `flagged files differ from libyara: missed ${missed.slice(0, 3).join(', ')}; extra ${extra.slice(0, 3).join(', ')}`);

      const empty = join(work, 'one-file');
      mkdirSync(empty);
      writeFileSync(join(empty, 'hello.txt'), 'hello\n');
      const benign = join(DATA, 'benign');
      const ourStart = timeCommand(sweepArgs(empty), { repeat: 2 });
      const yaraStart = timeCommand(['yara', '-C', '-r', '-p', '2', ...EXT, yarc, empty], { repeat: 2 });
      const ourRun = timeCommand(sweepArgs(benign), { repeat: 2 });
      // As the acceptance check runs it: our own detectors too.
      const fullRun = timeCommand(sweepArgs(benign, true), { repeat: 2 });
      const yaraRun = timeCommand(['yara', '-C', '-r', '-p', '2', ...EXT, yarc, benign], { repeat: 2 });
      const n = spawnSync('find', [benign, '-type', 'f'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
      return {
        measurements: [
          { subject: 'hardnut sweep --yara signature-base (benign corpus)', ms: ourRun.ms, rate: n / (ourRun.ms / 1000), unit: 'files/s', rssMiB: ourRun.rssMiB },
          { subject: 'hardnut sweep --yara signature-base with our detectors (benign corpus)', ms: fullRun.ms, rate: n / (fullRun.ms / 1000), unit: 'files/s', rssMiB: fullRun.rssMiB },
          { subject: 'yara -C -r -p 2 sb.yarc (benign corpus)', ms: yaraRun.ms, rate: n / (yaraRun.ms / 1000), unit: 'files/s', rssMiB: yaraRun.rssMiB },
          { subject: 'hardnut sweep start-up (one file: load, plan, compile)', ms: ourStart.ms, rssMiB: ourStart.rssMiB },
          { subject: 'yara start-up (one file: load .yarc)', ms: yaraStart.ms, rssMiB: yaraStart.rssMiB },
        ],
        headline:
          `${flagged.size} webshells flagged as libyara does; benign corpus at ${ratio(yaraRun.ms, ourRun.ms)} yara's speed ` +
          `(${ratio(yaraRun.ms, fullRun.ms)} with our detectors too) ` +
          `(start-up ${Math.round(ourStart.ms)} ms vs ${Math.round(yaraStart.ms)} ms; scan ${Math.round(ourRun.ms - ourStart.ms)} ms vs ${Math.round(yaraRun.ms - yaraStart.ms)} ms)`,
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
