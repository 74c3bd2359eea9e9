/**
 * What a hunt sends to the threads that do the work, and what comes back. Everything here is structured-clone data:
 * the same engine runs in the main thread (small inputs) and in worker threads (large ones).
 */
import type { Level } from '../findings/level.js';
import type { Finding } from '../findings/finding.js';
import type { RuleText } from '../sigma/load.js';
import type { CorrelationEvent } from '../sigma/correlation.js';

export interface HuntSettings {
  /** Rule files to load (built-in pack and --rules), already read. */
  rules: RuleText[];
  /** A user mapping file over the shipped one (--mapping). */
  mappingFile?: string | undefined;
  minLevel: Level;
  statuses: string[];
  /** Only events at or after / before these instants (epoch ms); events without a time are kept. */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** Send every event back for the case store (--store-events). */
  storeEvents: boolean;
  version: string;
}

/** One unit of work: a file, or a range of chunks of a large EVTX file. */
export interface HuntTask {
  path: string;
  size: number;
  mtimeMs: number;
  /** For a share of a large EVTX file: chunks [firstChunk, endChunk). */
  firstChunk?: number;
  endChunk?: number;
  /** Bytes this task stands for (the file, or its share), for progress. */
  bytes: number;
}

/** An event as stored in the case (--store-events): its flat fields, plus a logsource hint for non-Windows logs. */
export interface StoredEvent {
  fields: Record<string, unknown>;
  logsource?: { product?: string; category?: string; service?: string } | undefined;
}

export type HuntMessage =
  | { t: 'findings'; findings: Finding[] }
  | { t: 'correlation'; events: CorrelationEvent[] }
  | { t: 'warning'; code: string; message: string; file?: string | undefined }
  | { t: 'events'; source: string; events: StoredEvent[] }
  /** Sent once at the end of a task. */
  | { t: 'done'; events: number; read: boolean; hosts: [string, string | null][] };
