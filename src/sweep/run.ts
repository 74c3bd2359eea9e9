/**
 * A sweep from start to end: IOC lists and YARA rules loaded (each bad file named and counted), worker threads
 * started so they compile while the input is walked, files shared out in batches, findings streamed to the sinks.
 *
 * Large rule sets are shared out between the workers (yara/plan.ts), each worker scanning every file with its share;
 * one of them (the batch's primary) also runs our detectors and the IOCs and reports reads. Small rule sets are
 * compiled by every worker, and batches go to whichever is free. Files of equal size travel in the same batch, so the
 * worker that meets a copy of a file it has seen (same SHA-256) gives its findings again without scanning it.
 */
import { availableParallelism } from 'node:os';
import { closeSync, openSync, readFileSync, readSync, fstatSync, constants } from 'node:fs';
import { Diagnostics } from '../core/diagnostics.js';
import type { Finding } from '../findings/finding.js';
import type { Progress } from '../sinks/progress.js';
import type { FindingSink } from '../sinks/sink.js';
import { walkInputs, type InputFile } from '../sources/walk.js';
import { WorkerPool } from '../workers/pool.js';
import { accountsOf } from './filetype.js';
import { excludeMatcher } from './glob.js';
import { builtinYaraPaths, loadIocs, loadYara } from './load.js';
import { LiteralSet } from './yara/prefilter.js';
import type { YaraPlan } from './yara/plan.js';
import type { SweepFile, SweepMessage, SweepSettings, SweepTask } from './protocol.js';

/** Rule text above which the rules are shared out between workers rather than compiled by each (compiling 1 MiB of
 * signature-base takes YARA-X about a second). */
export const SHARE_RULES_ABOVE = 256 << 10;
/** Files per batch: enough to make messages cheap, few enough for the progress line to move. */
const BATCH_FILES = 32;
const WORKER_HEAP_MIB = 512;

export interface SweepRunOptions {
  paths: readonly string[];
  yara: readonly string[];
  iocs: readonly string[];
  builtin: boolean;
  exclude: readonly string[];
  maxSize: number;
  threads?: number | undefined;
  env: NodeJS.ProcessEnv;
  version: string;
  diagnostics: Diagnostics;
  sink: FindingSink;
  progress: Progress;
}

export interface SweepResult {
  files: number;
  bytes: number;
  /** Files whose content was seen before in the run and not scanned again. */
  reused: number;
  notScanned: number;
  yaraRules: number;
  gatedRules: number;
  /** Rules compiled only if one of their literals occurs in some file, and how many did. */
  optionalRules: number;
  optionalCompiled: number;
  yaraFiles: { loaded: number; failed: number; cached: number };
  iocs: { hashes: number; filenames: number; files: number; failed: number };
  detectors: boolean;
  threads: number;
  shards: number;
}

export async function runSweep(o: SweepRunOptions): Promise<SweepResult> {
  const threads = Math.max(1, o.threads ?? availableParallelism());
  const d = o.diagnostics;
  const iocs = loadIocs(o.iocs, d);
  const rulePaths = [...(o.builtin ? builtinYaraPaths() : []), ...o.yara];
  const ruleBytes = sizeOf(rulePaths);
  // Anyone measuring can move the threshold (as hunt's HARDNUT_WORKERS_ABOVE_BYTES), e.g. to compare both modes.
  const shareAbove = Number(o.env['HARDNUT_SHARE_RULES_ABOVE'] ?? SHARE_RULES_ABOVE);
  const shares = threads > 1 && ruleBytes > shareAbove ? threads : 1;
  const yara = loadYara(rulePaths, shares, o.env, d);
  const plan = yara.plan;

  const base: Omit<SweepSettings, 'shard'> = {
    origins: plan.origins,
    detectors: o.builtin,
    hashIocs: iocs.hashes,
    filenameIocs: iocs.filenames,
    maxSize: o.maxSize,
    accounts: [...accountsOf(readPasswd())],
    version: o.version,
  };
  const script = new URL('./worker.js', import.meta.url);
  const pools =
    plan.shards.length > 1
      ? plan.shards.map((shard) => new WorkerPool<SweepSettings, SweepTask, SweepMessage>({ script, size: 1, init: { ...base, shard }, maxHeapMiB: WORKER_HEAP_MIB }))
      : [new WorkerPool<SweepSettings, SweepTask, SweepMessage>({ script, size: threads, init: { ...base, shard: plan.shards[0]! }, maxHeapMiB: WORKER_HEAP_MIB })];
  for (const p of pools) p.warm();

  const exclude = excludeMatcher(o.exclude);
  const files = [...walkInputs(o.paths, { diagnostics: d, maxSize: o.maxSize, ...(exclude ? { exclude } : {}) })];
  const batches = batchesOf(files);
  o.progress.addTotal(files.reduce((n, f) => n + f.size, 0));
  // While the workers compile the rules every file needs, find which optional rules any file can match.
  const optional = chooseOptional(plan, files, o.maxSize);

  const result: SweepResult = {
    files: 0,
    bytes: 0,
    reused: 0,
    notScanned: 0,
    yaraRules: plan.rules,
    gatedRules: plan.gatedRules,
    optionalRules: plan.shards.reduce((n, sh) => n + sh.optional.length, 0),
    optionalCompiled: optional.reduce((n, l) => n + l.length, 0),
    yaraFiles: { loaded: plan.files, failed: plan.failed, cached: yara.cached },
    iocs: { hashes: iocs.hashes.length, filenames: iocs.filenames.length, files: iocs.files, failed: iocs.failed },
    detectors: o.builtin,
    threads: plan.shards.length > 1 ? plan.shards.length : Math.min(threads, Math.max(1, batches.length)),
    shards: plan.shards.length,
  };
  let done = 0;
  const onMessage = (m: SweepMessage): void => {
    switch (m.t) {
      case 'batch':
        for (const x of m.messages) onMessage(x);
        break;
      case 'findings':
        for (const f of m.findings) o.sink.add(f as Finding);
        break;
      case 'warning':
        d.warn(m.code, m.message, m.file);
        break;
      case 'file':
        if (m.scanned) {
          result.files++;
          result.bytes += m.bytes;
          if (m.reused) result.reused++;
        } else result.notScanned++;
        done += m.bytes;
        o.progress.update(done, m.path);
        break;
    }
  };
  await Promise.all(
    pools.map((pool, k) => {
      // With shares, every pool sees every batch; the batch's primary is chosen round robin.
      const tasks = batches.map((b, i): SweepTask => ({ files: b, primary: pools.length === 1 || i % pools.length === k, optional: optional[k] ?? [] }));
      return pool.run(tasks, onMessage, (f) => {
        if (!f.task.primary) {
          d.warn('INTERNAL', `a worker failed; part of the YARA rules did not run on ${f.task.files.length} files: ${f.error}`);
          return;
        }
        for (const file of f.task.files) d.warn('INPUT_FORMAT', `not scanned: ${f.error}`, file.path);
        result.notScanned += f.task.files.length;
      });
    }),
  );
  return result;
}

