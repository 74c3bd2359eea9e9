/**
 * The 4096-byte file header (libevtx's format notes, "File header"): chunk count and numbers, the next record
 * identifier, format version 3.1, flags, and a CRC-32 of its first 120 bytes.
 */
import { crc32 } from './crc32.js';

export const FILE_HEADER_SIZE = 4096;
const FILE_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

export const FILE_FLAG_DIRTY = 0x1;
export const FILE_FLAG_FULL = 0x2;
/** Seen with all checksums zero (parser-samples/Application_no_crc32.evtx), in the file and chunk headers. */
export const FILE_FLAG_NO_CRC = 0x4;

export interface FileHeaderFields {
  chunkCount: number;
  /** Identifier the next record would get (last record's + 1). */
  nextRecordId: bigint;
  /** 0 = clean; FILE_FLAG_DIRTY is set by Windows while the log is open. */
  flags?: number;
  /** 1 (Vista to Windows 10 1909) or 2 (Windows 10 2004 and later). */
  minorVersion?: number;
  /** First chunk number; 0 unless the log wrapped around. */
  firstChunk?: number;
  /** Last chunk number; by default chunkCount − 1. */
  lastChunk?: number;
}

export function fileHeader(f: FileHeaderFields): Uint8Array {
  const b = new Uint8Array(FILE_HEADER_SIZE);
  const dv = new DataView(b.buffer);
  b.set(FILE_MAGIC, 0);
  dv.setBigUint64(8, BigInt(f.firstChunk ?? 0), true);
  dv.setBigUint64(16, BigInt(f.lastChunk ?? Math.max(0, f.chunkCount - 1)), true);
  dv.setBigUint64(24, f.nextRecordId, true);
  dv.setUint32(32, 128, true);
  dv.setUint16(36, f.minorVersion ?? 1, true);
  dv.setUint16(38, 3, true);
  dv.setUint16(40, FILE_HEADER_SIZE, true);
  dv.setUint16(42, f.chunkCount & 0xffff, true);
  dv.setUint32(120, f.flags ?? 0, true);
  dv.setUint32(124, crc32(b, 0, 120), true);
  return b;
}
