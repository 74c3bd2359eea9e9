/**
 * The case store behind one interface. A backend (DuckDB in an embedded file now; ClickHouse when one machine is not
 * enough) implements `CaseStore`; everything else — the run recorder, report, export, query — talks to this interface
 * only, in the way clickhouse-js splits client-common from client-node.
 *
 * Writing is in two speeds: run rows are single statements with bound values; findings, events and input lines go
 * through a `CaseWriter`, whose `add*` calls are synchronous (the engines' hot loops call them) and whose `commit`
 * makes everything added so far durable. A backend may do the work of `commit` synchronously (DuckDB's appender) or
 * in the background (a ClickHouse insert stream); the promise settles when it is durable.
 */
import type { Finding } from '../findings/finding.js';
import type { RunInput, StoredEvent } from './schema.js';

/** A run as it starts: written first, so a run killed half-way is still there, marked incomplete. */
export interface RunStart {
  id: string;
  command: string;
  arguments: readonly string[];
  hardnutVersion: string;
  /** The machine hardnut ran on (not the evidence's hosts). */
  machine: string;
  startedAt: Date;
}

/** What a run adds when it ends. */
export interface RunEnd {
  endedAt: Date;
  completed: boolean;
  /** Why it did not complete, when known. */
  error?: string | undefined;
  filesRead?: number | undefined;
  bytesRead?: number | undefined;
  eventsRead?: number | undefined;
  inputsSkipped?: number | undefined;
  /** Skips and warnings by code: `[{code, reason, count, examples: [{file, message}]}]`. */
  skipped?: readonly SkipCount[] | undefined;
  rulesLoaded?: number | undefined;
  rulesFailed?: number | undefined;
  findings: number;
  eventsStored: number;
}

export interface SkipCount {
  code: string;
  count: number;
  examples: { file?: string | undefined; message: string }[];
}

/** A run as read back. `completed` false with no `endedAt` is a run that was killed or is still going. */
export interface RunRow extends RunStart {
  endedAt: Date | null;
  completed: boolean;
  error: string | null;
  filesRead: number | null;
  bytesRead: number | null;
  eventsRead: number | null;
  inputsSkipped: number | null;
  skipped: SkipCount[];
  rulesLoaded: number | null;
  rulesFailed: number | null;
  /** Findings the run row says it wrote (at its end), or, for runs that never ended, null. */
  findings: number | null;
  /** Findings actually in the store for this run. */
  findingsStored: number;
  eventsStored: number | null;
}

export interface HostRow {
  name: string;
  firstSeen: string | null;
  lastSeen: string | null;
  findings: number;
  maxLevelRank: number;
  crownJewel: boolean;
  role: string | null;
  notes: string | null;
}

/** Append-only bulk writer for one run. */
export interface CaseWriter {
  addFinding(seq: number, finding: Finding): void;
  addEvent(seq: number, event: StoredEvent): void;
  addInput(seq: number, input: RunInput): void;
  /** Make everything added so far durable. */
  commit(): Promise<void>;
  close(): Promise<void>;
}

export interface QueryStream {
  columns: string[];
  types: string[];
  /** Rows in chunks, as plain JSON-able values: numbers (bigints that fit), strings, booleans, null, arrays, objects. */
  rows: AsyncIterable<unknown[][]>;
}

export interface FindingQuery {
  /** Only findings of these runs. */
  runIds?: readonly string[];
  /**
   * `time` (oldest first, no time last), `severity` (most severe first, then time), or `group` (identical findings —
   * same rule, host and summary — next to each other, oldest first, so they can be folded as they stream).
   */
  order?: 'time' | 'severity' | 'group';
  /** Rows fetched at a time. */
  batch?: number;
}

export interface CaseStore {
  /** `duckdb`, later `clickhouse`. */
  readonly backend: string;
  /** Where the case is (a file path, a URL). */
  readonly location: string;
  readonly readOnly: boolean;

  /** The case's own id (made when it was created) and other metadata. */
  meta(): Promise<Record<string, string>>;
  schemaVersion(): Promise<number>;

  beginRun(run: RunStart): Promise<void>;
  openWriter(runId: string): Promise<CaseWriter>;
  endRun(runId: string, end: RunEnd): Promise<void>;
  /** Recompute each host's first/last seen, findings and worst level from the findings; keeps crown-jewel flags. */
  refreshHosts(): Promise<void>;
  /** Hosts seen in the evidence (with or without findings), their seen-times widened, never narrowed. */
  noteHosts(hosts: readonly { name: string; first: string | null; last: string | null }[]): Promise<void>;
  /** Mark (or unmark) hosts as crown jewels, adding them if they are not known yet. */
  setCrownJewels(names: readonly string[], crownJewel: boolean): Promise<void>;

  runs(): Promise<RunRow[]>;
  hosts(): Promise<HostRow[]>;
  countFindings(): Promise<number>;
  /** Findings in batches, streamed (never all in memory at once). */
  findings(query?: FindingQuery): AsyncIterable<Finding[]>;
  /** An analyst's SQL (one statement), its rows streamed. */
  query(sql: string): Promise<QueryStream>;

  close(): Promise<void>;
}
