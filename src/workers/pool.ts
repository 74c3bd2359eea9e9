/**
 * A pool of worker threads that each take one task at a time: all cores busy, memory per worker capped, and a worker
 * that dies (a crash, an out-of-memory on a pathological input) costs only its task, which is reported as failed while
 * the run goes on with a fresh worker. Messages a worker posts while working on a task reach `onMessage` in the order
 * that worker posted them.
 */
import { Worker } from 'node:worker_threads';
import type { ToWorker, FromWorker } from './protocol.js';

export interface PoolOptions<Init> {
  /** The worker entry (a built .js file that calls `serveTasks`). */
  script: URL;
  size: number;
  /** Sent once to each worker before its first task (rule texts, options). */
  init: Init;
  /** Heap cap per worker in MiB. */
  maxHeapMiB?: number;
  /**
   * Young generation per worker in MiB (V8 splits it into two semi-spaces and a large-object space, so a third of it
   * is one semi-space). Node's default suits short-lived scripts; a worker that makes much short-lived garbage per
   * item over a large live heap (a compiled rule set) collects far less often, and promotes far less, with more.
   */
  youngMiB?: number;
  /**
   * Keep the workers (and what they hold: compiled rules, a file's first results) after `run`, for another `run` on
   * the same pool; `close` ends them. By default `run` ends its workers when its tasks are done.
   */
  persistent?: boolean;
}

export interface TaskFailure<Task> {
  task: Task;
  error: string;
}

export class WorkerPool<Init, Task, Msg> {
  /** Workers started ahead of `run` by `warm`, taken by the lanes first. */
  private readonly idle: Worker[] = [];

  constructor(private readonly options: PoolOptions<Init>) {}

  /**
   * Start the workers now, so their set-up (compiling rules) overlaps what the caller does before `run` (walking the
   * input). Optional: `run` starts whatever workers it still needs.
   */
  warm(count = this.options.size): void {
    for (let i = this.idle.length; i < Math.max(1, Math.min(count, this.options.size)); i++) this.idle.push(this.spawn());
  }

  /**
   * Run every task; resolves when all are done. `onMessage` receives what workers post for a task; `onFailure` hears of
   * tasks whose worker threw or died.
   */
  async run(
    tasks: Iterable<Task>,
    onMessage: (msg: Msg, task: Task) => void,
    onFailure: (failure: TaskFailure<Task>) => void,
  ): Promise<void> {
    const iterator = tasks[Symbol.iterator]();
    let exhausted = false;
    const next = (): { task: Task } | undefined => {
      if (exhausted) return undefined;
      const r = iterator.next();
      if (r.done) {
        exhausted = true;
        return undefined;
      }
      return { task: r.value };
    };
    const size = Math.max(1, this.options.size);
    const lanes: Promise<void>[] = [];
    for (let i = 0; i < size; i++) lanes.push(this.lane(next, onMessage, onFailure));
    await Promise.all(lanes);
    // Warmed workers no lane needed (fewer tasks than workers).
    if (!this.options.persistent) await this.close();
  }

  /** End every worker the pool holds. */
  async close(): Promise<void> {
    for (const w of this.idle.splice(0)) await w.terminate();
  }

  /** One worker working through tasks until none are left; replaced when it dies. */
  private async lane(
    next: () => { task: Task } | undefined,
    onMessage: (msg: Msg, task: Task) => void,
    onFailure: (failure: TaskFailure<Task>) => void,
  ): Promise<void> {
    let worker: Worker | undefined;
    let item = next();
    try {
      while (item) {
        worker ??= this.idle.pop() ?? this.spawn();
        const task = item.task;
        const w = worker;
        const ok = await new Promise<boolean>((resolve) => {
          const onMsg = (m: FromWorker<Msg>) => {
            if (m.type === 'message') onMessage(m.message, task);
            else if (m.type === 'done') finish(true);
            else if (m.type === 'error') {
              onFailure({ task, error: m.error });
              finish(true);
            }
          };
          const onError = (err: Error) => {
            onFailure({ task, error: `worker failed: ${err.message}` });
            finish(false);
          };
          const onExit = (code: number) => {
            onFailure({ task, error: `worker exited with code ${code}` });
            finish(false);
          };
          const finish = (alive: boolean) => {
            w.off('message', onMsg);
            w.off('error', onError);
            w.off('exit', onExit);
            resolve(alive);
          };
          w.on('message', onMsg);
          w.on('error', onError);
          w.on('exit', onExit);
          w.postMessage({ type: 'task', task } satisfies ToWorker<Init, Task>);
        });
        if (!ok) {
          await w.terminate().catch(() => undefined);
          worker = undefined;
        }
        item = next();
      }
    } finally {
      if (worker && this.options.persistent) this.idle.push(worker);
      else if (worker) await worker.terminate();
    }
  }

  private spawn(): Worker {
    const { maxHeapMiB, youngMiB } = this.options;
    const resourceLimits = { ...(maxHeapMiB ? { maxOldGenerationSizeMb: maxHeapMiB } : {}), ...(youngMiB ? { maxYoungGenerationSizeMb: youngMiB } : {}) };
    const w = new Worker(this.options.script, { resourceLimits });
    w.postMessage({ type: 'init', init: this.options.init } satisfies ToWorker<Init, Task>);
    return w;
  }
}
