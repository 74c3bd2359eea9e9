/**
 * A sweep from start to end: IOC lists and YARA rules loaded (each bad file named and counted), worker threads
 * started while the input is walked, then two passes over the files, findings streamed to the sinks as they come.
 *
 * 1. The read pass: batches go to whichever worker is free. Each file is read and hashed, run through our detectors
 *    and the IOCs, and looked at for YARA: which of the plan's literals it holds, how it starts.
 * 2. The YARA pass: from what the read pass saw, each worker's share of the rules is narrowed to what these files can
 *    match (optional rules whose literals occur; gated groups whose magic starts some file, compiled with the main set
 *    when it starts many or is small) and compiled once; then the files are scanned, from the shared arena where the
 *    read pass left their bytes (256 MiB at most; files past it are read again). Large rule sets are shared
 *    out between the workers, each scanning every file with its share; small ones are compiled by every worker, and
 *    batches go to whoever is free. A content met again with the same values of the externals the rules read is
 *    scanned once, and its findings are given again with the copy's path.
 *
 * Choosing the rules after reading the files, rather than compiling everything at start, is what makes YARA-X's
 * compile affordable: over 3,572 files of web applications, 234 of signature-base's 2,319 optional rules can match.
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import type { Diagnostics } from '../core/diagnostics.js';
import type { Finding } from '../findings/finding.js';
import type { Progress } from '../sinks/progress.js';
import type { FindingSink } from '../sinks/sink.js';
import { walkInputs } from '../sources/walk.js';
import { WorkerPool } from '../workers/pool.js';
import { accountsOf, EXTERNALS } from './filetype.js';
import { excludeMatcher } from './glob.js';
import { builtinYaraPaths, loadIocs, loadYara } from './load.js';
import { passesGate } from './yara/source.js';
import { usesParser, type OptionalRule, type YaraPlan } from './yara/plan.js';
import type { Arena, SweepFile, SweepMessage, SweepSettings, SweepTask, YaraChoice, YaraFile } from './protocol.js';

/** Rule text above which the rules are shared out between workers rather than compiled by each (compiling 1 MiB of
 * signature-base takes YARA-X about a second). */
export const SHARE_RULES_ABOVE = 256 << 10;
/** Files per batch: enough to make messages cheap, few enough for the progress line to move. */
const BATCH_FILES = 32;
const WORKER_HEAP_MIB = 512;
/**
 * A gated group some file passes is compiled into the main rule set when at least this share of the files starts with
 * its magic, or when it is small: a set of its own costs a compile (5 ms at least) and a second pass over each such
 * file, while merged it costs only its own strings in the one pass. Large groups met by few files (the thousands of
 * rules behind MZ, in a sweep of web roots) stay on their own, compiled only when such a file comes.
 */
const MERGE_GATE_SHARE = 0.25;
/**
 * Bytes of the files kept in memory between the passes (protocol.ts, Arena), so the YARA pass reads no file again;
 * files past it are read again from disk.
 */
const ARENA_BYTES = 256 << 20;
/**
 * Parsing a file as a PE (the `pe` module, on every scan of a set that imports it) costs about 80 µs a file on this
 * project's 2-core machine, as much time as compiling some 25 characters of signature-base's rule text: the weight
 * given to it when the optional rules are dealt out.
 */
const PARSE_COST_CHARS = 25;
const MERGE_GATE_TEXT = 32 << 10;

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
  /** Files whose content (and externals) was seen before in the run and not scanned with YARA again. */
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

type Pool = WorkerPool<SweepSettings, SweepTask, SweepMessage>;

