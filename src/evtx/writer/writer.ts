/**
 * The EVTX writer: records in, finished 64 KiB chunks out, so a log of any size is produced with one chunk in
 * memory. The file header comes last (it counts the chunks): write a placeholder of FILE_HEADER_SIZE bytes first and
 * `header()` over it at the end, or use `writeEvtx` for a small file in one piece.
 */
import { CHUNK_SIZE, ChunkBuilder, type ChunkLayout } from './chunk.js';
import { FILE_HEADER_SIZE, fileHeader } from './file-header.js';
import type { EvtxRecord } from './model.js';
import { filetime, invalid } from './values.js';

export interface EvtxWriterOptions {
  /** Identifier of the first record when records do not give theirs (default 1). */
  firstRecordId?: bigint | number;
  /** Close a chunk after this many records even if it has room: many chunks from few records, for tests. */
  maxRecordsPerChunk?: number;
  /** File format minor version: 1 (default) or 2. */
  minorVersion?: number;
  /** Keep each chunk's layout (record and template offsets) for the damage helpers; off for large logs. */
  keepLayout?: boolean;
}

export class EvtxWriter {
  private chunk: ChunkBuilder;
  private chunks = 0;
  private records = 0;
  private nextId: bigint;
  private nextNumber: bigint;
  private written = 0n;
  private readonly maxPerChunk: number;
  readonly layouts: ChunkLayout[] = [];

  constructor(private readonly options: EvtxWriterOptions = {}) {
    this.chunk = new ChunkBuilder(options.keepLayout ?? false);
    this.nextId = BigInt(options.firstRecordId ?? 1);
    this.nextNumber = this.nextId;
    this.maxPerChunk = options.maxRecordsPerChunk ?? Infinity;
    if (!(this.maxPerChunk >= 1)) throw invalid(`maxRecordsPerChunk must be at least 1`);
  }

  get chunkCount(): number {
    return this.chunks;
  }

  get recordCount(): number {
    return this.records;
  }

  /** Add one record; returns the chunks it completed (none, or the one it did not fit in). */
  add(record: EvtxRecord): Uint8Array[] {
    const id = record.id === undefined ? this.nextId : BigInt(record.id);
    if (record.written !== undefined) this.written = filetime(record.written);
    const r = {
      id,
      number: this.nextNumber,
      written: this.written,
      event: record.event,
      encoding: record.encoding ?? 'template',
      dependencyIds: record.dependencyIds ?? false,
    } as const;
    const out: Uint8Array[] = [];
    if (this.chunk.recordCount >= this.maxPerChunk || !this.chunk.tryAdd(r)) {
      out.push(this.closeChunk());
      if (!this.chunk.tryAdd(r)) throw invalid(`record ${id} does not fit in an empty chunk`);
    }
    this.records++;
    this.nextId = id + 1n;
    this.nextNumber++;
    return out;
  }

  /** Close the last chunk; returns it, or nothing when it holds no record. */
  finish(): Uint8Array[] {
    return this.chunk.recordCount ? [this.closeChunk()] : [];
  }

  private closeChunk(): Uint8Array {
    const done = this.chunk.finish();
    if (this.options.keepLayout) this.layouts.push(this.chunk.layout);
    this.chunks++;
    this.chunk = new ChunkBuilder(this.options.keepLayout ?? false);
    return done;
  }

  /** The file header for the chunks closed so far (call after `finish`). */
  header(): Uint8Array {
    return fileHeader({ chunkCount: this.chunks, nextRecordId: this.nextId, minorVersion: this.options.minorVersion ?? 1 });
  }
}

/** Where each chunk and record of a file written by `writeEvtxWithLayout` is. */
export interface FileLayout {
  readonly chunks: readonly ChunkLayout[];
}

/** Offset in the file of chunk `i`. */
export function chunkOffset(i: number): number {
  return FILE_HEADER_SIZE + i * CHUNK_SIZE;
}

/** A whole file and where its parts are, for fixtures that damage it. */
export function writeEvtxWithLayout(records: Iterable<EvtxRecord>, options: EvtxWriterOptions = {}): { bytes: Uint8Array; layout: FileLayout } {
  const w = new EvtxWriter({ ...options, keepLayout: true });
  const chunks: Uint8Array[] = [];
  for (const r of records) chunks.push(...w.add(r));
  chunks.push(...w.finish());
  const bytes = new Uint8Array(FILE_HEADER_SIZE + chunks.length * CHUNK_SIZE);
  bytes.set(w.header(), 0);
  chunks.forEach((c, i) => bytes.set(c, chunkOffset(i)));
  return { bytes, layout: { chunks: w.layouts } };
}

/** A whole EVTX file from records: `writeEvtx([sysmon1({ Image: 'C:\\x.exe' })])`. */
export function writeEvtx(records: Iterable<EvtxRecord>, options: EvtxWriterOptions = {}): Uint8Array {
  return writeEvtxWithLayout(records, options).bytes;
}
