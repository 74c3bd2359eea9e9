/**
 * Memory does not grow with file size: a ≥ 1 GiB log, made in the temp folder by repeating the chunks of a real one
 * (file header fixed up: chunk count, last chunk, checksum) and deleted afterwards, parses in well under 300 MB RSS.
 * Correctness first: the record count must be the sample's count times the repeats.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from '../src/evtx/crc32.js';
import { check, CLI, DATA, needData, timeCommand, type Benchmark } from './harness.js';

const SAMPLE = join(DATA, 'evtx', 'parser-samples', 'samples', 'security.evtx');
const CHUNK = 65536;

/** Write `path`: a sample's file header and chunks, the chunks repeated until the file reaches `bytes`. */
export function makeBigEvtx(path: string, bytes: number, sample = SAMPLE): { chunks: number; repeats: number } {
  const src = readFileSync(sample);
  const perCopy = Math.floor((src.length - 4096) / CHUNK);
  const repeats = Math.ceil((bytes - 4096) / (perCopy * CHUNK));
  const chunks = repeats * perCopy;
  check(chunks <= 0xffff, 'too many chunks for the header');
  const head = Buffer.from(src.subarray(0, 4096));
  head.writeBigUInt64LE(0n, 8);
  head.writeBigUInt64LE(BigInt(chunks - 1), 16);
  head.writeUInt16LE(chunks, 42);
  head.writeUInt32LE(0, 120); // clean
  head.writeUInt32LE(crc32(head, 0, 120), 124);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    const body = src.subarray(4096, 4096 + perCopy * CHUNK);
    for (let i = 0; i < repeats; i++) writeSync(fd, body);
  } finally {
    closeSync(fd);
  }
  return { chunks, repeats };
}

export const evtxMemoryBench: Benchmark = {
  name: 'evtx-memory',
  decision: 'one 64 KiB chunk in memory at a time (src/sources/evtx-file.ts): RSS flat whatever the file size',
  skip: () => needData('evtx', 'parser-samples', 'samples', 'security.evtx'),
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'hardnut-big-'));
    try {
      const big = join(dir, 'big.evtx');
      const { repeats, chunks } = makeBigEvtx(big, 2 ** 30);
      const one = timeCommand([process.execPath, CLI, 'evtx', 'dump', SAMPLE], { repeat: 1, keepStdout: true });
      const perCopy = one.stdout.split('\n').filter(Boolean).length;
      check(perCopy > 0, 'the sample gives no records');
      const run = timeCommand(['sh', '-c', `node "${CLI}" evtx dump "${big}" | wc -l`], { repeat: 1, keepStdout: true });
      const got = Number(run.stdout.trim());
      check(got === perCopy * repeats, `big file gave ${got} records, expected ${perCopy} x ${repeats}`);
      const mib = (4096 + chunks * CHUNK) / 2 ** 20;
      return {
        measurements: [{ subject: `hardnut evtx dump ${mib.toFixed(0)} MiB | wc -l`, ms: run.ms, rate: mib / (run.ms / 1000), unit: 'MiB/s', rssMiB: run.rssMiB }],
        headline: `${mib.toFixed(0)} MiB log (${got.toLocaleString('en-GB')} records) parsed with peak RSS ${run.rssMiB.toFixed(0)} MiB`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
