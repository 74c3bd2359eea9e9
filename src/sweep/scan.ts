/**
 * One file through one worker, in the sweep's two passes (run.ts). Files are only ever read: never executed,
 * imported or served, at most --max-size bytes, hashed as they are read.
 *
 * - Read pass: hashes, our detectors and the IOCs; and for YARA, which of the plan's literals occur (to choose the
 *   optional rules) and how the file starts (to choose the gated groups).
 * - YARA pass: the file scanned with this worker's share of the rules as chosen for the run.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Finding } from '../findings/finding.js';
import { runDetectors } from './detectors/index.js';
import { externalsOf, type Externals } from './filetype.js';
import { detectorFinding, filenameIocFinding, hashIocFinding, yaraFinding, type FileFacts } from './findings.js';
import { HashIndex, matchFilename, type HashKind } from './iocs.js';
import type { Arena, SweepFile, SweepMessage, SweepSettings, YaraChoice, YaraFile } from './protocol.js';
import { YaraScanner } from './yara/engine.js';
import { LiteralSet } from './yara/prefilter.js';

const CHUNK = 1 << 20;
/** Bytes of a file's start reported for the gates (YARA gates read uint8/16/32 at offset 0). */
const START_BYTES = 4;

type Post = (m: SweepMessage) => void;

export class FileScanner {
  private readonly yara: YaraScanner;
  private readonly hashes: HashIndex;
  private readonly accounts: Map<number, string>;
  private readonly literals: LiteralSet | undefined;
  /** How this batch's files start (hex of their first bytes → files), for the gates. */
  private starts = new Map<string, number>();
  /** Warnings raised before there was a task to report them with (compiling). */
  private readonly pending: SweepMessage[] = [];

  constructor(private readonly settings: SweepSettings) {
    this.yara = new YaraScanner(settings.shard, settings.optional, (message) => this.pending.push({ t: 'warning', code: 'RULE_INVALID', message }));
    this.hashes = new HashIndex(settings.hashIocs);
    this.accounts = new Map(settings.accounts);
    this.literals = settings.literals.length ? new LiteralSet(settings.literals.map((h) => Buffer.from(h, 'hex'))) : undefined;
  }

  /** Read pass over one file: read problems and counts, detector and IOC findings, and what YARA needs to know. */
  readFile(file: SweepFile, arena: Arena | undefined, post: Post): void {
    const read = readCapped(file.path, this.settings.maxSize, ['sha256', ...this.hashes.kinds], arena && !this.yara.empty ? (n) => reserve(arena, n) : undefined);
    if ('code' in read) {
      post({ t: 'warning', code: read.code, message: read.message, file: file.path });
      post({ t: 'file', path: file.path, bytes: 0, scanned: false });
      return;
    }
    const { bytes } = read;
    const facts: FileFacts = { path: file.path, sha256: read.digests.sha256!, size: bytes.length, mtime: new Date(file.mtimeMs).toISOString() };
    const findings = this.checks(bytes, facts, read.digests, post);
    if (findings.length) post({ t: 'findings', findings });
    let yaraKey: string | undefined;
    if (!this.yara.empty) {
      if (this.literals && !this.literals.complete) this.literals.feed(bytes);
      const start = bytes.subarray(0, START_BYTES).toString('hex');
      this.starts.set(start, (this.starts.get(start) ?? 0) + 1);
      const externals = this.externals(file.path, bytes, read.uid);
      yaraKey = [facts.sha256, ...this.settings.externalsRead.map((k) => externals[k as keyof Externals])].join('\0');
    }
    const at = yaraKey ? read.at : undefined;
    post({ t: 'file', path: file.path, bytes: bytes.length, scanned: true, sha256: facts.sha256, ...(yaraKey ? { yaraKey } : {}), ...(at === undefined ? {} : { at, uid: read.uid }) });
  }

  /** What the read pass saw for YARA since the last call (posted once per batch). */
  takeSeen(): SweepMessage | undefined {
    if (this.yara.empty) return undefined;
    const starts = [...this.starts];
    this.starts = new Map();
    return { t: 'seen', literals: this.literals?.takeNew() ?? [], starts };
  }

  /** YARA pass over one file, with the share compiled for `choice` (compiled on the first call). */
  yaraFile(file: YaraFile, choice: YaraChoice, arena: Arena | undefined, post: Post): void {
    this.yara.prepare(choice);
    for (const m of this.pending.splice(0)) post(m);
    const read = arena && file.at !== undefined ? fromArena(arena, file) : readCapped(file.path, this.settings.maxSize, []);
    if ('code' in read) {
      post({ t: 'warning', code: read.code, message: `${read.message} (on reading it again for the YARA rules; they did not run on it)`, file: file.path });
      return;
    }
    const { bytes } = read;
    // Size and mtime tell a change cheaply; only a changed file is hashed again.
    let sha256 = file.sha256;
    if (bytes.length !== file.size || read.mtimeMs !== file.mtimeMs) {
      sha256 = createHash('sha256').update(bytes).digest('hex');
      post({ t: 'warning', code: 'INPUT_CHANGED', message: 'the file changed during the sweep; the YARA rules ran on its new content, the other checks on its first', file: file.path });
    }
    const facts: FileFacts = { path: file.path, sha256, size: bytes.length, mtime: new Date(file.mtimeMs).toISOString() };
    let matches: ReturnType<YaraScanner['scan']> = [];
    try {
      matches = this.yara.scan(bytes, this.externals(file.path, bytes, read.uid));
    } catch (err) {
      post({ t: 'warning', code: 'INPUT_FORMAT', message: `YARA-X could not scan this file: ${(err as Error).message.split('\n')[0]}`, file: file.path });
    }
    for (const m of this.pending.splice(0)) post(m);
    const v = this.settings.version;
    if (matches.length) post({ t: 'findings', findings: matches.map((m) => yaraFinding(m, this.settings.origins[m.ruleIdentifier], bytes, facts, v)) });
  }

