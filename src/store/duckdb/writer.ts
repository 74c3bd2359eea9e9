/**
 * Bulk writes through DuckDB's appender: one appender per table, values appended column by column in table order
 * (never an SQL string), flushed on `commit`. A flush outside a transaction commits on its own, so each commit makes
 * its batch durable: a run killed after it keeps everything up to that batch.
 */
import {
  DuckDBTimestampValue,
  uuidValue,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBUUIDValue,
} from '@duckdb/node-api';
import { HardnutError } from '../../core/errors.js';
import type { Finding } from '../../findings/finding.js';
import { EVENT_COLUMNS, FINDING_COLUMNS, INPUT_COLUMNS, type CellValue, type Column, type RunInput, type StoredEvent } from '../schema.js';
import type { CaseWriter } from '../store.js';

/** A UUID's text as DuckDB's value, parsed once per writer rather than cast on every row. */
export function uuidFromText(id: string): DuckDBUUIDValue {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new HardnutError('INTERNAL', `not a UUID: ${id}`);
  return uuidValue(BigInt('0x' + hex));
}

function appendCell(a: DuckDBAppender, type: Column<unknown>['type'], v: CellValue): void {
  if (v === null) {
    a.appendNull();
    return;
  }
  switch (type) {
    case 'text':
    case 'json':
      a.appendVarchar(String(v));
      return;
    case 'int8':
      a.appendTinyInt(Number(v));
      return;
    case 'int32':
      a.appendInteger(Number(v));
      return;
    case 'int64':
      a.appendBigInt(typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))));
      return;
    case 'float64':
      a.appendDouble(Number(v));
      return;
    case 'bool':
      a.appendBoolean(Boolean(v));
      return;
    case 'timestamp':
      a.appendTimestamp(new DuckDBTimestampValue(typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)))));
      return;
    case 'uuid':
      a.appendUUID(uuidFromText(String(v)));
      return;
    case 'text[]':
      a.appendList(v as readonly string[]);
      return;
  }
}

class TableAppender<T> {
  pending = 0;
  constructor(
    readonly appender: DuckDBAppender,
    private readonly run: DuckDBUUIDValue,
    private readonly columns: readonly Column<T>[],
  ) {}

  add(seq: number, row: T): void {
    const a = this.appender;
    a.appendUUID(this.run);
    a.appendBigInt(BigInt(seq));
    for (const c of this.columns) appendCell(a, c.type, c.get(row));
    a.endRow();
    this.pending++;
  }

  flush(): void {
    if (this.pending === 0) return;
    this.appender.flushSync();
    this.pending = 0;
  }
}

export class DuckDBCaseWriter implements CaseWriter {
  private closed = false;

  private constructor(
    private readonly findings: TableAppender<Finding>,
    private readonly events: TableAppender<StoredEvent>,
    private readonly inputs: TableAppender<RunInput>,
  ) {}

  static async open(conn: DuckDBConnection, runId: string): Promise<DuckDBCaseWriter> {
    const run = uuidFromText(runId);
    return new DuckDBCaseWriter(
      new TableAppender(await conn.createAppender('findings'), run, FINDING_COLUMNS),
      new TableAppender(await conn.createAppender('events'), run, EVENT_COLUMNS),
      new TableAppender(await conn.createAppender('run_inputs'), run, INPUT_COLUMNS),
    );
  }

  addFinding(seq: number, finding: Finding): void {
    this.findings.add(seq, finding);
  }

  addEvent(seq: number, event: StoredEvent): void {
    this.events.add(seq, event);
  }

  addInput(seq: number, input: RunInput): void {
    this.inputs.add(seq, input);
  }

  /** Synchronous underneath: by the time this returns (before the promise settles) the batch is committed. */
  commit(): Promise<void> {
    try {
      this.commitSync();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  commitSync(): void {
    // Inputs first, findings last: a finding is never stored without the record of the input it came from.
    this.inputs.flush();
    this.events.flush();
    this.findings.flush();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    try {
      this.commitSync();
    } finally {
      for (const t of [this.inputs, this.events, this.findings]) {
        try {
          t.appender.closeSync();
        } catch {
          // closing after a failed flush throws again; the flush error is the one reported
        }
      }
    }
    return Promise.resolve();
  }
}
