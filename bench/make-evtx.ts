/**
 * Writes a large synthetic EVTX log for the memory and speed benchmarks, streaming: one chunk in memory whatever
 * the size. The file is valid EVTX (evtxexport reads it; test/evtx/writer-make-evtx.test.ts checks a small one).
 *
 *   npm run build && node dist/bench/make-evtx.js /tmp/big.evtx 2GiB [--seed 7] [--start 2024-03-01T00:00:00Z]
 *
 * The file is at most SIZE bytes: the header and as many whole 64 KiB chunks as fit (an EVTX header counts at most
 * 65535 chunks, so SIZE is capped just under 4 GiB). Never commit its output.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHUNK_SIZE, EvtxWriter, FILE_HEADER_SIZE, fileHeader } from '../src/evtx/writer/index.js';
import { syntheticEvents, type MixOptions } from './evtx-mix.js';

export const MAX_EVTX_BYTES = FILE_HEADER_SIZE + 0xffff * CHUNK_SIZE;

export interface MadeLog {
  path: string;
  bytes: number;
  chunks: number;
  records: number;
  ms: number;
}

/** "2GiB", "512MiB", "64KiB", "1e9" → bytes. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*(k|m|g|ki|mi|gi)?b?$/i.exec(s.trim());
  if (!m) throw new Error(`not a size: ${s} (try 2GiB, 512MiB, 1e9)`);
  const unit = (m[2] ?? '').toLowerCase();
  const mult: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3 };
  return Math.floor(Number(m[1]) * mult[unit]!);
}

/** Stream a log of at most `size` bytes to `path`. */
export function makeEvtx(path: string, size: number, options: MixOptions = {}): MadeLog {
  if (size > MAX_EVTX_BYTES) throw new Error(`an EVTX file holds at most 65535 chunks (${MAX_EVTX_BYTES} bytes); asked for ${size}`);
  const maxChunks = Math.floor((size - FILE_HEADER_SIZE) / CHUNK_SIZE);
  if (maxChunks < 1) throw new Error(`${size} bytes is less than a header and one chunk (${FILE_HEADER_SIZE + CHUNK_SIZE})`);
  const t0 = performance.now();
  const fd = openSync(path, 'w');
  let chunks = 0;
  let records = 0;
  let nextId = 1n;
  try {
    // The header counts the chunks, so it is written last, over this placeholder.
    writeSync(fd, new Uint8Array(FILE_HEADER_SIZE), 0, FILE_HEADER_SIZE, 0);
    const w = new EvtxWriter();
    const put = (chunk: Uint8Array): boolean => {
      if (chunks >= maxChunks) return false;
      writeSync(fd, chunk, 0, CHUNK_SIZE, FILE_HEADER_SIZE + chunks * CHUNK_SIZE);
      const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      records += Number(dv.getBigUint64(16, true) - dv.getBigUint64(8, true)) + 1;
      nextId = dv.getBigUint64(32, true) + 1n;
      chunks++;
      return true;
    };
    outer: for (const r of syntheticEvents(options)) {
      for (const c of w.add(r)) if (!put(c)) break outer;
    }
    writeSync(fd, fileHeader({ chunkCount: chunks, nextRecordId: nextId }), 0, FILE_HEADER_SIZE, 0);
  } finally {
    closeSync(fd);
  }
  return { path, bytes: FILE_HEADER_SIZE + chunks * CHUNK_SIZE, chunks, records, ms: performance.now() - t0 };
}

function main(argv: string[]): number {
  const args = [...argv];
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const value = args[i + 1];
    args.splice(i, 2);
    return value;
  };
  const seed = opt('--seed');
  const start = opt('--start');
  const [path, size] = args;
  if (!path || !size || args.length > 2) {
    process.stderr.write('usage: node dist/bench/make-evtx.js OUT.evtx SIZE [--seed N] [--start ISO-TIME]   (SIZE: 2GiB, 512MiB, 1e9)\n');
    return 2;
  }
  const made = makeEvtx(path, parseSize(size), { ...(seed ? { seed: Number(seed) } : {}), ...(start ? { start } : {}) });
  const mib = made.bytes / 1024 ** 2;
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stderr.write(
    `${made.path}: ${mib.toFixed(0)} MiB, ${made.chunks} chunks, ${made.records} records in ${(made.ms / 1000).toFixed(1)} s ` +
      `(${(mib / (made.ms / 1000)).toFixed(1)} MiB/s, ${Math.round(made.records / (made.ms / 1000))} records/s), peak RSS ${rss.toFixed(0)} MiB\n`,
  );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
