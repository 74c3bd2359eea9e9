/**
 * A hunt from start to end: rules read and compiled, evidence planned into tasks, tasks run in this thread (small
 * inputs: no worker start-up or second compile to pay for) or across worker threads (large ones), findings streamed
 * to the sinks as they come, correlations decided at the end over every input in time order, then the summary.
 */
import { availableParallelism } from 'node:os';
import type { Diagnostics } from '../core/diagnostics.js';
import { ObjectEvent } from '../events/object-event.js';
import type { Finding } from '../findings/finding.js';
import { levelRank } from '../findings/level.js';
import type { CorrelationEvent } from '../sigma/correlation.js';
import { CorrelationEngine } from '../sigma/correlation.js';
import { correlationFinding } from '../sigma/finding.js';
import type { FindingSink } from '../sinks/sink.js';
import type { Progress } from '../sinks/progress.js';
import { loadMapping } from '../sources/rule-files.js';
import { WorkerPool } from '../workers/pool.js';
import { compileHuntRules, HuntEngine, type CompiledRules } from './engine.js';
import { planHunt, type Plan } from './plan.js';
import type { HuntMessage, HuntSettings, HuntTask } from './protocol.js';

/** Below this much evidence one thread is quicker: each worker would first compile the whole rule set again. */
export const WORKERS_ABOVE_BYTES = 64 << 20;
/** Correlation inputs kept for the end-of-run pass; past this they are counted and dropped (with a warning). */
const MAX_CORRELATION_EVENTS = 2_000_000;
/** Heap per worker thread: a worker holds one compiled rule set and one chunk or batch of lines at a time. */
const WORKER_HEAP_MIB = 768;
/**
 * Young generation per worker, far above Node's default. Each event makes tens of KB of short-lived garbage (its
 * record tree, field texts, lower-cased copies); with the default the collector ran every few hundred events and
 * promoted part of that garbage into the old generation, which then needed full collections. Measured in one worker
 * on a 128 MiB synthetic mix with SigmaHQ's Windows rules: 48 MiB promoted 2 GB and paused 7.5 s, 96 MiB 320 MB and
 * 1.8 s, 192 MiB 78 MB and 0.7 s, 384 MiB no better.
 */
const WORKER_YOUNG_MIB = 192;
/**
 * With one thread, inputs above this are hunted in one worker all the same, for its young generation (the main
 * thread's is fixed when the process starts): past here that saves more than the worker's own rule compile costs
 * (about 3 CPU-s against about 1.5 per 100k events).
 */
const ONE_WORKER_ABOVE_BYTES = 256 << 20;

export interface HuntRunOptions {
  paths: readonly string[];
  settings: HuntSettings;
  threads?: number | undefined;
  /** Use worker threads only above this much evidence (default WORKERS_ABOVE_BYTES). */
  workersAboveBytes?: number | undefined;
  diagnostics: Diagnostics;
  sink: FindingSink;
  progress: Progress;
  /** The case store's hooks (hosts seen, events kept). */
  onHost?: (host: string, time: string | null) => void;
  onEvents?: (source: string, events: ObjectEvent[]) => void;
}

export interface HuntResult {
  rules: CompiledRules;
  plan: Plan;
  events: number;
  /** Files (or shares of files) that could not be hunted at all (a worker died on them). */
  failedTasks: number;
  threads: number;
  correlationInputs: number;
}

/** Compile the rules and say what did not load, before any evidence is read. */
export function prepareRules(settings: HuntSettings, diagnostics: Diagnostics): CompiledRules {
  const compiled = compileHuntRules(settings, loadMapping(settings.mappingFile));
  for (const f of compiled.files) for (const i of f.issues) diagnostics.warn(i.code, `line ${i.line}: ${i.message}`, i.file);
  return compiled;
}

