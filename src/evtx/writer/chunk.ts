/**
 * One 64 KiB chunk being filled (libevtx's format notes, "Chunk"): the 512-byte header with its string table (64
 * hash buckets of name offsets) and template table (32 buckets), then event records, each with its BinXml. A record
 * that does not fit is rolled back — bytes, names and templates — and the writer starts the next chunk with it.
 */
import { BinXmlEncoder, type ChunkTables, type MarkKind } from './binxml.js';
import { ByteWriter, CHUNK_FULL } from './bytes.js';
import { crc32 } from './crc32.js';
import type { XmlElement } from './model.js';
import { invalid } from './values.js';

export const CHUNK_SIZE = 0x10000;
export const CHUNK_HEADER_SIZE = 512;
export const RECORD_MAGIC = 0x00002a2a;
const CHUNK_MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

/** Where a record landed: what the damage helpers need to aim at it. */
export interface RecordPlacement {
  /** Offset in the chunk. */
  readonly offset: number;
  readonly size: number;
  readonly id: bigint;
  /** Offsets (in the chunk) of the first structure of each kind in the record, when the layout is kept. */
  readonly marks: Partial<Record<MarkKind, number>>;
}

/** Where things landed in a chunk. */
export interface ChunkLayout {
  readonly records: RecordPlacement[];
  /** Offsets of the template definitions (their "next" field), in writing order. */
  readonly templates: number[];
  /** Offset of each name's definition. */
  readonly names: Map<string, number>;
}

/** Windows' name hash (seen in every real chunk): h = h × 65599 + code unit, 32-bit; the bucket is h mod 64. */
export function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 65599) + name.charCodeAt(i)) >>> 0;
  return h;
}

export interface RecordToWrite {
  readonly id: bigint;
  /** Record number (the chunk header counts these; equal to the id in a clean log). */
  readonly number: bigint;
  readonly written: bigint;
  readonly event: XmlElement;
  readonly encoding: 'template' | 'raw';
  readonly dependencyIds: boolean;
}

interface Undo {
  names: string[];
  nameHeads: [number, number][];
  templates: string[];
  templateHeads: [number, number][];
}

export class ChunkBuilder implements ChunkTables {
  readonly buf = new Uint8Array(CHUNK_SIZE);
  // Records end at most 8 bytes before the chunk end: libevtx 20181227 drops a record that ends exactly at 65536,
  // and no Windows chunk seen has its free space offset past 65528.
  readonly w = new ByteWriter(this.buf, CHUNK_SIZE - 8);
  readonly layout: ChunkLayout = { records: [], templates: [], names: new Map() };
  private readonly nameHeads = new Uint32Array(64);
  private readonly templateHeads = new Uint32Array(32);
  private readonly templateByKey = new Map<string, number>();
  private undo: Undo = { names: [], nameHeads: [], templates: [], templateHeads: [] };
  private firstNumber = 0n;
  private lastNumber = 0n;
  private firstId = 0n;
  private lastId = 0n;
  private lastRecordOffset = 0;
  private marks: Partial<Record<MarkKind, number>> = {};
  readonly mark: ((kind: MarkKind, offset: number) => void) | undefined;

  /** `track`: note each record's landmarks in the layout (for the damage helpers). */
  constructor(track = false) {
    this.w.pos = CHUNK_HEADER_SIZE;
    this.mark = track
      ? (kind, offset) => {
          if (this.marks[kind] === undefined) this.marks[kind] = offset;
        }
      : undefined;
  }

  get recordCount(): number {
    return this.layout.records.length;
  }

  /** Write the record; false (and the chunk unchanged) when it does not fit. */
  tryAdd(r: RecordToWrite): boolean {
    const w = this.w;
    const start = w.pos;
    this.undo = { names: [], nameHeads: [], templates: [], templateHeads: [] };
    this.marks = {};
    try {
      w.u32(RECORD_MAGIC);
      const sizeAt = w.take(4);
      w.u64(r.id);
      w.u64(r.written);
      new BinXmlEncoder(this, { rawDependencyIds: r.dependencyIds, recordId: r.id }).fragment(r.event, r.encoding);
      // Windows pads records to 8 bytes; the size and its copy include the padding.
      while ((w.pos + 4) % 8) w.u8(0);
      const size = w.pos + 4 - start;
      w.u32(size);
      w.patchU32(sizeAt, size);
      this.layout.records.push({ offset: start, size, id: r.id, marks: this.marks });
    } catch (e) {
      if (e !== CHUNK_FULL) throw e;
      this.rollback(start);
      if (start === CHUNK_HEADER_SIZE) throw invalid(`record ${r.id} does not fit in an empty chunk (${CHUNK_SIZE - CHUNK_HEADER_SIZE} bytes)`);
      return false;
    }
    if (this.layout.records.length === 1) {
      this.firstNumber = r.number;
      this.firstId = r.id;
    }
    this.lastNumber = r.number;
    this.lastId = r.id;
    this.lastRecordOffset = start;
    return true;
  }

