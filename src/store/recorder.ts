/**
 * The run recorder: what hunt and sweep use to put a run into a case. The run row is written first (so a run killed
 * half-way is in the case, marked incomplete), findings are committed in batches (every `batchSize` findings or
 * `flushIntervalMs`, whichever comes first), and the run is marked complete only at the end.
 *
 *     const rec = await openRunRecorder({ case: 'hardnut.duckdb', command: 'hunt', args, version });
 *     rec.watch(session.diagnostics);
 *     const sink = teeSinks(session.findingSink(options), rec.sink);
 *     … sink.add(finding) …
 *     sink.end();
 *     await rec.finish({ read, rules }, true);
 *
 * `sink.add` is synchronous, as every FindingSink's is. A failure to write the case never stops the run: it is
 * reported once through `onError`, later findings are dropped from the case (not from the other sinks), and the
 * run is recorded as incomplete with the reason.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Diagnostics } from '../core/diagnostics.js';
import { describeError } from '../core/errors.js';
import type { EventRecord } from '../events/event.js';
import type { Finding } from '../findings/finding.js';
import type { FindingSink } from '../sinks/sink.js';
import type { RunSummary } from '../sinks/summary.js';
import { openCase } from './open.js';
import type { RunInput } from './schema.js';
import type { CaseStore, CaseWriter, SkipCount } from './store.js';

export interface RunRecorderOptions {
  /** The case location; undefined records nothing (`--no-case`). */
  case: string | undefined;
  command: string;
  /** The command line after `hardnut` (or the command's own arguments). */
  args: readonly string[];
  /** hardnut's version. */
  version: string;
  /** Commit after this many rows (findings, events, inputs) … */
  batchSize?: number;
  /** … or when this long has passed since the last commit, whichever is first. */
  flushIntervalMs?: number;
  /** Input-log lines kept per run (read files, skips, warnings); the counts in the run row are always exact. */
  maxInputRows?: number;
  /** Told once when writing the case fails; the run goes on without it. */
  onError?: (message: string) => void;
  /** An already open store (tests, or a caller that manages it); it is closed by `finish`. */
  store?: CaseStore;
}

/** What `finish` records about the run: the closing summary's figures, and the reason when it did not complete. */
export type RunOutcome = Partial<Pick<RunSummary, 'read' | 'rules'>> & { error?: string | undefined; [more: string]: unknown };

export interface RunRecorder {
  /** The run's id in the case, undefined when nothing is recorded. */
  readonly runId: string | undefined;
  readonly location: string | undefined;
  /** Findings go here (tee it with the terminal's sink). */
  readonly sink: FindingSink;
  /** Findings handed to the case so far. */
  readonly findings: number;
  /** Keep an event for investigation (`hunt --store-events`). */
  addEvent(source: string, event: EventRecord): void;
  addEvents(source: string, events: Iterable<EventRecord>): void;
  /** Log an input that was read (optional: the run row has the totals either way). */
  inputRead(path: string, info?: { bytes?: number; events?: number }): void;
  /** Log every skipped input and warning of this run, with its reason, and count them at the end. */
  watch(diagnostics: Diagnostics): void;
  /** A host seen in the evidence, with or without findings (the board page counts hosts examined). */
  noteHost(name: string, time?: string | null): void;
  /** Commit what is left and record how the run ended. Call it once, also when the run failed (completed = false). */
  finish(outcome: RunOutcome, completed: boolean): Promise<void>;
}

const NOOP_SINK: FindingSink = { add() {}, end() {} };

/** A recorder that records nothing, for `--no-case`. */
export function noRunRecorder(): RunRecorder {
  return {
    runId: undefined,
    location: undefined,
    sink: NOOP_SINK,
    findings: 0,
    addEvent() {},
    addEvents() {},
    inputRead() {},
    watch() {},
    noteHost() {},
    finish: () => Promise.resolve(),
  };
}

