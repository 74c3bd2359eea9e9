/**
 * The writer's API contracts: streaming gives the same bytes as the one-shot writer, memory holds one chunk, ids and
 * written times follow the documented defaults, and what the format cannot hold is refused with an EVTX_WRITE error.
 */
import { describe, expect, it } from 'vitest';
import { HardnutError } from '../../src/core/errors.js';
import { el, EvtxWriter, sysmon1, text, v, writeEvtx, writeEvtxWithLayout, CHUNK_SIZE, FILE_HEADER_SIZE } from '../../src/evtx/writer/index.js';

const records = Array.from({ length: 300 }, (_, i) => sysmon1({ ProcessId: i, time: new Date(Date.UTC(2024, 0, 1, 0, 0, i)) }));

describe('EvtxWriter', () => {
  it('streams the same bytes writeEvtx writes, one finished chunk at a time', () => {
    const w = new EvtxWriter();
    const chunks: Uint8Array[] = [];
    for (const r of records) {
      const done = w.add(r);
      expect(done.length).toBeLessThanOrEqual(1);
      chunks.push(...done);
    }
    chunks.push(...w.finish());
    expect(w.finish()).toEqual([]);
    expect(w.chunkCount).toBe(chunks.length);
    expect(w.recordCount).toBe(300);
    const file = new Uint8Array(FILE_HEADER_SIZE + chunks.length * CHUNK_SIZE);
    file.set(w.header());
    chunks.forEach((c, i) => file.set(c, FILE_HEADER_SIZE + i * CHUNK_SIZE));
    expect(Buffer.from(file).equals(Buffer.from(writeEvtx(records)))).toBe(true);
  });

  it('numbers records from firstRecordId, continues after an explicit id, and keeps the last written time', () => {
    const e = el('Event', null, el('X', null, 'x'));
    const { bytes, layout } = writeEvtxWithLayout(
      [{ event: e, written: '2024-01-01T00:00:00Z' }, { event: e, id: 50 }, { event: e }],
      { firstRecordId: 7 },
    );
    expect(layout.chunks[0]!.records.map((r) => r.id)).toEqual([7n, 50n, 51n]);
    const dv = new DataView(bytes.buffer);
    const at = (i: number) => FILE_HEADER_SIZE + layout.chunks[0]!.records[i]!.offset + 16;
    expect(dv.getBigUint64(at(2), true)).toBe(dv.getBigUint64(at(0), true));
    expect(dv.getBigUint64(24, true)).toBe(52n); // next record identifier
  });

  it('maxRecordsPerChunk closes chunks early', () => {
    expect(writeEvtxWithLayout(records.slice(0, 25), { maxRecordsPerChunk: 10 }).layout.chunks.map((c) => c.records.length)).toEqual([10, 10, 5]);
  });

  it('an empty log is a header and no chunk', () => {
    const file = writeEvtx([]);
    expect(file.length).toBe(FILE_HEADER_SIZE);
    expect(new DataView(file.buffer).getUint16(42, true)).toBe(0);
  });
});

describe('what the format cannot hold is refused, saying what', () => {
  const refused = (f: () => unknown, message: RegExp) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(HardnutError);
      expect((e as HardnutError).code).toBe('EVTX_WRITE');
      expect((e as HardnutError).message).toMatch(message);
      return;
    }
    throw new Error('not refused');
  };

  it('values out of range or malformed', () => {
    refused(() => v.uint8(256), /uint8 out of range: 256/);
    refused(() => v.int32(2 ** 31), /int32 out of range/);
    refused(() => v.uint64(-1n), /uint64 out of range/);
    refused(() => v.sizet(2n ** 32n, 4), /size_t \(4 bytes\) out of range/);
    refused(() => v.guid('not-a-guid'), /not a GUID/);
    refused(() => v.sid('S-1'), /not a SID/);
    refused(() => v.filetime('yesterday'), /not an ISO 8601 UTC time/);
    refused(() => v.array('uint32', [v.uint16(1)]), /array of uint32 holds a uint16/);
    refused(() => v.array('sizet', [v.sizet(1, 4), v.sizet(1, 8)]), /mixes 4- and 8-byte/);
  });

  it('a record larger than a chunk, a text longer than its length field', () => {
    refused(() => writeEvtx([{ event: el('Event', null, el('X', null, v.binary(new Uint8Array(70000)))) }]), /65535-byte descriptor|does not fit in an empty chunk/);
    refused(() => writeEvtx([{ event: el('Event', null, el('X', null, text('x'.repeat(40000)))) }]), /does not fit in an empty chunk/);
    refused(() => writeEvtx([{ event: el('Event', null, el('X', null, text('x'.repeat(70000)))) }]), /exceeds the 65535/);
  });
});
