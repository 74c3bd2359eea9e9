/**
 * The worker side of the pool: set up once from the init data, then handle tasks one at a time, posting messages as
 * work progresses. An exception in a task becomes that task's error; the worker stays up for the next one.
 */
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './protocol.js';

export interface TaskHandler<Task, Msg> {
  (task: Task, post: (msg: Msg) => void): Promise<void> | void;
}

export function serveTasks<Init, Task, Msg>(setup: (init: Init) => Promise<TaskHandler<Task, Msg>> | TaskHandler<Task, Msg>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks must run in a worker thread');
  let handler: Promise<TaskHandler<Task, Msg>> | undefined;
  // Tasks run strictly one after another even if messages arrive while one is in progress.
  let queue: Promise<void> = Promise.resolve();
  const send = (m: FromWorker<Msg>) => port.postMessage(m);
  port.on('message', (m: ToWorker<Init, Task>) => {
    if (m.type === 'init') {
      handler = Promise.resolve().then(() => setup(m.init));
      return;
    }
    queue = queue.then(async () => {
      try {
        if (!handler) throw new Error('task before init');
        const h = await handler;
        await h(m.task, (message) => send({ type: 'message', message }));
        send({ type: 'done' });
      } catch (err) {
        send({ type: 'error', error: err instanceof Error ? err.message : String(err) });
      }
    });
  });
}