export async function runSweep(o: SweepRunOptions): Promise<SweepResult> {
  const threads = Math.max(1, o.threads ?? availableParallelism());
  const d = o.diagnostics;
  const iocs = loadIocs(o.iocs, d);
  const rulePaths = [...(o.builtin ? builtinYaraPaths() : []), ...o.yara];
  // Anyone measuring can move the threshold (as hunt's HARDNUT_WORKERS_ABOVE_BYTES), e.g. to compare both modes.
  const shareAbove = Number(o.env['HARDNUT_SHARE_RULES_ABOVE'] ?? SHARE_RULES_ABOVE);
  const yara = loadYara(rulePaths, (ruleBytes) => (threads > 1 && ruleBytes > shareAbove ? threads : 1), o.env, d);
  const plan = yara.plan;
  const hasYara = plan.shards.some((sh) => sh.groups.length > 0 || sh.optional.length > 0);

  const allOptional = plan.shards.flatMap((sh) => sh.optional);
  const base: Omit<SweepSettings, 'shard'> = {
    optional: allOptional,
    literals: plan.literals,
    externalsRead: externalsRead(plan),
    origins: plan.origins,
    detectors: o.builtin,
    hashIocs: iocs.hashes,
    filenameIocs: iocs.filenames,
    maxSize: o.maxSize,
    accounts: [...accountsOf(readPasswd())],
    version: o.version,
  };
  const script = new URL('./worker.js', import.meta.url);
  const pool = (size: number, shard: SweepSettings['shard']): Pool =>
    new WorkerPool({ script, size, init: { ...base, shard }, maxHeapMiB: WORKER_HEAP_MIB, persistent: true });
  const pools = plan.shards.length > 1 ? plan.shards.map((shard) => pool(1, shard)) : [pool(threads, plan.shards[0]!)];
  for (const p of pools) p.warm();

  const exclude = excludeMatcher(o.exclude);
  const files = [...walkInputs(o.paths, { diagnostics: d, maxSize: o.maxSize, ...(exclude ? { exclude } : {}) })];
  const batches = chunks(files.map((f): SweepFile => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs })));
  o.progress.addTotal(files.reduce((n, f) => n + f.size, 0));

  const result: SweepResult = {
    files: 0,
    bytes: 0,
    reused: 0,
    notScanned: 0,
    yaraRules: plan.rules,
    gatedRules: plan.gatedRules,
    optionalRules: plan.shards.reduce((n, sh) => n + sh.optional.length, 0),
    optionalCompiled: 0,
    yaraFiles: { loaded: plan.files, failed: plan.failed, cached: yara.cached },
    iocs: { hashes: iocs.hashes.length, filenames: iocs.filenames.length, files: iocs.files, failed: iocs.failed },
    detectors: o.builtin,
    threads: plan.shards.length > 1 ? plan.shards.length : Math.min(threads, Math.max(1, batches.length)),
    shards: plan.shards.length,
  };
  let done = 0;
  const common = (m: SweepMessage): boolean => {
    if (m.t === 'warning') d.warn(m.code, m.message, m.file);
    else if (m.t === 'findings') for (const f of m.findings) o.sink.add(f as Finding);
    else return false;
    return true;
  };

  // 1. The read pass. Every pool takes from one queue of batches.
  const seenLiterals = new Uint8Array(plan.literals.length);
  const starts = new Map<string, number>();
  /** The files for the YARA pass, one per key (content and externals read), and the copies of each. */
  const firsts = new Map<string, YaraFile>();
  const copies = new Map<string, SweepFile[]>();
  const byPath = new Map(batches.flat().map((f) => [f.path, f]));
  const onRead = (m: SweepMessage): void => {
    if (common(m)) return;
    if (m.t === 'batch') for (const x of m.messages) onRead(x);
    else if (m.t === 'seen') {
      for (const id of m.literals) seenLiterals[id] = 1;
      for (const [hex, n] of m.starts) starts.set(hex, (starts.get(hex) ?? 0) + n);
    } else if (m.t === 'file') {
      done += m.bytes;
      o.progress.update(done, m.path);
      if (!m.scanned) {
        result.notScanned++;
        return;
      }
      result.files++;
      result.bytes += m.bytes;
      const f = byPath.get(m.path);
      if (!m.yaraKey || !m.sha256 || !f) return;
      const first = firsts.get(m.yaraKey);
      if (!first) firsts.set(m.yaraKey, { ...f, size: m.bytes, sha256: m.sha256, ...(m.at === undefined ? {} : { at: m.at, uid: m.uid ?? -1 }) });
      else {
        result.reused++;
        const list = copies.get(first.path) ?? [];
        list.push(f);
        copies.set(first.path, list);
      }
    }
  };
  const total = files.reduce((n, f) => n + f.size, 0);
  const arena: Arena | undefined = hasYara && total > 0 ? { bytes: new SharedArrayBuffer(Math.min(total + files.length, ARENA_BYTES)), next: new SharedArrayBuffer(4) } : undefined;
  const readQueue = batches.map((files): SweepTask => ({ kind: 'read', files, arena }))[Symbol.iterator]();
  await Promise.all(
    pools.map((p) =>
      p.run(readQueue, onRead, (f) => {
        for (const file of f.task.files) d.warn('INPUT_FORMAT', `not scanned: ${f.error}`, file.path);
        result.notScanned += f.task.files.length;
      }),
    ),
  );
  byPath.clear();

  // 2. The YARA pass, with the rules these files can match.
  if (hasYara && firsts.size > 0) {
    const choices = choose(plan, allOptional, seenLiterals, starts, firsts.size);
    result.optionalCompiled = choices.reduce((n, c) => n + c.optional.length, 0);
    const scanList = [...firsts.values()];
    firsts.clear();
    o.progress.addTotal(scanList.reduce((n, f) => n + f.size, 0) * pools.length);
    const yaraBatches = chunks(scanList);
    const onYara = (m: SweepMessage): void => {
      if (m.t === 'batch') for (const x of m.messages) onYara(x);
      else if (m.t === 'findings') {
        for (const f of m.findings as Finding[]) {
          o.sink.add(f);
          for (const c of copies.get(f.path ?? '') ?? []) {
            const mtime = new Date(c.mtimeMs).toISOString();
            o.sink.add({ ...f, source: c.path, path: c.path, mtime, time: mtime });
          }
        }
      } else common(m);
    };
    await Promise.all(
      pools.map((p, k) => {
        // With shares every pool scans every file with its share; else the one pool's workers share the batches.
        const tasks = yaraBatches.map((files): SweepTask => ({ kind: 'yara', files, choice: choices[k]!, arena }));
        return p.run(tasks, (m, task) => {
          onYara(m);
          if (m.t === 'batch') {
            done += task.files.reduce((n, f) => n + f.size, 0);
            o.progress.update(done);
          }
        }, (f) => d.warn('INTERNAL', `a worker failed; part of the YARA rules did not run on ${f.task.files.length} files: ${f.error}`));
      }),
    );
  }
  await Promise.all(pools.map((p) => p.close()));
  return result;
}

