/**
 * The EVTX parser's public surface: bytes in, records out, no I/O. Hunt opens files through
 * src/sources/evtx-file.ts; anything holding bytes (a test, a worker given a chunk range) uses these directly.
 */
export { Chunk } from './chunk.js';
export { describeProblem, EvtxError, type EvtxProblem, type EvtxProblemCode, type ProblemSink } from './errors.js';
export { EvtxEvent } from './event.js';
export { checkFileHeader, chunkAt, chunkCountCheck, chunksInFile, readEvtx } from './file.js';
export { CHUNK_SIZE, FILE_HEADER_SIZE, readFileHeader, type FileHeader } from './file-header.js';
export type { JsonObject, JsonValue } from './json.js';
export { EvtxRecord } from './record.js';
