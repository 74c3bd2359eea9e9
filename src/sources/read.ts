/**
 * The one entry `hunt` calls: a file in, its events out, whatever the format. The file is recognised by content
 * (sniff.ts), read in bounded pieces (never whole), decoded (UTF-8 or UTF-16, with or without a byte order mark) and
 * parsed by the format's reader. Nothing here throws for bad input: an unreadable file, an unknown format, a damaged
 * record become counted warnings naming the file, and the run goes on.
 *
 * Synchronous on purpose: hunt runs it inside worker threads, one file per task, where blocking reads are the fastest.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Diagnostics } from '../core/diagnostics.js';
import { describeError } from '../core/errors.js';
import type { EventRecord } from '../events/event.js';
import { eventsFromChunks, type TextFormat } from './pipeline.js';
import { FileProblems } from './problems.js';
import { SNIFF_BYTES, sniffFormat, type Sniffed, type TextEncoding } from './sniff.js';
import type { InputFile } from './walk.js';

/**
 * The slot for the EVTX reader (src/evtx, written separately): given a file recognised as EVTX, its events.
 * Until it is connected, EVTX files are skipped with a counted warning.
 */
export type EvtxReader = (file: InputFile, diagnostics: Diagnostics) => Iterable<EventRecord>;

export interface ReadOptions {
  /** Where EVTX files go (see EvtxReader). */
  evtx?: EvtxReader | undefined;
  /** The host for events whose log names none (IIS without s-computername, access logs). */
  defaultHost?: string | undefined;
  /** Longest line or document, in characters (default 16 Mi); longer ones are skipped with a warning. */
  maxRecordChars?: number;
  /** Bytes read at a time (default 1 MiB). */
  chunkBytes?: number;
  /** Warn about files of no known format (default true); false when the caller sniffs and filters itself. */
  warnUnknown?: boolean;
}

const DEFAULT_MAX_RECORD = 16 * 1024 * 1024;
const DEFAULT_CHUNK = 1024 * 1024;

const errnoText = (err: unknown) => describeError(err).replace(/^[A-Z]+: /, '');

/** Read the first bytes of a file (at most SNIFF_BYTES). */
function readHead(fd: number): Uint8Array {
  const buf = Buffer.allocUnsafe(SNIFF_BYTES);
  let n = 0;
  while (n < buf.length) {
    const got = readSync(fd, buf, n, buf.length - n, n);
    if (got === 0) break;
    n += got;
  }
  return buf.subarray(0, n);
}

/** What format a file is (reads its first 64 KiB); undefined with a warning when it cannot be read. */
export function sniffFile(path: string, diagnostics: Diagnostics): Sniffed | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    diagnostics.warn('INPUT_UNREADABLE', errnoText(err), path);
    return undefined;
  }
  try {
    return sniffFormat(readHead(fd), path);
  } catch (err) {
    diagnostics.warn('INPUT_UNREADABLE', errnoText(err), path);
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The decoded text of a file, in chunks of `chunkBytes`; a read error ends it with a warning. */
function* decodedChunks(fd: number, encoding: TextEncoding, chunkBytes: number, onError: (err: unknown) => void): Generator<string> {
  const decoder = new TextDecoder(encoding);
  const buf = Buffer.allocUnsafe(chunkBytes);
  let pos = 0;
  while (true) {
    let got: number;
    try {
      got = readSync(fd, buf, 0, buf.length, pos);
    } catch (err) {
      onError(err);
      return;
    }
    if (got === 0) break;
    pos += got;
    const text = decoder.decode(buf.subarray(0, got), { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * Every event of one input file, in file order. For example:
 *
 *     for (const e of readEvents(file, diagnostics, { evtx: readEvtxFile })) match(e);
 */
export function* readEvents(file: InputFile | string, diagnostics: Diagnostics, options: ReadOptions = {}): Generator<EventRecord> {
  const input: InputFile = typeof file === 'string' ? { path: file, size: -1, mtimeMs: 0 } : file;
  const path = input.path;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    diagnostics.warn('INPUT_UNREADABLE', errnoText(err), path);
    return;
  }
  let sniffed: Sniffed;
  try {
    sniffed = sniffFormat(readHead(fd), path);
  } catch (err) {
    closeSync(fd);
    diagnostics.warn('INPUT_UNREADABLE', errnoText(err), path);
    return;
  }

  if (sniffed.format === 'evtx' || sniffed.format === 'unknown') {
    closeSync(fd);
    if (sniffed.format === 'unknown') {
      if (options.warnUnknown !== false) diagnostics.warn('INPUT_FORMAT', sniffed.reason ?? 'not a log format hardnut reads', path);
      return;
    }
    if (!options.evtx) {
      diagnostics.warn('INPUT_FORMAT', 'an EVTX file, but no EVTX reader is connected; not read', path);
      return;
    }
    yield* options.evtx(input, diagnostics);
    return;
  }

  const problems = new FileProblems(diagnostics, path);
  const ctx = {
    file: path,
    problems,
    defaultHost: options.defaultHost,
    maxRecordChars: options.maxRecordChars ?? DEFAULT_MAX_RECORD,
  };
  let events = 0;
  try {
    const chunks = decodedChunks(fd, sniffed.encoding, options.chunkBytes ?? DEFAULT_CHUNK, (err) =>
      diagnostics.warn('INPUT_UNREADABLE', `read error after part of the file was read: ${errnoText(err)}`, path),
    );
    for (const e of eventsFromChunks(chunks, sniffed.format as TextFormat, ctx)) {
      events++;
      yield e;
    }
  } catch (err) {
    // A reader bug must cost one file, not the run.
    diagnostics.warn('INTERNAL', `reading stopped: ${describeError(err)}`, path);
  } finally {
    closeSync(fd);
    problems.finish();
  }
  if (events === 0 && problems.count === 0 && (sniffed.format === 'json-stream' || sniffed.format === 'event-xml')) {
    diagnostics.warn('INPUT_FORMAT', sniffed.format === 'json-stream' ? 'no JSON documents found' : 'no <Event> elements found', path);
  }
}