/** Open the case (creating or upgrading it), write the run row, and return the recorder. */
export async function openRunRecorder(options: RunRecorderOptions): Promise<RunRecorder> {
  if (options.case === undefined && !options.store) return noRunRecorder();
  const store = options.store ?? (await openCase(options.case!, { hardnutVersion: options.version }));
  try {
    const id = randomUUID();
    await store.beginRun({
      id,
      command: options.command,
      arguments: options.args,
      hardnutVersion: options.version,
      machine: hostname(),
      startedAt: new Date(),
    });
    const writer = await store.openWriter(id);
    return new CaseRunRecorder(store, writer, id, options);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

class CaseRunRecorder implements RunRecorder {
  readonly sink: FindingSink;
  findings = 0;
  private events = 0;
  private inputs = 0;
  private pending = 0;
  private lastCommit = Date.now();
  private chain: Promise<void> = Promise.resolve();
  private failure: string | undefined;
  private finished = false;
  private readonly watched: Diagnostics[] = [];
  private readonly noted = new Map<string, { first: string | null; last: string | null }>();
  private readonly timer: NodeJS.Timeout;
  private readonly batchSize: number;
  private readonly interval: number;
  private readonly maxInputs: number;

  constructor(
    private readonly store: CaseStore,
    private readonly writer: CaseWriter,
    readonly runId: string,
    private readonly options: RunRecorderOptions,
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.interval = options.flushIntervalMs ?? 1000;
    this.maxInputs = options.maxInputRows ?? 100_000;
    // Findings that trickle in are committed even while the engine waits on input; unref'd, so it never keeps the
    // process alive.
    this.timer = setInterval(() => {
      if (this.pending > 0) this.commit();
    }, this.interval);
    this.timer.unref();
    this.sink = {
      add: (f: Finding) => this.addFinding(f),
      end: () => this.commit(),
    };
  }

  get location(): string {
    return this.store.location;
  }

  private addFinding(f: Finding): void {
    if (this.failure !== undefined || this.finished) return;
    this.guard(() => this.writer.addFinding(this.findings, f));
    this.findings++;
    this.rowAdded();
  }

  addEvent(source: string, event: EventRecord): void {
    if (this.failure !== undefined || this.finished) return;
    this.guard(() => this.writer.addEvent(this.events, { source, event }));
    this.events++;
    this.rowAdded();
  }

  addEvents(source: string, events: Iterable<EventRecord>): void {
    for (const e of events) this.addEvent(source, e);
  }

  inputRead(path: string, info: { bytes?: number; events?: number } = {}): void {
    this.addInput({ path, status: 'read', code: null, message: null, bytes: info.bytes ?? null, events: info.events ?? null });
  }

  watch(diagnostics: Diagnostics): void {
    this.watched.push(diagnostics);
    diagnostics.onWarning((w) => {
      this.addInput({
        path: w.file ?? null,
        status: w.code.startsWith('INPUT_') ? 'skipped' : 'warning',
        code: w.code,
        message: w.message,
        bytes: null,
        events: null,
      });
    });
  }

  noteHost(name: string, time: string | null = null): void {
    const h = this.noted.get(name);
    if (!h) {
      this.noted.set(name, { first: time, last: time });
      return;
    }
    if (time !== null) {
      if (h.first === null || time < h.first) h.first = time;
      if (h.last === null || time > h.last) h.last = time;
    }
  }

  private addInput(input: RunInput): void {
    if (this.failure !== undefined || this.finished || this.inputs >= this.maxInputs) return;
    this.guard(() => this.writer.addInput(this.inputs, input));
    this.inputs++;
    this.rowAdded();
  }

  private rowAdded(): void {
    this.pending++;
    if (this.pending >= this.batchSize || Date.now() - this.lastCommit >= this.interval) this.commit();
  }

  /** Start committing what was added; the work happens now (DuckDB) or in the background (remote backends). */
  private commit(): void {
    if (this.failure !== undefined) return;
    this.pending = 0;
    this.lastCommit = Date.now();
    let p: Promise<void>;
    try {
      p = this.writer.commit();
    } catch (err) {
      p = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const settled = p.catch((err: unknown) => this.fail(err));
    this.chain = this.chain.then(() => settled);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = `writing the case store failed, the rest of this run is not in it: ${describeError(err)}`;
    this.options.onError?.(this.failure);
  }

  async finish(outcome: RunOutcome, completed: boolean): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    try {
      if (this.failure === undefined) this.commit();
      await this.chain;
      await this.writer.close().catch((err: unknown) => this.fail(err));
      if (this.noted.size && this.failure === undefined) {
        await this.store.noteHosts([...this.noted].map(([name, h]) => ({ name, ...h }))).catch((err: unknown) => this.fail(err));
      }
      const skipped = this.skipCounts();
      await this.store.endRun(this.runId, {
        endedAt: new Date(),
        completed: completed && this.failure === undefined,
        error: this.failure ?? outcome.error,
        filesRead: outcome.read?.files,
        bytesRead: outcome.read?.bytes,
        eventsRead: outcome.read?.events,
        inputsSkipped: skipped.filter((s) => s.code.startsWith('INPUT_')).reduce((n, s) => n + s.count, 0),
        skipped,
        rulesLoaded: outcome.rules?.loaded,
        rulesFailed: outcome.rules?.failed,
        findings: this.findings,
        eventsStored: this.events,
      });
    } catch (err) {
      this.fail(err);
    } finally {
      await this.store.close().catch(() => undefined);
    }
  }

  private skipCounts(): SkipCount[] {
    const byCode = new Map<string, SkipCount>();
    for (const d of this.watched) {
      for (const { code, count, examples } of d.byCode()) {
        const s = byCode.get(code) ?? { code, count: 0, examples: [] };
        s.count += count;
        for (const e of examples) if (s.examples.length < 5) s.examples.push({ file: e.file, message: e.message });
        byCode.set(code, s);
      }
    }
    return [...byCode.values()];
  }
}
