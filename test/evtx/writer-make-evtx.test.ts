/**
 * The benchmark log generator: a small log from it is valid EVTX that evtxexport reads whole (every record, no
 * error), with the intended mix of events and some attacker tradecraft in it; the same seed gives the same bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeEvtx, MAX_EVTX_BYTES, parseSize } from '../../bench/make-evtx.js';
import { evtxexportXml, haveEvtxexport } from './writer-readers.js';
import { walkFile } from './structure-walk.js';
import { decodedText } from './writer-readers.js';

const dir = mkdtempSync(join(tmpdir(), 'hardnut-make-evtx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench/make-evtx', () => {
  const path = join(dir, 'small.evtx');
  const made = makeEvtx(path, parseSize('3MiB'), { seed: 42 });
  const bytes = readFileSync(path);

  it('writes whole chunks up to the requested size, and the header counts them', () => {
    expect(made.bytes).toBe(bytes.length);
    expect(bytes.length).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect(made.chunks).toBe(Math.floor((3 * 1024 * 1024 - 4096) / 65536));
    expect(bytes.readUInt16LE(42)).toBe(made.chunks);
    const walked = walkFile(new Uint8Array(bytes), { text: decodedText });
    expect(walked.records).toHaveLength(made.records);
  });

  it.skipIf(!haveEvtxexport())('is read whole by evtxexport: every record, the mix of events, attacks among them', () => {
    const out = evtxexportXml(new Uint8Array(bytes));
    expect(out.status).toBe(0);
    expect(out.stdout).not.toMatch(/Unable to export/);
    const ids = [...out.stdout.matchAll(/<EventRecordID>(\d+)</g)].map((m) => Number(m[1]));
    expect(ids).toEqual(Array.from({ length: made.records }, (_, i) => i + 1));
    const eventIds = new Set([...out.stdout.matchAll(/<EventID(?: [^>]*)?>(\d+)</g)].map((m) => Number(m[1])));
    for (const id of [1, 3, 11, 13, 4624, 4625, 4688, 4104]) expect(eventIds, `event ${id}`).toContain(id);
    expect(out.stdout).toMatch(/-enc |comsvcs\.dll, MiniDump|vssadmin\.exe delete shadows|certutil\.exe -urlcache|ntdsutil/);
  });

  it('is reproducible from its seed', () => {
    const again = join(dir, 'again.evtx');
    makeEvtx(again, parseSize('1MiB'), { seed: 42 });
    const first = join(dir, 'first.evtx');
    makeEvtx(first, parseSize('1MiB'), { seed: 42 });
    expect(readFileSync(again).equals(readFileSync(first))).toBe(true);
  });

  it('refuses sizes an EVTX header cannot count, and understands units', () => {
    expect(() => makeEvtx(join(dir, 'x.evtx'), MAX_EVTX_BYTES + 1)).toThrow(/65535 chunks/);
    expect(() => makeEvtx(join(dir, 'x.evtx'), 5000)).toThrow(/less than a header and one chunk/);
    expect(parseSize('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseSize('512MiB')).toBe(512 * 1024 ** 2);
    expect(parseSize('1e9')).toBe(1e9);
    expect(() => parseSize('lots')).toThrow(/not a size/);
  });
});
