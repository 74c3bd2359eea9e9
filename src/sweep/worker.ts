/**
 * A sweep worker thread: its share of the YARA rules compiled at start, then batches of files scanned one by one
 * (src/sweep/scan.ts). Findings, warnings and per-file counts go back as messages (protocol.ts).
 */
import { serveTasks } from '../workers/serve.js';
import type { SweepMessage, SweepSettings, SweepTask } from './protocol.js';
import { FileScanner } from './scan.js';

serveTasks<SweepSettings, SweepTask, SweepMessage>((settings) => {
  const scanner = new FileScanner(settings);
  // Compiled on init, while the main thread is still walking the input; compile errors go out with the first task.
  scanner.warmUp();
  return (task, post) => {
    scanner.useOptional(task.optional);
    // One message per batch: posting costs more than the work for small files.
    const out: SweepMessage[] = [];
    const push = (m: SweepMessage) => void out.push(m);
    for (const file of task.files) scanner.scanFile(file, task.primary, push);
    post({ t: 'batch', messages: out });
  };
});
