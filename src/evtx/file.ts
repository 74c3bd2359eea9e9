/**
 * A whole EVTX file held in memory, read chunk by chunk: the file header is checked but not trusted (its chunk
 * count is often stale in "dirty" logs), and every chunk actually present is read. Streaming readers that hold one
 * chunk at a time (src/sources/evtx-file.ts) use `checkFileHeader` and `Chunk` the same way.
 */
import { hasChunkSignature } from './chunk-header.js';
import { Chunk } from './chunk.js';
import type { ProblemSink } from './errors.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, hasFileSignature, readFileHeader, type FileHeader } from './file-header.js';
import type { EvtxRecord } from './record.js';

/** Chunks a file of `size` bytes holds (a truncated last chunk counts). */
export function chunksInFile(size: number): number {
  return size <= FILE_HEADER_SIZE ? 0 : Math.ceil((size - FILE_HEADER_SIZE) / CHUNK_SIZE);
}

/**
 * Check the file header (`head` holds at least the first 4096 bytes, or the whole file when shorter; `firstChunk`
 * the first bytes of chunk 0 when present). Returns whether to read the chunks, and the header when it is one.
 */
export function checkFileHeader(
  head: Uint8Array,
  fileSize: number,
  firstChunk: Uint8Array | undefined,
  report: ProblemSink,
): { read: boolean; header?: FileHeader } {
  if (!hasFileSignature(head) || head.length < 128) {
    if (firstChunk && hasChunkSignature(firstChunk)) {
      report({ code: 'EVTX_FILE_HEADER', message: 'no file signature (ElfFile), but chunks follow; reading them', lost: false, offset: 0 });
      return { read: true };
    }
    const what = fileSize === 0 ? 'empty file' : `no ElfFile signature in the first ${Math.min(fileSize, 8)} bytes`;
    report({ code: 'EVTX_FILE_HEADER', message: `not an EVTX file: ${what}`, lost: true, offset: 0 });
    return { read: false };
  }
  const header = readFileHeader(head);
  if (!header.checksumOk) report({ code: 'EVTX_FILE_HEADER', message: 'file header checksum does not match', lost: false, offset: 0 });
  return { read: true, header };
}

/**
 * A check to call on each chunk read: the first chunk past the header's count that holds records is reported once
 * (a "dirty" log whose header was not updated). Preallocated, still-empty chunks past the count are normal.
 */
export function chunkCountCheck(header: FileHeader | undefined, report: ProblemSink): (chunk: Chunk) => void {
  let told = !header;
  return (chunk) => {
    if (told || chunk.index < header!.chunkCount || chunk.state !== 'ok') return;
    told = true;
    report({
      code: 'EVTX_FILE_HEADER',
      message: `header says ${header!.chunkCount} chunks, but chunk ${chunk.index} holds records too (a dirty log); reading all chunks present`,
      lost: false,
      offset: 42,
    });
  };
}

/** The chunk at `index` of a file held in `bytes`. */
export function chunkAt(bytes: Uint8Array, index: number, report: ProblemSink): Chunk {
  const start = FILE_HEADER_SIZE + index * CHUNK_SIZE;
  return new Chunk(bytes.subarray(start, Math.min(start + CHUNK_SIZE, bytes.length)), index, start, report);
}

/** Every record of an EVTX file held in memory, in file order. Problems go to `report`; nothing throws. */
export function* readEvtx(bytes: Uint8Array, report: ProblemSink = () => {}): Generator<EvtxRecord> {
  const first = bytes.subarray(FILE_HEADER_SIZE, FILE_HEADER_SIZE + 8);
  const { read, header } = checkFileHeader(bytes.subarray(0, FILE_HEADER_SIZE), bytes.length, first, report);
  if (!read) return;
  const check = chunkCountCheck(header, report);
  const n = chunksInFile(bytes.length);
  for (let i = 0; i < n; i++) {
    const chunk = chunkAt(bytes, i, report);
    check(chunk);
    yield* chunk.records(report);
  }
}
