/**
 * One file through one worker: read it (never executed, at most --max-size bytes, hashed as it is read), then the
 * YARA share, our detectors and the indicators; findings out. Identical content (same SHA-256) is scanned once: the
 * content's findings are kept and given again, with its own path, for every later copy.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Finding } from '../findings/finding.js';
import { runDetectors } from './detectors/index.js';
import { externalsOf } from './filetype.js';
import { detectorFinding, filenameIocFinding, hashIocFinding, yaraFinding, type FileFacts } from './findings.js';
import { HashIndex, matchFilename, type HashKind } from './iocs.js';
import type { SweepFile, SweepMessage, SweepSettings } from './protocol.js';
import { YaraScanner } from './yara/engine.js';

/** Contents remembered by SHA-256 for reuse; past this the memory is cleared and starts again. */
const MAX_REMEMBERED = 20_000;
const CHUNK = 1 << 20;

type Post = (m: SweepMessage) => void;

export class FileScanner {
  private readonly yara: YaraScanner;
  private readonly hashes: HashIndex;
  private readonly accounts: Map<number, string>;
  private readonly seen = new Map<string, Finding[]>();
  /** Warnings raised before there was a task to report them with (compiling at start). */
  private readonly pending: SweepMessage[] = [];

  constructor(private readonly settings: SweepSettings) {
    this.yara = new YaraScanner(settings.shard, (message) => this.pending.push({ t: 'warning', code: 'RULE_INVALID', message }));
    this.hashes = new HashIndex(settings.hashIocs);
    this.accounts = new Map(settings.accounts);
  }

  /** Compile the ungated rules now, before the first file. */
  warmUp(): void {
    this.yara.warmUp();
  }

  /** The optional rules this run needs (the same for every task). */
  useOptional(indices: readonly number[]): void {
    this.yara.useOptional(indices);
  }

  scanFile(file: SweepFile, primary: boolean, post: Post): void {
    for (const m of this.pending.splice(0)) post(m);
    const read = readCapped(file.path, this.settings.maxSize, primary ? [...this.hashes.kinds] : []);
    if ('code' in read) {
      if (primary) {
        post({ t: 'warning', code: read.code, message: read.message, file: file.path });
        post({ t: 'file', path: file.path, bytes: 0, scanned: false, reused: false });
      }
      return;
    }
    const facts: FileFacts = { path: file.path, sha256: read.digests.sha256!, size: read.bytes.length, mtime: new Date(file.mtimeMs).toISOString() };
    const findings: Finding[] = [];
    const known = file.maybeDuplicate ? this.seen.get(facts.sha256) : undefined;
    if (known) {
      for (const f of known) findings.push({ ...f, source: facts.path, path: facts.path, mtime: facts.mtime, time: facts.mtime });
    } else {
      const content = this.scanContent(read.bytes, facts, read.uid, primary, read.digests, post);
      findings.push(...content);
      if (file.maybeDuplicate) {
        if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
        this.seen.set(facts.sha256, content);
      }
    }
    if (primary) for (const ioc of matchFilename(this.settings.filenameIocs, file.path)) findings.push(filenameIocFinding(ioc, facts, this.settings.version));
    if (findings.length) post({ t: 'findings', findings });
    if (primary) post({ t: 'file', path: file.path, bytes: read.bytes.length, scanned: true, reused: known !== undefined });
  }

  /** Everything that depends on the content only (so it can be reused for a copy). */
  private scanContent(
    bytes: Buffer,
    facts: FileFacts,
    uid: number,
    primary: boolean,
    digests: Partial<Record<HashKind, string>>,
    post: Post,
  ): Finding[] {
    const v = this.settings.version;
    const out: Finding[] = [];
    if (!this.yara.empty) {
      const externals = externalsOf(facts.path, bytes, this.accounts.get(uid) ?? String(uid));
      let matches: ReturnType<YaraScanner['scan']> = [];
      try {
        matches = this.yara.scan(bytes, externals);
      } catch (err) {
        post({ t: 'warning', code: 'INPUT_FORMAT', message: `YARA-X could not scan this file: ${(err as Error).message.split('\n')[0]}`, file: facts.path });
      }
      for (const m of this.pending.splice(0)) post(m);
      for (const m of matches) out.push(yaraFinding(m, this.settings.origins[m.ruleIdentifier], bytes, facts, v));
    }
    if (!primary) return out;
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
    return out;
  }
}

type ReadResult = { bytes: Buffer; uid: number; digests: Partial<Record<HashKind, string>> } | { code: string; message: string };

/**
 * Read a regular file whole, up to `maxSize` bytes, hashing as it goes. Opened non-blocking so a FIFO swapped in
 * after the walk cannot hang the worker; checked again after opening (the file may have changed since the walk).
 */
export function readCapped(path: string, maxSize: number, extraHashes: HashKind[]): ReadResult {
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
    const hashers: [HashKind, Hash][] = [['sha256', createHash('sha256')]];
    for (const k of extraHashes) if (k !== 'sha256') hashers.push([k, createHash(k)]);
    // One byte more than the cap is asked for, so a file that grew since fstat is noticed.
    const buf = Buffer.allocUnsafe(Math.min(maxSize, st.size) + 1);
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
    return { bytes: buf.subarray(0, n), uid: st.uid, digests };
  } catch (err) {
    return { code: 'INPUT_UNREADABLE', message: (err as Error).message.replace(/^[A-Z]+: /, '') };
  } finally {
    closeSync(fd);
  }
}
