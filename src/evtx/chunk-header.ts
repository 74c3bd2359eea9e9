/**
 * The chunk header: 512 bytes at the start of each 64 KiB chunk (libyal EVTX notes §3): record number and id
 * ranges, the offset of the last record and of the free space, two CRC-32s, then the 64-entry common string
 * table and the 32-entry template table. The tables are hash buckets of offsets into the chunk; names and
 * templates are read at the offsets the binary XML gives, so a damaged table costs nothing.
 */
import { u32, u64n } from './bytes.js';
import { crc32 } from './crc32.js';

export const CHUNK_HEADER_SIZE = 512;
const SIGNATURE = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

export interface ChunkHeader {
  firstRecordNumber: number;
  lastRecordNumber: number;
  firstRecordId: number;
  lastRecordId: number;
  headerSize: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  recordsChecksum: number;
  flags: number;
  headerChecksum: number;
}

export function hasChunkSignature(b: Uint8Array, o = 0): boolean {
  if (b.length < o + 8) return false;
  for (let i = 0; i < 8; i++) if (b[o + i] !== SIGNATURE[i]) return false;
  return true;
}

/** True when the first `n` bytes are all zero: an unused chunk, not a damaged one. */
export function isZeroed(b: Uint8Array, n: number): boolean {
  const end = Math.min(n, b.length);
  for (let i = 0; i < end; i++) if (b[i] !== 0) return false;
  return true;
}

export function readChunkHeader(b: Uint8Array): ChunkHeader {
  return {
    firstRecordNumber: u64n(b, 8),
    lastRecordNumber: u64n(b, 16),
    firstRecordId: u64n(b, 24),
    lastRecordId: u64n(b, 32),
    headerSize: u32(b, 40),
    lastRecordOffset: u32(b, 44),
    freeSpaceOffset: u32(b, 48),
    recordsChecksum: u32(b, 52),
    flags: u32(b, 120),
    headerChecksum: u32(b, 124),
  };
}

/** The header checksum covers bytes 0–120 and 128–512 (the string and template tables included). */
export function headerChecksumOk(b: Uint8Array, h: ChunkHeader): boolean {
  return crc32(b, 128, CHUNK_HEADER_SIZE, crc32(b, 0, 120)) === h.headerChecksum;
}

/** The records checksum covers the records area, from the end of the header to the free space offset. */
export function recordsChecksumOk(b: Uint8Array, h: ChunkHeader): boolean {
  const end = h.freeSpaceOffset;
  if (end < CHUNK_HEADER_SIZE || end > b.length) return false;
  return crc32(b, CHUNK_HEADER_SIZE, end) === h.recordsChecksum;
}
