/**
 * A 64 KiB chunk: its header, its caches (names and templates are shared by all its records and by nothing else),
 * and the records in it. Records are walked from the end of the header to the free-space offset; a damaged record
 * is reported and the walk resumes at the next plausible record signature, so one bad record costs only itself.
 */
import { u32 } from './bytes.js';
import {
  CHUNK_HEADER_SIZE,
  hasChunkSignature,
  headerChecksumOk,
  isZeroed,
  readChunkHeader,
  recordsChecksumOk,
  type ChunkHeader,
} from './chunk-header.js';
import type { ProblemSink } from './errors.js';
import { CHUNK_SIZE } from './file-header.js';
import { EvtxRecord, RECORD_SIGNATURE, recordId, recordProblem } from './record.js';
import type { ChunkContext, TemplateDefinitionEntry } from './tokens.js';

export type ChunkState = 'ok' | 'empty' | 'bad';

export class Chunk implements ChunkContext {
  readonly names = new Map<number, string>();
  readonly templates = new Map<number, TemplateDefinitionEntry>();
  readonly header: ChunkHeader | undefined;
  /** `empty`: all zeros (never used); `bad`: no chunk signature and nothing that looks like records. */
  readonly state: ChunkState;

  constructor(
    /** The chunk's bytes (a view; 64 KiB, or less when the file is truncated). */
    readonly bytes: Uint8Array,
    /** Index of the chunk in the file. */
    readonly index: number,
    /** Absolute offset of the chunk in the file. */
    readonly fileOffset: number,
    report: ProblemSink,
  ) {
    const where = { chunk: index, offset: fileOffset };
    if (bytes.length < CHUNK_HEADER_SIZE) {
      if (!isZeroed(bytes, bytes.length)) {
        report({ code: 'EVTX_TRUNCATED', message: `file ends ${bytes.length} bytes into a chunk, inside its header`, lost: true, ...where });
      }
      this.state = bytes.length && !isZeroed(bytes, bytes.length) ? 'bad' : 'empty';
      return;
    }
    if (!hasChunkSignature(bytes)) {
      if (isZeroed(bytes, CHUNK_HEADER_SIZE)) {
        this.state = 'empty';
        return;
      }
      // A damaged signature over an intact chunk still holds records: read them if the records area starts with one.
      if (u32(bytes, CHUNK_HEADER_SIZE) === RECORD_SIGNATURE) {
        report({ code: 'EVTX_CHUNK_HEADER', message: 'chunk signature is damaged; reading its records anyway', lost: false, ...where });
      } else {
        report({ code: 'EVTX_CHUNK_HEADER', message: 'no chunk signature (ElfChnk) and no records; chunk skipped', lost: true, ...where });
        this.state = 'bad';
        return;
      }
    }
    const h = readChunkHeader(bytes);
    this.header = h;
    this.state = 'ok';
    if (bytes.length < CHUNK_SIZE) {
      report({ code: 'EVTX_TRUNCATED', message: `file ends ${bytes.length} bytes into the chunk; reading what is there`, lost: false, ...where });
    }
    // Checksums: a writer that never set them leaves zeros; either way the records are still read.
    if (h.headerChecksum !== 0 || h.recordsChecksum !== 0) {
      if (!headerChecksumOk(bytes, h)) report({ code: 'EVTX_CHUNK_CRC', message: 'chunk header checksum does not match', lost: false, ...where });
      else if (!recordsChecksumOk(bytes, h)) report({ code: 'EVTX_CHUNK_CRC', message: 'records checksum does not match', lost: false, ...where });
    }
  }

  /** Where the records end: the free-space offset when it is sane, else the end of the chunk. */
  get recordsEnd(): number {
    const f = this.header?.freeSpaceOffset ?? 0;
    return f > CHUNK_HEADER_SIZE && f <= this.bytes.length ? f : this.bytes.length;
  }

  /** The records of the chunk in order; damaged ones are reported (with their offset) and skipped. */
  *records(report: ProblemSink): Generator<EvtxRecord> {
    if (this.state !== 'ok') return;
    const b = this.bytes;
    const limit = this.recordsEnd;
    let o = CHUNK_HEADER_SIZE;
    while (o + 4 <= limit) {
      const problem = recordProblem(b, o, limit, false);
      if (problem === undefined) {
        const size = u32(b, o + 4);
        if (u32(b, o + size - 4) !== size) {
          report({
            code: 'EVTX_RECORD',
            message: `record size ${size} does not match its trailing copy ${u32(b, o + size - 4)}; reading it anyway`,
            lost: false,
            chunk: this.index,
            offset: this.fileOffset + o,
            record: recordId(b, o),
          });
        }
        yield new EvtxRecord(this, o, size, recordId(b, o));
        o += size;
        continue;
      }
      // Unused space after the last record is zeros (or the end): not damage.
      if (isZeroed(b.subarray(o, limit), limit - o)) return;
      const next = nextSignature(b, o + 1, limit);
      const id = u32(b, o) === RECORD_SIGNATURE && o + 16 <= limit ? recordId(b, o) : undefined;
      report({
        code: 'EVTX_RECORD',
        message: `${problem}; ${next < 0 ? 'no further record in this chunk' : `skipped ${next - o} bytes to the next record`}`,
        lost: true,
        chunk: this.index,
        offset: this.fileOffset + o,
        ...(id !== undefined ? { record: id } : {}),
      });
      if (next < 0) return;
      o = next;
    }
  }
}

/** The next offset at or after `from` holding a record signature whose size checks out, or -1. */
function nextSignature(b: Uint8Array, from: number, limit: number): number {
  for (let o = from; o + 28 <= limit; o++) {
    if (b[o] !== 0x2a || b[o + 1] !== 0x2a || b[o + 2] !== 0 || b[o + 3] !== 0) continue;
    if (recordProblem(b, o, limit) === undefined) return o;
  }
  return -1;
}