export async function runHunt(o: HuntRunOptions, rules: CompiledRules): Promise<HuntResult> {
  const threads = Math.max(1, o.threads ?? availableParallelism());
  // Large EVTX files are shared out by chunk range even in one thread: progress then moves within a file.
  const plan = planHunt(o.paths, o.diagnostics, 64 << 20);
  o.progress.addTotal(plan.bytes);
  const above = o.workersAboveBytes ?? WORKERS_ABOVE_BYTES;
  const inWorkers =
    threads > 1 ? plan.tasks.length > 1 && plan.bytes > above : plan.bytes > Math.max(above, ONE_WORKER_ABOVE_BYTES);
  const correlationInputs: CorrelationEvent[] = [];
  let droppedCorrelation = 0;
  let events = 0;
  let done = 0;
  let failedTasks = 0;

  const onMessage = (m: HuntMessage, task: HuntTask) => {
    switch (m.t) {
      case 'findings':
        for (const f of m.findings) o.sink.add(f as Finding);
        break;
      case 'correlation':
        for (const e of m.events) {
          if (correlationInputs.length < MAX_CORRELATION_EVENTS) correlationInputs.push(e);
          else droppedCorrelation++;
        }
        break;
      case 'warning':
        o.diagnostics.warn(m.code, m.message, m.file);
        break;
      case 'events':
        o.onEvents?.(m.source, m.events.map((e) => new ObjectEvent(e.fields, e.logsource)));
        break;
      case 'done':
        events += m.events;
        done += task.bytes;
        for (const [h, t] of m.hosts) o.onHost?.(h, t);
        o.progress.update(done, task.path);
        break;
    }
  };

  if (inWorkers) {
    const pool = new WorkerPool<HuntSettings, HuntTask, HuntMessage>({
      script: new URL('./worker.js', import.meta.url),
      size: Math.min(threads, plan.tasks.length),
      init: o.settings,
      maxHeapMiB: WORKER_HEAP_MIB,
      youngMiB: WORKER_YOUNG_MIB,
    });
    await pool.run(plan.tasks, onMessage, (f) => {
      failedTasks++;
      o.diagnostics.warn('INPUT_FORMAT', `not hunted: ${f.error}`, f.task.path);
    });
  } else {
    const engine = new HuntEngine(o.settings, rules.ruleSet);
    for (const task of plan.tasks) engine.run(task, (m) => onMessage(m, task));
  }

  if (droppedCorrelation) {
    o.diagnostics.warn(
      'CORRELATION_TRUNCATED',
      `${droppedCorrelation} correlation inputs past the first ${MAX_CORRELATION_EVENTS} were not correlated`,
    );
  }
  if (rules.ruleSet.correlations.length) correlate(rules, correlationInputs, o);
  return { rules, plan, events, failedTasks, threads: inWorkers ? Math.min(threads, plan.tasks.length) : 1, correlationInputs: correlationInputs.length };
}

/** Correlations need their inputs in time order; inputs come from many files and threads, so they are sorted here. */
function correlate(rules: CompiledRules, inputs: CorrelationEvent[], o: HuntRunOptions): void {
  inputs.sort((a, b) => a.time - b.time || (a.ref.tag ?? '').localeCompare(b.ref.tag ?? '') || (a.ref.recordId ?? 0) - (b.ref.recordId ?? 0));
  const engine = new CorrelationEngine(rules.ruleSet);
  const ctx = { source: '', command: 'hunt', version: o.settings.version };
  const minRank = levelRank(o.settings.minLevel);
  const emit = (matches: ReturnType<CorrelationEngine['flush']>) => {
    for (const c of matches) if (c.report && levelRank(c.rule.level) >= minRank) o.sink.add(correlationFinding(c, ctx));
  };
  for (const e of inputs) emit(engine.feed(e));
  emit(engine.flush());
  if (engine.dropped) o.diagnostics.warn('CORRELATION_TRUNCATED', `${engine.dropped} correlation groups dropped (too many at once)`);
}

