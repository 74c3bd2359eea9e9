import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WorkerPool, type TaskFailure } from '../../src/workers/pool.js';
import { ROOT } from '../helpers.js';

// A worker script written at test time against the built serveTasks (npm test builds first).
function workerScript(): URL {
  const dir = mkdtempSync(join(tmpdir(), 'hardnut-pool-'));
  const serve = pathToFileURL(join(ROOT, 'dist/src/workers/serve.js')).href;
  const file = join(dir, 'worker.mjs');
  writeFileSync(
    file,
    `import { serveTasks } from ${JSON.stringify(serve)};
serveTasks((init) => (task, post) => {
  if (task === 'throw') throw new Error('bad task');
  if (task === 'die') process.exit(3);
  if (task === 'count') { globalThis.count = (globalThis.count ?? 0) + 1; post('count:' + globalThis.count); return; }
  for (let i = 0; i < 3; i++) post(init.prefix + task + ':' + i);
});`,
  );
  return pathToFileURL(file);
}

describe('WorkerPool', () => {
  it('runs every task, in order within a task, and survives tasks that throw or kill their worker', async () => {
    const pool = new WorkerPool<{ prefix: string }, string, string>({ script: workerScript(), size: 2, init: { prefix: '>' } });
    const got = new Map<string, string[]>();
    const failures: TaskFailure<string>[] = [];
    const tasks = ['a', 'throw', 'b', 'die', 'c', 'd'];
    await pool.run(
      tasks,
      (m, t) => got.set(t, [...(got.get(t) ?? []), m]),
      (f) => failures.push(f),
    );
    for (const t of ['a', 'b', 'c', 'd']) expect(got.get(t)).toEqual([`>${t}:0`, `>${t}:1`, `>${t}:2`]);
    expect(failures.map((f) => f.task).sort()).toEqual(['die', 'throw']);
    expect(failures.find((f) => f.task === 'throw')?.error).toBe('bad task');
    expect(failures.find((f) => f.task === 'die')?.error).toMatch(/exited with code 3/);
  });

  it('takes warmed workers first, and ends the ones no task needed', async () => {
    const pool = new WorkerPool<{ prefix: string }, string, string>({ script: workerScript(), size: 3, init: { prefix: '~' } });
    pool.warm();
    const got: string[] = [];
    await pool.run(['x'], (m) => got.push(m), () => undefined);
    expect(got).toEqual(['~x:0', '~x:1', '~x:2']);
    // No task at all: run still resolves, with every warmed worker ended.
    pool.warm();
    await pool.run([], () => undefined, () => undefined);
  });

  it('keeps its workers, and what they hold, from one run to the next when persistent', async () => {
    const pool = new WorkerPool<{ prefix: string }, string, string>({ script: workerScript(), size: 1, init: { prefix: '' }, persistent: true });
    const got: string[] = [];
    await pool.run(['count', 'count'], (m) => got.push(m), () => undefined);
    await pool.run(['count'], (m) => got.push(m), () => undefined);
    await pool.close();
    // One worker counted all three tasks: it outlived the first run.
    expect(got).toEqual(['count:1', 'count:2', 'count:3']);
  });

  it('shares one queue of tasks between pools given the same iterator', async () => {
    const pools = [0, 1].map(() => new WorkerPool<{ prefix: string }, string, string>({ script: workerScript(), size: 1, init: { prefix: '' } }));
    const queue = ['a', 'b', 'c', 'd'][Symbol.iterator]();
    const seen: string[] = [];
    await Promise.all(pools.map((p) => p.run(queue, (m) => seen.push(m), () => undefined)));
    // Every task ran once, whichever pool took it.
    expect(seen.filter((m) => m.endsWith(':0')).sort()).toEqual(['a:0', 'b:0', 'c:0', 'd:0']);
  });
});