  private rollback(start: number): void {
    const u = this.undo;
    for (const n of u.names) this.layout.names.delete(n);
    for (let i = u.nameHeads.length - 1; i >= 0; i--) this.nameHeads[u.nameHeads[i]![0]] = u.nameHeads[i]![1];
    for (const k of u.templates) {
      this.templateByKey.delete(k);
      this.layout.templates.pop();
    }
    for (let i = u.templateHeads.length - 1; i >= 0; i--) this.templateHeads[u.templateHeads[i]![0]] = u.templateHeads[i]![1];
    this.buf.fill(0, start);
    this.w.pos = start;
  }

  writeName(name: string): void {
    const w = this.w;
    const known = this.layout.names.get(name);
    if (known !== undefined) {
      w.u32(known);
      return;
    }
    if (name.length > 0xffff) throw invalid(`a name of ${name.length} characters exceeds 65535`);
    // Defined inline, right after its own offset; later references point here.
    const at = w.pos + 4;
    w.u32(at);
    const h = nameHash(name);
    const bucket = h % 64;
    w.u32(this.nameHeads[bucket]!);
    w.u16(h & 0xffff);
    this.mark?.('name-length', w.pos);
    w.u16(name.length);
    w.utf16(name);
    w.u16(0);
    this.undo.names.push(name);
    this.undo.nameHeads.push([bucket, this.nameHeads[bucket]!]);
    this.nameHeads[bucket] = at;
    this.layout.names.set(name, at);
  }

  templateOffset(key: string): number | undefined {
    return this.templateByKey.get(key);
  }

  addTemplate(key: string, offset: number, guid: Uint8Array): void {
    // Windows' bucket function is not known (not the GUID, not a CRC); readers walk every bucket, so any will do.
    const bucket = (guid[0]! ^ guid[5]! ^ guid[10]! ^ guid[15]!) % 32;
    this.w.patchU32(offset, this.templateHeads[bucket]!);
    this.undo.templates.push(key);
    this.undo.templateHeads.push([bucket, this.templateHeads[bucket]!]);
    this.templateHeads[bucket] = offset;
    this.templateByKey.set(key, offset);
    this.layout.templates.push(offset);
  }

  /** Fill in the header and both checksums; the chunk's bytes are final after this. */
  finish(): Uint8Array {
    const b = this.buf;
    const dv = this.w.view;
    b.set(CHUNK_MAGIC, 0);
    dv.setBigUint64(8, this.firstNumber, true);
    dv.setBigUint64(16, this.lastNumber, true);
    dv.setBigUint64(24, this.firstId, true);
    dv.setBigUint64(32, this.lastId, true);
    dv.setUint32(40, 128, true);
    dv.setUint32(44, this.lastRecordOffset, true);
    dv.setUint32(48, this.w.pos, true);
    dv.setUint32(52, crc32(b, CHUNK_HEADER_SIZE, this.w.pos), true);
    dv.setUint32(120, 1, true); // seen set in every chunk Windows writes
    for (let i = 0; i < 64; i++) dv.setUint32(128 + 4 * i, this.nameHeads[i]!, true);
    for (let i = 0; i < 32; i++) dv.setUint32(384 + 4 * i, this.templateHeads[i]!, true);
    dv.setUint32(124, chunkHeaderCrc(b), true);
    return b;
  }
}

/** CRC-32 of the chunk header's bytes 0–120 and 128–512 (the checksum field and 4 flag bytes excluded). */
export function chunkHeaderCrc(chunk: Uint8Array): number {
  return crc32(chunk, 128, CHUNK_HEADER_SIZE, crc32(chunk, 0, 120));
}