/**
 * Each share's rules for this run: the gated groups merged into its main set where many files pass their gate, and
 * the optional rules with a literal seen, dealt out so that every worker has about as much to compile (by text size,
 * which compile time follows), largest first to the least loaded; rules using a file parser (pe) where one already runs.
 */
function choose(plan: YaraPlan, optional: readonly OptionalRule[], seen: Uint8Array, starts: Map<string, number>, files: number): YaraChoice[] {
  const heads = [...starts].map(([hex, n]) => [Buffer.from(hex, 'hex'), n] as const);
  const choices: YaraChoice[] = plan.shards.map(() => ({ optional: [], merged: [] }));
  const parses = plan.shards.map(() => false);
  const load = plan.shards.map((sh, k) => {
    let n = 0;
    for (const g of sh.groups) {
      if (!g.gate) {
        n += g.source.length;
        parses[k] ||= usesParser(g.source);
        continue;
      }
      const gate = g.gate;
      const passing = heads.reduce((sum, [head, count]) => (passesGate(head, gate) ? sum + count : sum), 0);
      if (passing > 0 && (passing >= files * MERGE_GATE_SHARE || g.source.length <= MERGE_GATE_TEXT)) {
        choices[k]!.merged.push(gate.key);
        n += g.source.length;
        parses[k] ||= usesParser(g.source);
      }
    }
    return n;
  });
  // The share that parses every file (pe) has that much more to do per file: count it as rule text to compile.
  parses.forEach((p, k) => {
    if (p) load[k]! += files * PARSE_COST_CHARS;
  });
  const wanted = optional.flatMap((r, i) => (r.literals.some((l) => seen[l] === 1) ? [i] : []));
  for (const i of wanted.sort((a, b) => optional[b]!.source.length - optional[a]!.source.length)) {
    const source = optional[i]!.source;
    // A rule that needs a file parser joins a set that already parses, so no second set pays for it on every file.
    const parser = usesParser(source);
    let best = parser ? parses.indexOf(true) : -1;
    if (best < 0) {
      best = 0;
      for (let k = 1; k < load.length; k++) if (load[k]! < load[best]!) best = k;
    }
    choices[best]!.optional.push(i);
    load[best]! += source.length;
    parses[best] ||= parser;
  }
  return choices;
}

/** The externals some rule of the plan mentions (a copy of a content is scanned again unless these are the same). */
function externalsRead(plan: YaraPlan): string[] {
  const texts = plan.shards.flatMap((sh) => [...sh.groups.map((g) => g.source), ...sh.optional.map((r) => r.source)]);
  return EXTERNALS.filter((name) => {
    const word = new RegExp(`\\b${name}\\b`);
    return texts.some((t) => word.test(t));
  });
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_FILES) out.push(items.slice(i, i + BATCH_FILES));
  return out;
}

function readPasswd(): string {
  try {
    return readFileSync('/etc/passwd', 'utf8');
  } catch {
    return '';
  }
}
