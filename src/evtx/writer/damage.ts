/**
 * Deliberately damaged logs, each modelled on a failure seen in real files (libevtx's format notes, "Corruption
 * scenarios"; the damaged samples of omerbenamram/evtx): a "dirty" header whose chunk count lags behind the chunks
 * present, bad chunk magic, bad or absent checksums, zero-size records, files cut mid-chunk or mid-record, templates
 * and token streams that stop early, bad string-table offsets, lengths far larger than the data.
 *
 *   const { bytes, layout } = writeEvtxWithLayout(records);
 *   const broken = damage(bytes, layout, { kind: 'bad-chunk-magic', chunk: 1 });
 *
 * Each damage changes only what it names: the checksums over the changed bytes are recomputed afterwards (so a
 * parser cannot skip the damage just by checking CRCs), except for the damages that are about checksums, and unless
 * `keepChecksums` is set (real damaged files usually fail their CRC too).
 */
import type { MarkKind } from './binxml.js';
import { CHUNK_HEADER_SIZE, CHUNK_SIZE, chunkHeaderCrc } from './chunk.js';
import { crc32 } from './crc32.js';
import { FILE_FLAG_DIRTY, FILE_FLAG_NO_CRC, FILE_HEADER_SIZE } from './file-header.js';
import { invalid } from './values.js';
import { chunkOffset, type FileLayout } from './writer.js';

/** Where in the file: a chunk, and a record of it (index in the chunk). */
interface At {
  chunk: number;
  record?: number;
}

export type Damage =
  /** The header counts fewer chunks than the file holds, with stale last-chunk and next-record fields, flagged dirty. */
  | { kind: 'dirty-header'; chunkCount?: number }
  /** Header flags Windows never writes (seen: 0x1B960000 in a real sample). */
  | { kind: 'bad-header-flags'; flags?: number }
  | { kind: 'bad-file-header-crc' }
  /** A chunk whose signature is not "ElfChnk\0" (zeros, or a near miss). */
  | { kind: 'bad-chunk-magic'; chunk: number; magic?: 'zeros' | 'near-miss' }
  | { kind: 'bad-chunk-header-crc'; chunk: number }
  | { kind: 'bad-event-records-crc'; chunk: number }
  /** Every checksum zero and flag 0x4 set in the file and chunk headers, as in Application_no_crc32.evtx. */
  | { kind: 'no-crc' }
  /** A record whose size and size copy are 0 (sample-with-zero-data-size-event.evtx). */
  | ({ kind: 'zero-size-record' } & At)
  /** A record whose size copy disagrees with its size: copied while being written. */
  | ({ kind: 'size-copy-mismatch' } & At)
  /** The record and every one after it in the chunk replaced by zeros (the "block of 0-byte values" scenario). */
  | ({ kind: 'zeroed-records' } & At)
  /** A whole chunk of zeros between good chunks (a chunk "past zeroes"). */
  | { kind: 'zero-chunk'; chunk: number }
  /** The file cut in the middle of a chunk's records. */
  | { kind: 'truncate-mid-chunk'; chunk: number }
  /** The file cut in the middle of a record. */
  | ({ kind: 'truncate-mid-record' } & At)
  /** The file cut at a byte offset. */
  | { kind: 'truncate'; at: number }
  /** The second half of a template definition zeroed: the template's token stream stops before its element ends. */
  | ({ kind: 'incomplete-template' } & At)
  /** The record's BinXml cut (the record re-framed shorter, zeros after it): the token stream stops mid-value. */
  | ({ kind: 'incomplete-token-stream' } & At)
  /** A template instance pointing back at an offset where no template definition is. */
  | ({ kind: 'bad-template-offset' } & At)
  /** String table buckets pointing at offsets that hold no name (security_bad_string_cache.evtx). */
  | { kind: 'bad-string-table'; chunk: number }
  /** A length field far larger than the data: the record size, an element's data size, a text length, a value size, a name length. */
  | ({ kind: 'oversized-length'; field: 'record' | 'element' | 'text' | 'value' | 'name' } & At);

export interface DamageOptions {
  /** Leave the checksums as the damage left them (by default they are recomputed). */
  keepChecksums?: boolean;
}

function u32(b: Uint8Array, at: number, v: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, v >>> 0, true);
}