  private externals(path: string, bytes: Buffer, uid: number): Externals {
    return externalsOf(path, bytes, this.accounts.get(uid) ?? String(uid));
  }

  /** Our detectors and the IOCs. */
  private checks(bytes: Buffer, facts: FileFacts, digests: Partial<Record<HashKind, string>>, post: Post): Finding[] {
    const v = this.settings.version;
    const out: Finding[] = [];
    if (this.settings.detectors) {
      try {
        const skipped = (detector: string, error: unknown): void =>
          post({ t: 'warning', code: 'INTERNAL', message: `the ${detector} detector failed on this file and was skipped: ${(error as Error).message}`, file: facts.path });
        for (const hit of runDetectors({ path: facts.path, bytes }, skipped)) out.push(detectorFinding(hit, bytes, facts, v));
      } catch (err) {
        post({ t: 'warning', code: 'INTERNAL', message: `a detector failed on this file: ${(err as Error).message}`, file: facts.path });
      }
    }
    for (const ioc of this.hashes.lookup(digests)) out.push(hashIocFinding(ioc, facts, v));
    for (const ioc of matchFilename(this.settings.filenameIocs, facts.path)) out.push(filenameIocFinding(ioc, facts, v));
    return out;
  }
}

/** Room for `n` bytes in the arena, if it has it: a view to read into, and its offset. */
function reserve(arena: Arena, n: number): { buf: Buffer; at: number } | undefined {
  const next = new Int32Array(arena.next);
  if (n > arena.bytes.byteLength - Atomics.load(next, 0)) return undefined;
  const at = Atomics.add(next, 0, n);
  if (at + n > arena.bytes.byteLength) return undefined; // another worker took the room meanwhile
  return { buf: Buffer.from(arena.bytes, at, n), at };
}

/** A file's bytes as the read pass kept them, with the facts it found. */
function fromArena(arena: Arena, file: YaraFile): ReadResult {
  return { bytes: Buffer.from(arena.bytes, file.at, file.size), uid: file.uid ?? -1, mtimeMs: file.mtimeMs, digests: {} };
}

type ReadResult = { bytes: Buffer; uid: number; mtimeMs: number; digests: Partial<Record<HashKind, string>>; at?: number } | { code: string; message: string };

/**
 * Read a regular file whole, up to `maxSize` bytes, computing the `hashes` asked for as it goes. Opened non-blocking so a FIFO swapped in
 * after the walk cannot hang the worker; checked again after opening (the file may have changed since the walk).
 */
export function readCapped(
  path: string,
  maxSize: number,
  hashes: readonly HashKind[],
  /** Where to read to (the shared arena), when it has room; else a buffer of the process's own. */
  room?: (n: number) => { buf: Buffer; at: number } | undefined,
): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { code: 'INPUT_UNREADABLE', message: (err as Error).message.replace(/^[A-Z]+: /, '') };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { code: 'INPUT_SPECIAL', message: 'not a regular file; not read' };
    if (st.size > maxSize) return { code: 'INPUT_TOO_LARGE', message: `${st.size} bytes is over the limit of ${maxSize}; not read` };
    const hashers: [HashKind, Hash][] = [...new Set(hashes)].map((k) => [k, createHash(k)]);
    // One byte more than the cap is asked for, so a file that grew since fstat is noticed.
    const want = Math.min(maxSize, st.size) + 1;
    const kept = room?.(want);
    const buf = kept?.buf ?? Buffer.allocUnsafe(want);
    let n = 0;
    for (;;) {
      if (n === buf.length) return { code: 'INPUT_TOO_LARGE', message: `grew past ${buf.length - 1} bytes while being read; not scanned` };
      const got = readSync(fd, buf, n, Math.min(CHUNK, buf.length - n), null);
      if (got === 0) break;
      for (const [, h] of hashers) h.update(buf.subarray(n, n + got));
      n += got;
    }
    const digests: Partial<Record<HashKind, string>> = {};
    for (const [k, h] of hashers) digests[k] = h.digest('hex');
    return { bytes: buf.subarray(0, n), uid: st.uid, mtimeMs: st.mtimeMs, digests, ...(kept ? { at: kept.at } : {}) };
  } catch (err) {
    return { code: 'INPUT_UNREADABLE', message: (err as Error).message.replace(/^[A-Z]+: /, '') };
  } finally {
    closeSync(fd);
  }
}
