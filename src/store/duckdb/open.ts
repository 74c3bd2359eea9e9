/**
 * Opening a DuckDB case file: what can go wrong (locked by another process, not a DuckDB file, missing, written by
 * a newer hardnut) becomes one `HardnutError` with a code and a sentence that says what to do. This is the edge
 * where the store touches the file system.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { HardnutError } from '../../core/errors.js';

/** Bytes 8–11 of every DuckDB database file. */
const MAGIC = 'DUCK';

/** Whether a file is a DuckDB database, by its header; an empty file is not one (DuckDB would refuse it too). */
function looksLikeDuckDB(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    const n = readSync(fd, head, 0, 12, 0);
    return n === 12 && head.toString('latin1', 8, 12) === MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** A DuckDB error on open as a HardnutError naming the case. */
export function openError(err: unknown, path: string): HardnutError {
  const msg = (err as Error)?.message ?? String(err);
  const lock = /Could not set lock on file[^:]*: Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(msg);
  if (lock || /Could not set lock/.test(msg)) {
    const who = lock ? ` (process ${lock[2]}, ${lock[1]})` : '';
    return new HardnutError(
      'CASE_LOCKED',
      `case store is open in another process${who}: wait for that hunt, sweep or query to end, or give another --case`,
      { file: path, cause: err },
    );
  }
  if (/database does not exist/.test(msg)) return missing(path);
  if (/version|storage/i.test(msg) && /newer|older|incompatible/i.test(msg)) {
    return new HardnutError('CASE_VERSION', `case store was written by an incompatible DuckDB: ${firstLine(msg)}`, { file: path, cause: err });
  }
  return new HardnutError('CASE_INVALID', `cannot open the case store: ${firstLine(msg)}`, { file: path, cause: err });
}

function missing(path: string): HardnutError {
  return new HardnutError('CASE_MISSING', 'no case store here; hunt or sweep with --case FILE creates one', { file: path });
}

export function firstLine(msg: string): string {
  return msg.split('\n').map((l) => l.trim()).filter(Boolean).join(' ').slice(0, 500);
}

/**
 * Open (or, for writing, create) the DuckDB file. Extensions are never installed from the network: the case must
 * work offline, and JSON and the rest we use are built in.
 */
export async function openInstance(path: string, readOnly: boolean): Promise<DuckDBInstance> {
  const exists = existsSync(path);
  if (readOnly && !exists) throw missing(path);
  if (exists) {
    const st = statSync(path);
    if (st.isDirectory()) throw new HardnutError('CASE_INVALID', 'is a folder, not a case store file', { file: path });
    if (st.size > 0 && !looksLikeDuckDB(path)) {
      throw new HardnutError('CASE_INVALID', 'is not a hardnut case store (not a DuckDB database file)', { file: path });
    }
    if (st.size === 0 && readOnly) throw new HardnutError('CASE_INVALID', 'is empty, not a case store', { file: path });
  }
  const config: Record<string, string> = { autoinstall_known_extensions: 'false' };
  if (readOnly) config['access_mode'] = 'READ_ONLY';
  try {
    return await DuckDBInstance.create(path, config);
  } catch (err) {
    throw openError(err, path);
  }
}
