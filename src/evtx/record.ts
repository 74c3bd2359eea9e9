/**
 * An event record (libyal EVTX notes §3.2): signature `**\0\0`, size, record id, written time (FILETIME), the
 * binary XML, and the size again. A record is cheap to hold: its binary XML is parsed only when a rendering or a
 * field is asked for, and the templates it uses are shared through its chunk's cache.
 */
import { filetimeParts, isoSeconds, u32, u64n } from './bytes.js';
import { EvtxError } from './errors.js';
import { recordJsonObject, type JsonObject } from './json.js';
import { recordJsonText } from './json-line.js';
import { resolveRecord, rootElement, type RElement, type ResolvedRecord } from './resolve.js';
import { parseFragment, type ChunkContext } from './tokens.js';
import { recordXml } from './xml.js';

export const RECORD_SIGNATURE = 0x00002a2a;
export const RECORD_HEADER_SIZE = 24;
/** Header plus the trailing size copy: the smallest possible record. */
export const MIN_RECORD_SIZE = 28;

export class EvtxRecord {
  private resolved: ResolvedRecord | undefined;
  private rootEl: RElement | undefined;

  constructor(
    /** The chunk the record lives in (its bytes and caches). */
    readonly chunk: ChunkContext & { readonly index: number; readonly fileOffset: number },
    /** Offset of the record inside its chunk. */
    readonly offset: number,
    readonly size: number,
    readonly id: number,
  ) {}

  /** Absolute offset of the record in the file. */
  get fileOffset(): number {
    return this.chunk.fileOffset + this.offset;
  }

  /** The time the record was written (record header), ISO 8601 with microseconds. */
  get writtenTime(): string | undefined {
    const { seconds, ticks } = filetimeParts(this.chunk.bytes, this.offset + 16);
    const iso = isoSeconds(seconds);
    return iso && iso + '.' + String(Math.floor(ticks / 10)).padStart(6, '0') + 'Z';
  }

  /** The record's tree, parsed on first use. Throws EvtxError when the binary XML is damaged. */
  tree(): { resolved: ResolvedRecord; root: RElement } {
    if (!this.resolved) {
      const start = this.offset + RECORD_HEADER_SIZE;
      const end = this.offset + this.size - 4;
      const nodes = parseFragment(this.chunk, start, end, false, 0);
      let resolved: ResolvedRecord;
      try {
        resolved = resolveRecord(this.chunk, nodes);
      } catch (err) {
        // Limits hit while replaying have no byte of their own: point at the record's binary XML.
        if (err instanceof EvtxError && err.offset === 0) throw new EvtxError(err.message, start);
        throw err;
      }
      const root = rootElement(resolved);
      if (!root) throw new EvtxError('record has no root element', start);
      this.resolved = resolved;
      this.rootEl = root;
    }
    return { resolved: this.resolved, root: this.rootEl! };
  }

  /** One line of evtx_dump-shaped JSON. */
  json(): string {
    const { resolved, root } = this.tree();
    return recordJsonText(this.chunk.bytes, resolved.table, root);
  }

  /** The evtx_dump-shaped document as an object (integers beyond 2^53 rounded, as JSON.parse would). */
  jsonObject(): JsonObject {
    const { resolved, root } = this.tree();
    return recordJsonObject(this.chunk.bytes, resolved.table, root);
  }

  /** The Windows XML rendering. */
  xml(): string {
    const { resolved, root } = this.tree();
    return recordXml(this.chunk.bytes, resolved.table, root);
  }

  /** Drop the parsed tree (the record can parse again); lets a long-lived record hold only its location. */
  release(): void {
    this.resolved = undefined;
    this.rootEl = undefined;
  }
}

/**
 * Why the bytes at `o` are not a record, or undefined when they are one (`limit` bounds the record's end). With
 * `strict`, the trailing size copy must match too; without, a record whose copy was never written (the last one,
 * cut off while being logged) still counts, and its binary XML decides.
 */
export function recordProblem(b: Uint8Array, o: number, limit: number, strict = true): string | undefined {
  if (o + RECORD_HEADER_SIZE > limit) return 'record header runs past the records area';
  if (u32(b, o) !== RECORD_SIGNATURE) return 'no record signature';
  const size = u32(b, o + 4);
  if (size < MIN_RECORD_SIZE) return `record size ${size} is below the minimum of ${MIN_RECORD_SIZE}`;
  if (o + size > limit) return `record size ${size} runs past the records area`;
  if (strict && u32(b, o + size - 4) !== size) return `record size ${size} does not match its trailing copy ${u32(b, o + size - 4)}`;
  return undefined;
}

export function recordId(b: Uint8Array, o: number): number {
  return u64n(b, o + 8);
}
