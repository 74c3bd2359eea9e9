/** The streaming EVTX source: one chunk in memory at a time, the same records as reading the whole file, warnings naming the file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/core/diagnostics.js';
import { readEvtx } from '../../src/evtx/index.js';
import { evtxFileEvents, readEvtxFile, type EvtxFileStats } from '../../src/sources/evtx-file.js';
import { el, evtxFile, subst, text, v } from '../evtx/build.js';
import { bytesOf, PARSER } from '../evtx/samples.js';
import { dataMissing } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hardnut-evtxfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readEvtxFile', () => {
  const missing = dataMissing('evtx', 'parser-samples');
  it.skipIf(missing)(`yields what reading the whole file in memory yields, and chunk ranges partition it${missing ? ` (skipped: ${missing})` : ''}`, () => {
    const path = join(PARSER, 'samples', 'security.evtx');
    const whole = [...readEvtx(bytesOf(path))].map((r) => r.json());
    const d = new Diagnostics();
    const stats: EvtxFileStats = { chunks: 0, records: 0, lost: 0, failed: false };
    const streamed = [...readEvtxFile(path, { diagnostics: d }, stats)].map((r) => r.json());
    expect(streamed).toEqual(whole);
    expect(stats).toMatchObject({ records: whole.length, failed: false });
    const ranges = [0, 10, 20, 30].flatMap((c) => [...readEvtxFile(path, { diagnostics: new Diagnostics(), firstChunk: c, endChunk: c + 10 })].map((r) => r.json()));
    expect(ranges).toEqual(whole);
  });

  it('reports problems as warnings naming the file; lazy events skip damaged records', () => {
    const body = el('Event', [['xmlns', [text('x')]]], ...el('System', [], ...el('EventID', [], subst(0, 0x06))));
    const bytes = evtxFile([1, 2].map(() => ({ body, values: [v.int(0x06, 4688, 2)] })));
    bytes[4096 + 52] = bytes[4096 + 52]! ^ 0xff; // records checksum
    const path = join(dir, 'crc.evtx');
    writeFileSync(path, bytes);
    const d = new Diagnostics();
    const events = [...evtxFileEvents(path, { diagnostics: d })];
    expect(events.map((e) => e.eventId)).toEqual([4688, 4688]);
    expect(d.byCode()).toEqual([expect.objectContaining({ code: 'EVTX_CHUNK_CRC', count: 1, examples: [expect.objectContaining({ file: path })] })]);

    const d2 = new Diagnostics();
    const stats: EvtxFileStats = { chunks: 0, records: 0, lost: 0, failed: false };
    expect([...readEvtxFile(join(dir, 'absent.evtx'), { diagnostics: d2 }, stats)]).toEqual([]);
    expect(stats.failed).toBe(true);
    expect(d2.byCode()[0]?.code).toBe('INPUT_UNREADABLE');
  });
});
