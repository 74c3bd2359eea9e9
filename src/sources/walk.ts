/**
 * Input walking shared by every command: files, folders (recursive, sorted), several paths.
 * Symlinks are followed, but a folder is entered once only (by device and inode), so loops end; special files,
 * broken links and unreadable folders become counted warnings. Missing top-level paths are a usage error (exit 2),
 * checked before any work starts.
 * Synchronous on purpose: the walk is metadata-only, and sync stat calls are an order of magnitude faster than
 * awaiting the thread pool for each file (bench/walk.bench.ts).
 */
import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../core/diagnostics.js';
import { HardnutError } from '../core/errors.js';

export interface InputFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface WalkOptions {
  diagnostics: Diagnostics;
  /** Inside folders, only files this accepts are yielded (files named on the command line always are). */
  accept?: (path: string) => boolean;
  /** Skip paths this matches (files and folders). */
  exclude?: (path: string) => boolean;
  /** Files larger than this are skipped with a counted warning. */
  maxSize?: number;
}

/** Throws INPUT_MISSING naming the first path that does not exist. */
export function checkInputPaths(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new HardnutError('INPUT_MISSING', 'no such file or folder', { file: p });
      if (code === 'EACCES' || code === 'EPERM') throw new HardnutError('INPUT_UNREADABLE', 'permission denied', { file: p });
      throw new HardnutError('INPUT_UNREADABLE', (err as Error).message, { file: p });
    }
  }
}

function kindOf(st: Stats): string | undefined {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return undefined;
}

/** Every regular file under `paths`, in a stable order. */
export function* walkInputs(paths: readonly string[], options: WalkOptions): Generator<InputFile> {
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  for (const p of paths) yield* visit(p, true);

  function* visit(path: string, topLevel: boolean): Generator<InputFile> {
    const d = options.diagnostics;
    if (!topLevel && options.exclude?.(path)) return;
    let st: Stats;
    try {
      st = statSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') d.warn('INPUT_LOOP', 'symlink loop', path);
      else if (code === 'ENOENT') {
        let isLink = false;
        try {
          isLink = lstatSync(path).isSymbolicLink();
        } catch {
          // gone entirely
        }
        d.warn('INPUT_UNREADABLE', isLink ? 'broken symlink' : 'vanished while walking', path);
      } else d.warn('INPUT_UNREADABLE', (err as Error).message.replace(/^[A-Z]+: /, ''), path);
      return;
    }
    if (st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (seenDirs.has(key)) {
        d.warn('INPUT_LOOP', 'folder already walked (symlink loop or repeated path); not walked again', path);
        return;
      }
      seenDirs.add(key);
      let names: string[];
      try {
        names = readdirSync(path);
      } catch (err) {
        d.warn('INPUT_UNREADABLE', `cannot list folder: ${(err as Error).message.replace(/^[A-Z]+: /, '')}`, path);
        return;
      }
      names.sort();
      for (const name of names) yield* visit(join(path, name), false);
      return;
    }
    if (!st.isFile()) {
      d.warn('INPUT_SPECIAL', `${kindOf(st) ?? 'not a regular file'}; not read`, path);
      return;
    }
    if (!topLevel && options.accept && !options.accept(path)) return;
    const key = `${st.dev}:${st.ino}`;
    if (seenFiles.has(key)) return; // the same file reached twice (hard or symbolic link): read once, silently
    seenFiles.add(key);
    if (options.maxSize !== undefined && st.size > options.maxSize) {
      d.warn('INPUT_TOO_LARGE', `${st.size} bytes is over the limit of ${options.maxSize}; not read`, path);
      return;
    }
    yield { path, size: st.size, mtimeMs: st.mtimeMs };
  }
}