function getU32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);
}

/** Recompute the file header CRC and both CRCs of every chunk (that still has its magic and plausible offsets). */
export function fixChecksums(file: Uint8Array): void {
  if (file.length >= FILE_HEADER_SIZE) u32(file, 124, crc32(file, 0, 120));
  for (let off = FILE_HEADER_SIZE; off + CHUNK_SIZE <= file.length; off += CHUNK_SIZE) {
    const c = file.subarray(off, off + CHUNK_SIZE);
    if (c[0] !== 0x45 || c[4] !== 0x68) continue; // not "ElfChnk": leave it as it is
    const free = getU32(c, 48);
    if (free >= CHUNK_HEADER_SIZE && free <= CHUNK_SIZE) u32(c, 52, crc32(c, CHUNK_HEADER_SIZE, free));
    u32(c, 124, chunkHeaderCrc(c));
  }
}

function recordAt(layout: FileLayout, at: At): { base: number; offset: number; size: number; marks: Partial<Record<MarkKind, number>> } {
  const chunk = layout.chunks[at.chunk];
  if (!chunk) throw invalid(`no chunk ${at.chunk} (the file has ${layout.chunks.length})`);
  const index = at.record ?? Math.floor(chunk.records.length / 2);
  const r = chunk.records[index];
  if (!r) throw invalid(`chunk ${at.chunk} has no record ${index} (it has ${chunk.records.length})`);
  return { base: chunkOffset(at.chunk), offset: r.offset, size: r.size, marks: r.marks };
}

function mark(layout: FileLayout, at: At, kind: MarkKind): number {
  const chunk = layout.chunks[at.chunk];
  if (!chunk) throw invalid(`no chunk ${at.chunk}`);
  // The given record, or the first record of the chunk that has such a structure.
  const candidates = at.record === undefined ? chunk.records : [chunk.records[at.record]];
  for (const r of candidates) {
    const m = r?.marks[kind];
    if (m !== undefined) return chunkOffset(at.chunk) + m;
  }
  throw invalid(`chunk ${at.chunk}${at.record === undefined ? '' : ` record ${at.record}`} has no ${kind} (write with writeEvtxWithLayout)`);
}