/**
 * For each share, the optional rules to compile: those with a literal that occurs in some file. Reads every file
 * once (at most maxSize bytes; one unreadable here is left to the worker to report).
 */
function chooseOptional(plan: YaraPlan, files: readonly InputFile[], maxSize: number): number[][] {
  if (plan.literals.length === 0) return plan.shards.map(() => []);
  const set = new LiteralSet(plan.literals.map((h) => Buffer.from(h, 'hex')));
  const buf = Buffer.allocUnsafe(Math.max(1 << 16, Math.min(maxSize, 64 << 20)));
  // Files larger than the buffer are read in pieces that overlap by the longest literal, so none is cut unseen.
  const overlap = Math.min(buf.length >> 1, Math.max(...plan.literals.map((h) => h.length / 2)));
  for (const f of files) {
    if (set.complete) break;
    let fd: number | undefined;
    try {
      fd = openSync(f.path, constants.O_RDONLY | constants.O_NONBLOCK);
      if (!fstatSync(fd).isFile()) continue;
      let n = 0;
      let pos = 0;
      for (;;) {
        const got = readSync(fd, buf, n, buf.length - n, pos);
        if (got === 0) break;
        pos += got;
        n += got;
        if (n === buf.length) {
          set.feed(buf.subarray(0, n));
          buf.copyWithin(0, n - overlap, n);
          n = overlap;
        }
      }
      if (n > 0) set.feed(buf.subarray(0, n));
    } catch {
      // the worker reads it again and reports the problem
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  return plan.shards.map((sh) => sh.optional.flatMap((r, i) => (r.literals.some((l) => set.seen[l] === 1) ? [i] : [])));
}

/** Batches of files, files of one size together (only they can be copies of each other). */
function batchesOf(files: InputFile[]): SweepFile[][] {
  const bySize = new Map<number, InputFile[]>();
  for (const f of files) {
    const group = bySize.get(f.size);
    if (group) group.push(f);
    else bySize.set(f.size, [f]);
  }
  const out: SweepFile[][] = [];
  let batch: SweepFile[] = [];
  for (const group of bySize.values()) {
    const maybeDuplicate = group.length > 1;
    for (const f of group) {
      // A long run of same-size files may still be cut; copies across the cut are then scanned twice, no more.
      if (batch.length >= BATCH_FILES * 8) {
        out.push(batch);
        batch = [];
      }
      batch.push({ path: f.path, size: f.size, mtimeMs: f.mtimeMs, maybeDuplicate });
    }
    if (batch.length >= BATCH_FILES) {
      out.push(batch);
      batch = [];
    }
  }
  if (batch.length) out.push(batch);
  return out;
}

/** Bytes of rule text under `paths`; quiet, since loadYara walks the same paths and reports what it cannot read. */
function sizeOf(paths: readonly string[]): number {
  let n = 0;
  for (const f of walkInputs(paths, { diagnostics: new Diagnostics(), accept: (p) => /\.(yar|yara)$/i.test(p) })) n += f.size;
  return n;
}

function readPasswd(): string {
  try {
    return readFileSync('/etc/passwd', 'utf8');
  } catch {
    return '';
  }
}
