/**
 * What went wrong where, as data: every problem the parser meets while reading a file is an `EvtxProblem` with a
 * stable code and the chunk, record and offset it concerns. Problems are reported to a `report` callback, never
 * thrown out of the parser (one bad record must not cost the others); `EvtxError` is how they travel internally.
 */
export type EvtxProblemCode =
  | 'EVTX_FILE_HEADER' // the file header is missing, has a bad signature or checksum
  | 'EVTX_CHUNK_HEADER' // a chunk's signature or header fields are wrong
  | 'EVTX_CHUNK_CRC' // a chunk's header or records checksum does not match (records still read)
  | 'EVTX_RECORD' // a record's header is damaged; the record is skipped
  | 'EVTX_BINXML' // a record's binary XML cannot be decoded; the record is skipped
  | 'EVTX_TRUNCATED'; // the file ends inside a chunk

export interface EvtxProblem {
  code: EvtxProblemCode;
  message: string;
  /** Chunk index in the file (0-based), when the problem is inside a chunk. */
  chunk?: number;
  /** Event record id, when known. */
  record?: number;
  /** Absolute file offset of the problem. */
  offset?: number;
  /** True when data was lost (a record or chunk skipped); false for anomalies that were read past. */
  lost: boolean;
}

export type ProblemSink = (p: EvtxProblem) => void;

/** A decoding failure at a chunk-relative offset; the caller adds chunk and record when it reports it. */
export class EvtxError extends Error {
  override readonly name = 'EvtxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** One line: `chunk 3, record 1234, offset 0x34a10: message`. */
export function describeProblem(p: EvtxProblem): string {
  const where: string[] = [];
  if (p.chunk !== undefined) where.push(`chunk ${p.chunk}`);
  if (p.record !== undefined) where.push(`record ${p.record}`);
  if (p.offset !== undefined) where.push(`offset 0x${p.offset.toString(16)}`);
  return (where.length ? where.join(', ') + ': ' : '') + p.message;
}
