/**
 * EVTX files from disk, one 64 KiB chunk in memory at a time: memory stays flat whatever the file size (a record
 * keeps only its own chunk alive, and only while someone holds it). Every problem becomes a counted warning naming
 * the file, chunk, record and offset; a record whose binary XML is damaged is skipped, the rest of its chunk read.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Diagnostics } from '../core/diagnostics.js';
import { Chunk } from '../evtx/chunk.js';
import { describeProblem, EvtxError, type EvtxProblem } from '../evtx/errors.js';
import { EvtxEvent } from '../evtx/event.js';
import { checkFileHeader, chunkCountCheck, chunksInFile } from '../evtx/file.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE } from '../evtx/file-header.js';
import type { EvtxRecord } from '../evtx/record.js';

export interface EvtxFileOptions {
  diagnostics: Diagnostics;
  /** Read only chunks [first, end) (a worker's share of a big file); default all. */
  firstChunk?: number;
  endChunk?: number;
}

/** What reading a file came to, for summaries. */
export interface EvtxFileStats {
  chunks: number;
  records: number;
  /** Problems that lost data (records or chunks skipped). */
  lost: number;
  /** The file could not be read at all (not EVTX, unreadable). */
  failed: boolean;
}

function warnFor(d: Diagnostics, path: string) {
  return (p: EvtxProblem) => d.warn(p.code, describeProblem(p), path);
}

function readFully(fd: number, buf: Uint8Array, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * Every record of the EVTX file at `path`, in file order. Parsing of each record's binary XML is left to the
 * caller (`record.json()`, `.xml()`, `new EvtxEvent(record)`), which should report failures with `reportRecordError`.
 */
export function* readEvtxFile(path: string, options: EvtxFileOptions, stats?: EvtxFileStats): Generator<EvtxRecord> {
  const d = options.diagnostics;
  const report = (p: EvtxProblem) => {
    if (stats && p.lost) stats.lost++;
    warnFor(d, path)(p);
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (stats) stats.failed = true;
    d.warn('INPUT_UNREADABLE', (err as Error).message.replace(/^[A-Z]+: /, ''), path);
    return;
  }
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, FILE_HEADER_SIZE + 8));
    readFully(fd, head, 0);
    const first = head.length > FILE_HEADER_SIZE ? head.subarray(FILE_HEADER_SIZE) : undefined;
    // A worker reading a later chunk range leaves the header's problems to the one reading chunk 0.
    const headerReport = (options.firstChunk ?? 0) === 0 ? report : () => {};
    const { read, header } = checkFileHeader(head.subarray(0, FILE_HEADER_SIZE), size, first, headerReport);
    if (!read) {
      if (stats) stats.failed = true;
      return;
    }
    const checkCount = chunkCountCheck(header, headerReport);
    const n = chunksInFile(size);
    const end = Math.min(n, options.endChunk ?? n);
    for (let i = options.firstChunk ?? 0; i < end; i++) {
      const offset = FILE_HEADER_SIZE + i * CHUNK_SIZE;
      // A fresh buffer per chunk: records handed out may outlive the loop, and they point into it.
      const buf = new Uint8Array(Math.min(CHUNK_SIZE, size - offset));
      const got = readFully(fd, buf, offset);
      const chunk = new Chunk(got < buf.length ? buf.subarray(0, got) : buf, i, offset, report);
      checkCount(chunk);
      if (stats) stats.chunks++;
      for (const r of chunk.records(report)) {
        if (stats) stats.records++;
        yield r;
      }
    }
  } catch (err) {
    if (stats) stats.failed = true;
    d.warn('INPUT_UNREADABLE', `read failed: ${(err as Error).message}`, path);
  } finally {
    closeSync(fd);
  }
}

/** Report a record that failed to parse, naming file, chunk, record and offset. */
export function reportRecordError(d: Diagnostics, path: string, r: EvtxRecord, err: unknown): void {
  if (!(err instanceof EvtxError)) throw err;
  d.warn(
    'EVTX_BINXML',
    describeProblem({
      code: 'EVTX_BINXML',
      message: `binary XML cannot be decoded: ${err.message}; record skipped`,
      lost: true,
      chunk: r.chunk.index,
      record: r.id,
      offset: r.chunk.fileOffset + err.offset,
    }),
    path,
  );
}

/**
 * The events of an EVTX file for the engines: lazy `EvtxEvent`s, whose fields are decoded when first asked for.
 * Records whose binary XML is damaged are skipped with a warning.
 */
export function* evtxFileEvents(path: string, options: EvtxFileOptions): Generator<EvtxEvent> {
  for (const r of readEvtxFile(path, options)) {
    try {
      r.tree(); // parse now, so a damaged record is reported here rather than inside a rule
    } catch (err) {
      reportRecordError(options.diagnostics, path, r, err);
      continue;
    }
    yield new EvtxEvent(r);
  }
}
