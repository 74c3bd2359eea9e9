/**
 * A sweep worker thread: batches of files for the read pass or the YARA pass (src/sweep/scan.ts). Findings, warnings
 * and per-file facts go back as messages (protocol.ts), one message per batch: posting costs more than the work for
 * small files.
 */
import { serveTasks } from '../workers/serve.js';
import type { SweepMessage, SweepSettings, SweepTask } from './protocol.js';
import { FileScanner } from './scan.js';

serveTasks<SweepSettings, SweepTask, SweepMessage>((settings) => {
  const scanner = new FileScanner(settings);
  return (task, post) => {
    const out: SweepMessage[] = [];
    const push = (m: SweepMessage) => void out.push(m);
    if (task.kind === 'read') {
      for (const file of task.files) scanner.readFile(file, task.arena, push);
      const seen = scanner.takeSeen();
      if (seen) out.push(seen);
    } else {
      for (const file of task.files) scanner.yaraFile(file, task.choice, task.arena, push);
    }
    post({ t: 'batch', messages: out });
  };
});
