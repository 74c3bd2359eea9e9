/**
 * From the paths given to the tasks a hunt runs: every regular file under them (formats are recognised by content
 * when each is read, so nothing is chosen by extension), with large EVTX files cut into chunk ranges so that one
 * huge log keeps every worker busy. EVTX chunks are independent (each has its own string and template tables), which
 * is what makes the cut free.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Diagnostics } from '../core/diagnostics.js';
import { walkInputs } from '../sources/walk.js';
import type { HuntTask } from './protocol.js';

const EVTX_HEADER = 4096;
const EVTX_CHUNK = 65536;
/** Chunks per task when a large EVTX file is shared out: 16 MiB, a few seconds of work, small enough to balance. */
export const CHUNKS_PER_TASK = 256;

export interface Plan {
  tasks: HuntTask[];
  files: number;
  bytes: number;
}

function isEvtx(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(8);
    return readSync(fd, head, 0, 8, 0) === 8 && head.toString('latin1') === 'ElfFile\0';
  } catch {
    return false; // the reader will say what is wrong with it
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Every file under `paths` as tasks; EVTX files over `splitAbove` bytes become chunk ranges (0 never splits). */
export function planHunt(paths: readonly string[], diagnostics: Diagnostics, splitAbove: number): Plan {
  const tasks: HuntTask[] = [];
  let files = 0;
  let bytes = 0;
  for (const f of walkInputs(paths, { diagnostics })) {
    files++;
    bytes += f.size;
    const base = { path: f.path, size: f.size, mtimeMs: f.mtimeMs };
    const chunks = Math.ceil(Math.max(0, f.size - EVTX_HEADER) / EVTX_CHUNK);
    if (splitAbove > 0 && f.size > splitAbove && chunks > CHUNKS_PER_TASK && isEvtx(f.path)) {
      for (let first = 0; first < chunks; first += CHUNKS_PER_TASK) {
        const end = Math.min(chunks, first + CHUNKS_PER_TASK);
        tasks.push({ ...base, firstChunk: first, endChunk: end, bytes: (end - first) * EVTX_CHUNK + (first === 0 ? EVTX_HEADER : 0) });
      }
    } else tasks.push({ ...base, bytes: f.size });
  }
  return { tasks, files, bytes };
}
