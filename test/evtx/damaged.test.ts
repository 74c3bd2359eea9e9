/**
 * Damaged and dirty files: on each of the parser samples we recover at least as many records as the better of
 * evtxexport and the Rust parser; and on deliberate damage done to a good file in memory (chunk count, chunk
 * signature, checksums, record sizes, truncation, string table, garbage) every record that can be kept is kept and
 * every loss is reported with its chunk and offset.
 */
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvtx, type EvtxProblem } from '../../src/evtx/index.js';
import { dataMissing } from '../helpers.js';
import { bytesOf, evtxexportReference, evtxFiles, PARSER, RUST_COUNTS } from './samples.js';

const missing = dataMissing('evtx', 'parser-samples');

/** Records that render, and the problems reported, reading `bytes`. */
function readAll(bytes: Uint8Array): { ok: string[]; failed: number; problems: EvtxProblem[] } {
  const problems: EvtxProblem[] = [];
  const ok: string[] = [];
  let failed = 0;
  for (const r of readEvtx(bytes, (p) => problems.push(p))) {
    try {
      ok.push(r.json());
      r.xml();
    } catch {
      failed++;
    }
  }
  return { ok, failed, problems };
}

describe.skipIf(missing)(`damaged samples${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const ref = evtxexportReference('parser');
  it('recovers at least as many records as the better of evtxexport and the Rust parser, naming chunk and offset of every problem', () => {
    const short: string[] = [];
    for (const f of evtxFiles(join(PARSER, 'samples'))) {
      const name = basename(f);
      const want = Math.max(ref?.[`samples/${name}`]?.records.length ?? 0, RUST_COUNTS[name] ?? 0);
      const r = readAll(bytesOf(f));
      if (r.ok.length < want) short.push(`${name}: ${r.ok.length} < ${want}`);
      for (const p of r.problems) {
        expect(p.offset, `${name}: ${p.message}`).toBeTypeOf('number');
        if (p.code !== 'EVTX_FILE_HEADER') expect(p.chunk, p.message).toBeTypeOf('number');
      }
    }
    expect(short).toEqual([]);
  });
});

describe.skipIf(missing)(`damage done to a good file${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const good = () => bytesOf(join(PARSER, 'samples', 'security.evtx')).slice();
  const baseline = missing ? { ok: [], failed: 0, problems: [] } : readAll(good());
  const CHUNK = (i: number) => 4096 + i * 65536;

  it('the baseline reads cleanly', () => {
    expect(baseline.ok.length).toBe(2261);
    expect(baseline.failed).toBe(0);
  });

  it('a wrong chunk count in the header: every chunk present is still read', () => {
    const b = good();
    new DataView(b.buffer).setUint16(42, 1, true);
    const r = readAll(b);
    expect(r.ok).toEqual(baseline.ok);
    expect(r.problems.some((p) => p.code === 'EVTX_FILE_HEADER' && /reading all/.test(p.message))).toBe(true);
  });

  it('a damaged chunk signature: the chunk is still read when its records are intact', () => {
    const b = good();
    b[CHUNK(2)] = 0x58;
    const r = readAll(b);
    expect(r.ok).toEqual(baseline.ok);
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'EVTX_CHUNK_HEADER', chunk: 2, lost: false }));
  });

  it('a chunk overwritten with garbage costs that chunk only, and says so', () => {
    const b = good();
    for (let i = 0; i < 65536; i++) b[CHUNK(3) + i] = (i * 7919) & 0xff;
    const r = readAll(b);
    const inChunk3 = baseline.ok.length - r.ok.length;
    expect(inChunk3).toBeGreaterThan(0);
    expect(r.ok.length).toBeGreaterThan(baseline.ok.length - 200);
    expect(r.problems).toContainEqual(expect.objectContaining({ chunk: 3, lost: true }));
  });

  it('bad and absent checksums: reported, records all kept', () => {
    const b = good();
    const dv = new DataView(b.buffer);
    dv.setUint32(CHUNK(0) + 52, 0xdeadbeef, true); // records checksum wrong
    dv.setUint32(CHUNK(1) + 52, 0, true); // both checksums absent
    dv.setUint32(CHUNK(1) + 124, 0, true);
    const r = readAll(b);
    expect(r.ok).toEqual(baseline.ok);
    expect(r.problems.filter((p) => p.code === 'EVTX_CHUNK_CRC').map((p) => p.chunk)).toEqual([0]);
  });

  it('a bad string table (the chunk header hash buckets) changes nothing: names are read where the records point', () => {
    const b = good();
    for (let i = 128; i < 384; i++) b[CHUNK(0) + i] = 0xff;
    const r = readAll(b);
    expect(r.ok).toEqual(baseline.ok);
  });

  it('a zero-size record: that record is lost (reported with its offset), the next ones are found again', () => {
    const b = good();
    const first = CHUNK(0) + 512;
    const second = first + new DataView(b.buffer).getUint32(first + 4, true);
    new DataView(b.buffer).setUint32(second + 4, 0, true);
    const r = readAll(b);
    expect(r.ok.length).toBe(baseline.ok.length - 1);
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'EVTX_RECORD', chunk: 0, offset: second, record: 2, lost: true }));
  });

  it('a truncated file: the records before the cut are kept, the cut is reported', () => {
    const b = good().subarray(0, CHUNK(1) + 30000);
    const r = readAll(b);
    expect(r.ok.length).toBeGreaterThan(0);
    expect(r.ok).toEqual(baseline.ok.slice(0, r.ok.length));
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'EVTX_TRUNCATED', chunk: 1 }));
  });

  it('a broken template: its records fail one by one, others render', () => {
    const b = good();
    // The first record's inline template definition starts 24 + 4 + 10 bytes in; break its first element token.
    const defBody = CHUNK(0) + 512 + 24 + 4 + 10 + 24 + 4;
    b[defBody] = 0x1f;
    const r = readAll(b);
    expect(r.failed).toBeGreaterThan(0);
    expect(r.ok.length + r.failed).toBe(baseline.ok.length);
  });

  it('not an EVTX file: one clear problem, no records', () => {
    const r = readAll(Uint8Array.from({ length: 70000 }, (_, i) => (i * 131 + 7) & 0xff));
    expect(r.ok).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'EVTX_FILE_HEADER', lost: true })]);
    expect(readAll(new Uint8Array(0)).problems[0]?.message).toMatch(/empty file/);
  });
});
