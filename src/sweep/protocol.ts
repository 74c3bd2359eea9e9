/** Messages between the sweep's main thread and its workers (through src/workers/pool.ts). */
import type { Finding } from '../findings/finding.js';
import type { FilenameIoc, HashIoc } from './iocs.js';
import type { YaraShard } from './yara/plan.js';

export interface SweepSettings {
  /** This worker's share of the YARA rules. */
  shard: YaraShard;
  /** Rule identifier → namespace label (its file). */
  origins: Record<string, string>;
  /** Run our own detectors (not with --no-builtin). */
  detectors: boolean;
  hashIocs: HashIoc[];
  filenameIocs: FilenameIoc[];
  maxSize: number;
  /** uid → account name, for the `owner` external. */
  accounts: [number, string][];
  version: string;
}

export interface SweepFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** Another file of the same size was found: its content may be seen again, so keep the results by SHA-256. */
  maybeDuplicate: boolean;
}

export interface SweepTask {
  files: SweepFile[];
  /**
   * The worker that reads these files on behalf of the run: it also runs the detectors and IOCs and reports read
   * problems and counts. Workers holding other shares of the rules only add their YARA matches.
   */
  primary: boolean;
  /** Which of this worker's optional rules to compile (their literals occur in some file of the sweep). */
  optional: number[];
}

export type SweepMessage =
  | { t: 'findings'; findings: Finding[] }
  | { t: 'warning'; code: string; message: string; file?: string }
  | { t: 'file'; path: string; bytes: number; scanned: boolean; reused: boolean }
  /** A batch's messages, in order, posted together. */
  | { t: 'batch'; messages: SweepMessage[] };
