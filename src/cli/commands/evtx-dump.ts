/**
 * The work of `evtx dump` on one file (or one chunk range of it), shared by the main thread and the workers: records
 * rendered to text in batches, warnings and counts reported as they come, in file order.
 */
import { Diagnostics, type Warning } from '../../core/diagnostics.js';
import { readEvtxFile, reportRecordError, type EvtxFileStats } from '../../sources/evtx-file.js';

export interface DumpTask {
  /** Position of the task in the output: results are written in this order. */
  seq: number;
  path: string;
  format: 'jsonl' | 'xml';
  firstChunk?: number;
  endChunk?: number;
}

export type DumpMessage =
  | { kind: 'text'; text: string }
  | { kind: 'warn'; warning: Warning }
  | { kind: 'end'; records: number; failed: boolean };

/** Text is handed over in pieces of about this many characters (one postMessage each in a worker). */
const BATCH = 1 << 20;

/**
 * Dump one task. `batch` characters of text are gathered before each `text` message (a worker's postMessage is
 * costly); in the main thread 0 hands each record over as it is rendered, the output sink batching its writes.
 */
export function dumpFile(task: DumpTask, emit: (m: DumpMessage) => void, batch = BATCH): void {
  const d = new Diagnostics();
  d.onWarning((warning) => emit({ kind: 'warn', warning }));
  const stats: EvtxFileStats = { chunks: 0, records: 0, lost: 0, failed: false };
  const xml = task.format === 'xml';
  const range = task.firstChunk === undefined ? {} : { firstChunk: task.firstChunk, endChunk: task.endChunk ?? Infinity };
  let parts: string[] = [];
  let size = 0;
  let records = 0;
  for (const r of readEvtxFile(task.path, { diagnostics: d, ...range }, stats)) {
    let text: string;
    try {
      text = xml ? r.xml() : r.json();
    } catch (err) {
      reportRecordError(d, task.path, r, err);
      continue;
    }
    records++;
    if (batch === 0) {
      emit({ kind: 'text', text: text + '\n' });
      continue;
    }
    parts.push(text, '\n');
    size += text.length + 1;
    if (size >= batch) {
      emit({ kind: 'text', text: parts.join('') });
      parts = [];
      size = 0;
    }
  }
  if (size) emit({ kind: 'text', text: parts.join('') });
  emit({ kind: 'end', records, failed: stats.failed });
}
