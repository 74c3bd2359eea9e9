/**
 * Which backend a case location names: a file path is an embedded DuckDB case; `clickhouse://host/db` will be the
 * ClickHouse backend (same interface, same logical schema), not built yet.
 */
import { HardnutError } from '../core/errors.js';
import type { CaseStore } from './store.js';

export interface OpenCaseOptions {
  readOnly?: boolean;
  hardnutVersion?: string;
}

/** The default case file, in the working folder. */
export const DEFAULT_CASE = 'hardnut.duckdb';

export async function openCase(location: string, options: OpenCaseOptions = {}): Promise<CaseStore> {
  if (/^clickhouse(s)?:\/\//i.test(location)) {
    throw new HardnutError('NOT_BUILT', 'the ClickHouse case backend is not built yet; give a file path for an embedded DuckDB case');
  }
  // Loaded only when a case is opened: DuckDB's binding takes a fifth of a second to load, which a sweep or hunt with
  // --no-case (and every --help) need not pay.
  const { DuckDBCaseStore } = await import('./duckdb/store.js');
  return DuckDBCaseStore.open(location, {
    readOnly: options.readOnly ?? false,
    hardnutVersion: options.hardnutVersion ?? '0.0.0',
  });
}
