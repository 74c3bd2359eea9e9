/**
 * The EVTX file header: the first 4096 bytes, of which 128 are defined (libyal's "Windows XML Event Log (EVTX)"
 * format notes, §2). Only the signature is required to read a file: the chunk count and the "dirty" flag are often
 * stale, so the reader trusts the file size instead and reports the difference.
 */
import { u16, u32, u64n } from './bytes.js';
import { crc32 } from './crc32.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
const SIGNATURE = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

export interface FileHeader {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  headerBlockSize: number;
  chunkCount: number;
  /** 0x1 dirty (not closed cleanly), 0x2 full. */
  flags: number;
  checksum: number;
  checksumOk: boolean;
}

export function hasFileSignature(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  for (let i = 0; i < 8; i++) if (b[i] !== SIGNATURE[i]) return false;
  return true;
}

/** The header fields of the first 128 bytes of `b` (which must hold at least 128 bytes). */
export function readFileHeader(b: Uint8Array): FileHeader {
  const checksum = u32(b, 124);
  return {
    firstChunk: u64n(b, 8),
    lastChunk: u64n(b, 16),
    nextRecordId: u64n(b, 24),
    headerSize: u32(b, 32),
    minorVersion: u16(b, 36),
    majorVersion: u16(b, 38),
    headerBlockSize: u16(b, 40),
    chunkCount: u16(b, 42),
    flags: u32(b, 120),
    checksum,
    checksumOk: crc32(b, 0, 120) === checksum,
  };
}
