/**
 * Damaged variants are damaged in the intended way, and only that way: the bytes that changed are the ones named,
 * our structural walker rejects each one, and evtxexport/evtxinfo react as they do to the real damaged samples
 * (skips the chunk with bad magic, flags the bad checksum or dirty header, stops at the broken template…).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, crc32, damage, sysmon1, writeEvtxWithLayout, type Damage } from '../../src/evtx/writer/index.js';
import { walkFile } from './structure-walk.js';
import { decodedText, haveEvtxexport } from './writer-readers.js';

// 30 records, 10 a chunk: chunk 1 holds records 11–20; its record 4 is record 15.
const { bytes, layout } = writeEvtxWithLayout(
  Array.from({ length: 30 }, (_, i) => sysmon1({ ProcessId: i, CommandLine: `cmd.exe /c echo ${i}` })),
  { maxRecordsPerChunk: 10 },
);
const ALL = Array.from({ length: 30 }, (_, i) => i + 1);
const range = (a: number, b: number) => ALL.filter((i) => i >= a && i <= b);

function run(cmd: string, file: Uint8Array, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hardnut-evtxw-'));
  try {
    const path = join(dir, 'damaged.evtx');
    writeFileSync(path, file);
    const p = spawnSync(cmd, [...args, path], { encoding: 'utf8' });
    return { status: p.status, stdout: p.stdout, stderr: p.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function exported(file: Uint8Array, mode: 'items' | 'all'): { ids: number[]; status: number | null; stdout: string; stderr: string } {
  const p = run('evtxexport', file, ['-f', 'xml', '-m', mode]);
  return { ids: [...p.stdout.matchAll(/<EventRecordID>(\d+)</g)].map((m) => Number(m[1])), ...p };
}

/** Offsets where two files differ. */
function changed(a: Uint8Array, b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

const C1 = 4096 + CHUNK_SIZE;

interface Case {
  damage: Damage;
  /** Where the bytes may change (besides recomputed checksums at 124, C1+52, C1+124). */
  within?: [number, number][];
  length?: number;
  /** evtxexport -m items / -m all: the record ids it exports. */
  items: number[];
  all?: number[];
  /** evtxexport's exit status and message when it gives up. */
  fails?: RegExp;
  /** evtxinfo's verdict. */
  info?: RegExp;
  /** Text evtxexport must not print (the damaged value intact). */
  lacks?: string;
}

const rec = (chunk: number, i: number) => 4096 + chunk * CHUNK_SIZE + layout.chunks[chunk]!.records[i]!.offset;

const CASES: Case[] = [
  { damage: { kind: 'dirty-header' }, within: [[16, 44], [120, 124]], items: ALL, info: /Is corrupted[\s\S]*Is dirty/ },
  { damage: { kind: 'bad-header-flags' }, within: [[120, 124]], items: ALL },
  { damage: { kind: 'bad-file-header-crc' }, within: [[124, 128]], items: ALL, info: /Is corrupted/ },
  { damage: { kind: 'bad-chunk-magic', chunk: 1 }, within: [[C1, C1 + 8]], items: [...range(1, 10), ...range(21, 30)], all: [...range(1, 10), ...range(21, 30), ...range(11, 20)] },
  { damage: { kind: 'bad-chunk-magic', chunk: 1, magic: 'near-miss' }, within: [[C1 + 7, C1 + 8]], items: [...range(1, 10), ...range(21, 30)] },
  { damage: { kind: 'bad-chunk-header-crc', chunk: 1 }, within: [[C1 + 124, C1 + 128]], items: ALL, info: /Is corrupted/ },
  { damage: { kind: 'bad-event-records-crc', chunk: 1 }, within: [[C1 + 52, C1 + 56]], items: ALL, info: /Is corrupted/ },
  { damage: { kind: 'no-crc' }, items: ALL, info: /Is corrupted/ },
  { damage: { kind: 'zero-size-record', chunk: 1, record: 4 }, items: [...range(1, 14), ...range(21, 30)], all: [...range(1, 14), ...range(21, 30), ...range(16, 20)] },
  { damage: { kind: 'size-copy-mismatch', chunk: 1, record: 4 }, items: [...range(1, 14), ...range(21, 30)], all: [...range(1, 14), ...range(21, 30), ...range(16, 20)] },
  { damage: { kind: 'zeroed-records', chunk: 1, record: 4 }, items: [...range(1, 14), ...range(21, 30)] },
  { damage: { kind: 'zero-chunk', chunk: 1 }, within: [[C1, C1 + CHUNK_SIZE]], items: [...range(1, 10), ...range(21, 30)] },
  { damage: { kind: 'truncate-mid-chunk', chunk: 2 }, length: 4096 + 2 * CHUNK_SIZE + Math.floor((512 + layout.chunks[2]!.records.at(-1)!.offset + layout.chunks[2]!.records.at(-1)!.size) / 2), items: range(1, 20) },
  { damage: { kind: 'truncate-mid-record', chunk: 2, record: 3 }, items: range(1, 20) },
  { damage: { kind: 'incomplete-template', chunk: 1 }, items: range(1, 10), fails: /unsupported type: 0x41/ },
  // libevtx reads the cut record past its end (printing its size copy as text) and loses the records in the zeros.
  { damage: { kind: 'incomplete-token-stream', chunk: 1, record: 4 }, within: [[rec(1, 4), rec(1, 5)]], items: [...range(1, 15), ...range(21, 30)], lacks: 'cmd.exe /c echo 14</Data>' },
  { damage: { kind: 'bad-template-offset', chunk: 1, record: 4 }, items: range(1, 14), fails: /read_fragment_header: invalid binary XML token/ },
  { damage: { kind: 'bad-string-table', chunk: 1 }, within: [[C1 + 128, C1 + 384]], items: ALL },
  { damage: { kind: 'oversized-length', field: 'record', chunk: 1, record: 4 }, items: [...range(1, 14), ...range(21, 30)], all: [...range(1, 14), ...range(21, 30), ...range(16, 20)] },
  { damage: { kind: 'oversized-length', field: 'element', chunk: 1, record: 0 }, items: range(1, 10), fails: /invalid element size value out of bounds/ },
  { damage: { kind: 'oversized-length', field: 'text', chunk: 1, record: 0 }, items: range(1, 10), fails: /invalid value data size value out of bounds/ },
  { damage: { kind: 'oversized-length', field: 'value', chunk: 1, record: 0 }, items: range(1, 10), fails: /read_template_instance_values: invalid binary data offset value out of bounds/ },
  { damage: { kind: 'oversized-length', field: 'name', chunk: 1, record: 0 }, items: range(1, 10), fails: /invalid name size value out of bounds/ },
];

const name = (d: Damage) => Object.entries(d).map(([k, x]) => (k === 'kind' ? x : `${k}=${x}`)).join(' ');

describe('damaged variants', () => {
  it('the undamaged file is clean for every check', () => {
    expect(walkFile(bytes, { text: decodedText }).records).toHaveLength(30);
    if (!haveEvtxexport()) return;
    expect(run('evtxinfo', bytes).stdout).not.toMatch(/corrupted|dirty/i);
    expect(exported(bytes, 'items').ids).toEqual(ALL);
  });

  describe.each(CASES.map((c) => [name(c.damage), c] as const))('%s', (_n, c) => {
    const broken = damage(bytes, layout, c.damage);

    it('changes only what it names', () => {
      if (c.length !== undefined) expect(broken.length).toBe(c.length);
      if (!c.within) return;
      const allowed = [...c.within, [124, 128], [C1 + 52, C1 + 56], [C1 + 124, C1 + 128]];
      for (const at of changed(bytes, broken)) expect(allowed.some(([x, y]) => at >= x! && at < y!), `byte ${at} changed`).toBe(true);
      expect(changed(bytes, broken).length).toBeGreaterThan(0);
    });

    it('keeps the checksums right unless they are the damage', () => {
      const checksumDamage = c.damage.kind === 'bad-file-header-crc' || c.damage.kind === 'no-crc';
      const dv = new DataView(broken.buffer);
      if (broken.length < 4096) return;
      expect(dv.getUint32(124, true) === crc32(broken, 0, 120)).toBe(!checksumDamage);
    });

    it('is rejected by the structural walker', () => {
      if (c.damage.kind === 'bad-header-flags') return; // flags are not structure
      expect(() => walkFile(broken, { text: decodedText })).toThrow();
    });

    it.skipIf(!haveEvtxexport())('meets evtxexport as the real damaged samples do', () => {
      const items = exported(broken, 'items');
      expect(items.ids).toEqual(c.items);
      if (c.fails) {
        expect(items.status).toBe(1);
        expect(items.stderr).toMatch(c.fails);
      }
      if (c.lacks) expect(items.stdout).not.toContain(c.lacks);
      if (c.all) expect(exported(broken, 'all').ids).toEqual(c.all);
      if (c.info) expect(run('evtxinfo', broken).stdout).toMatch(c.info);
    });
  });

  it('keepChecksums leaves the damage with checksums that no longer match, as in most real damaged logs', () => {
    const broken = damage(bytes, layout, { kind: 'zero-size-record', chunk: 1, record: 4 }, { keepChecksums: true });
    const dv = new DataView(broken.buffer);
    expect(dv.getUint32(C1 + 52, true)).not.toBe(crc32(broken, C1 + 512, C1 + dv.getUint32(C1 + 48, true)));
  });

  it('says what it cannot find', () => {
    expect(() => damage(bytes, layout, { kind: 'bad-chunk-magic', chunk: 9 })).toThrow(/no chunk 9/);
    expect(() => damage(bytes, layout, { kind: 'zero-size-record', chunk: 0, record: 99 })).toThrow(/has no record 99/);
    expect(() => damage(bytes, layout, { kind: 'oversized-length', field: 'text', chunk: 1, record: 5 })).toThrow(/no text-length/);
  });
});