/** A damaged copy of `file` (written by `writeEvtxWithLayout`, whose layout says where things are). */
export function damage(file: Uint8Array, layout: FileLayout, d: Damage, options: DamageOptions = {}): Uint8Array {
  let out = file.slice();
  const dv = new DataView(out.buffer);
  let checksums = !options.keepChecksums;
  switch (d.kind) {
    case 'dirty-header': {
      const n = d.chunkCount ?? Math.max(1, layout.chunks.length - 1);
      if (n >= layout.chunks.length) throw invalid(`a dirty header counts fewer than the ${layout.chunks.length} chunks present`);
      dv.setUint16(42, n, true);
      dv.setBigUint64(16, BigInt(Math.max(0, n - 1)), true);
      const last = layout.chunks[n - 1]?.records.at(-1);
      dv.setBigUint64(24, last ? last.id + 1n : 1n, true);
      dv.setUint32(120, dv.getUint32(120, true) | FILE_FLAG_DIRTY, true);
      break;
    }
    case 'bad-header-flags':
      dv.setUint32(120, d.flags ?? 0x1b960000, true);
      break;
    case 'bad-file-header-crc':
      checksums = false;
      fixChecksums(out);
      dv.setUint32(124, (dv.getUint32(124, true) ^ 0x5a5a5a5a) >>> 0, true);
      break;
    case 'bad-chunk-magic': {
      const at = chunkOffset(d.chunk);
      if (at + CHUNK_SIZE > out.length) throw invalid(`no chunk ${d.chunk}`);
      out.set(d.magic === 'near-miss' ? [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x01] : new Uint8Array(8), at);
      break;
    }
    case 'bad-chunk-header-crc':
    case 'bad-event-records-crc': {
      checksums = false;
      fixChecksums(out);
      const at = chunkOffset(d.chunk) + (d.kind === 'bad-chunk-header-crc' ? 124 : 52);
      dv.setUint32(at, (dv.getUint32(at, true) ^ 0xa5a5a5a5) >>> 0, true);
      break;
    }
    case 'no-crc':
      // As in the real sample: flag 0x4 in the file header and every chunk header, every checksum zero.
      checksums = false;
      dv.setUint32(120, dv.getUint32(120, true) | FILE_FLAG_NO_CRC, true);
      dv.setUint32(124, 0, true);
      for (let i = 0; i < layout.chunks.length; i++) {
        dv.setUint32(chunkOffset(i) + 52, 0, true);
        dv.setUint32(chunkOffset(i) + 120, dv.getUint32(chunkOffset(i) + 120, true) | FILE_FLAG_NO_CRC, true);
        dv.setUint32(chunkOffset(i) + 124, 0, true);
      }
      break;
    case 'zero-size-record': {
      const r = recordAt(layout, d);
      dv.setUint32(r.base + r.offset + 4, 0, true);
      dv.setUint32(r.base + r.offset + r.size - 4, 0, true);
      break;
    }
    case 'size-copy-mismatch': {
      const r = recordAt(layout, d);
      dv.setUint32(r.base + r.offset + r.size - 4, 0x650000 + r.size, true);
      break;
    }
    case 'zeroed-records': {
      const r = recordAt(layout, d);
      const free = dv.getUint32(r.base + 48, true);
      out.fill(0, r.base + r.offset, r.base + free);
      break;
    }
    case 'zero-chunk': {
      if (!layout.chunks[d.chunk]) throw invalid(`no chunk ${d.chunk}`);
      out.fill(0, chunkOffset(d.chunk), chunkOffset(d.chunk) + CHUNK_SIZE);
      break;
    }
    case 'truncate-mid-chunk': {
      const c = layout.chunks[d.chunk];
      if (!c) throw invalid(`no chunk ${d.chunk}`);
      const end = c.records.at(-1)!;
      out = out.slice(0, chunkOffset(d.chunk) + Math.floor((CHUNK_HEADER_SIZE + end.offset + end.size) / 2));
      break;
    }
    case 'truncate-mid-record': {
      const r = recordAt(layout, d);
      out = out.slice(0, r.base + r.offset + Math.floor(r.size / 2));
      break;
    }
    case 'truncate':
      out = out.slice(0, d.at);
      break;
    case 'incomplete-template': {
      const def = mark(layout, d, 'template-def');
      const size = dv.getUint32(def + 20, true);
      out.fill(0, def + 24 + Math.floor(size / 2), def + 24 + size);
      break;
    }
    case 'incomplete-token-stream': {
      // Re-frame the record shorter: its BinXml stops two thirds of the way through, mid-value, with no end of
      // stream; the rest of its old slot is zeros, as when a log is copied while a record is being written, so the
      // next record is found only by scanning past them.
      const r = recordAt(layout, d);
      const start = r.base + r.offset;
      const size = ((24 + Math.floor(((r.size - 28) * 2) / 3)) & ~7) + 8;
      out.fill(0, start + size - 4, start + r.size);
      dv.setUint32(start + 4, size, true);
      dv.setUint32(start + size - 4, size, true);
      break;
    }
    case 'bad-template-offset': {
      const ref = mark(layout, d, 'template-ref');
      dv.setUint32(ref, dv.getUint32(ref, true) + 3, true);
      break;
    }
    case 'bad-string-table': {
      if (!layout.chunks[d.chunk]) throw invalid(`no chunk ${d.chunk}`);
      const base = chunkOffset(d.chunk);
      for (let b = 0; b < 64; b++) {
        const at = base + 128 + 4 * b;
        const v = dv.getUint32(at, true);
        if (v) dv.setUint32(at, v + 6, true);
      }
      break;
    }
    case 'oversized-length': {
      if (d.field === 'record') {
        const r = recordAt(layout, d);
        dv.setUint32(r.base + r.offset + 4, 0x7ffffff8, true);
        break;
      }
      const kind: MarkKind = d.field === 'element' ? 'element-size' : d.field === 'text' ? 'text-length' : d.field === 'value' ? 'descriptor' : 'name-length';
      const at = mark(layout, d, kind);
      if (d.field === 'element') dv.setUint32(at, 0x7fffffff, true);
      else dv.setUint16(at, 0xffff, true);
      break;
    }
  }
  if (checksums) fixChecksums(out);
  return out;
}
