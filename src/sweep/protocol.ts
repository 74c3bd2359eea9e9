/**
 * Messages between the sweep's main thread and its workers (through src/workers/pool.ts). A sweep runs in two
 * passes over the files (run.ts): a read pass (hashes, our detectors, IOCs, and which YARA literals and magic numbers
 * occur), then a YARA pass with exactly the rules those files can match.
 */
import type { Finding } from '../findings/finding.js';
import type { FilenameIoc, HashIoc } from './iocs.js';
import type { OptionalRule, YaraShard } from './yara/plan.js';

export interface SweepSettings {
  /** This worker's share of the YARA rules (its optional rules aside: see `optional`). */
  shard: YaraShard;
  /** Every share's optional rules, in plan order: after the read pass, run.ts deals the ones needed out afresh. */
  optional: OptionalRule[];
  /** The literals the plan's optional rules wait for (hex), looked for in the read pass. */
  literals: string[];
  /** The externals some rule reads: copies of a content with the same values of these are scanned once. */
  externalsRead: string[];
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
}

/** A file for the YARA pass, with the SHA-256 the read pass found (a file that changed since is reported). */
export interface YaraFile extends SweepFile {
  sha256: string;
  /** Where the read pass left its bytes in the arena, if it had room (and the owner it saw); else the file is read again. */
  at?: number;
  uid?: number;
}

/**
 * Memory shared by the main thread and the workers: the read pass copies each file's bytes here while there is room,
 * so the YARA pass scans them without reading the file again (and scans exactly what the other checks saw).
 */
export interface Arena {
  bytes: SharedArrayBuffer;
  /** One Int32: the next free offset, taken with Atomics.add. */
  next: SharedArrayBuffer;
}

/** What this run's files need of a worker's share: the optional rules whose literals occur, the gates merged. */
export interface YaraChoice {
  /** Indices into the settings' `optional`: the rules whose literals occur, dealt out between the workers. */
  optional: number[];
  /** Gate keys of gated groups compiled into the main rule set (their magic starts many of the files). */
  merged: string[];
}

export type SweepTask =
  /** The read pass: every file of the batch read, hashed, run through our detectors and IOCs, and looked at for YARA. */
  | { kind: 'read'; files: SweepFile[]; arena: Arena | undefined }
  /** The YARA pass: the batch scanned with this worker's share as `choice` narrows it (the same for every task). */
  | { kind: 'yara'; files: YaraFile[]; choice: YaraChoice; arena: Arena | undefined };

export type SweepMessage =
  | { t: 'findings'; findings: Finding[] }
  | { t: 'warning'; code: string; message: string; file?: string }
  /** A file of the read pass: read or not, and (read) its SHA-256 and the key its YARA results can be shared by. */
  | { t: 'file'; path: string; bytes: number; scanned: boolean; sha256?: string; yaraKey?: string; at?: number; uid?: number }
  /** Read pass: literals first seen by this worker, and the files' first bytes (hex, at most 4) with their counts. */
  | { t: 'seen'; literals: number[]; starts: [string, number][] }
  /** A batch's messages, in order, posted together. */
  | { t: 'batch'; messages: SweepMessage[] };
