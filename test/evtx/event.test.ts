/**
 * The contract hunt relies on: the lazy EvtxEvent's flat field view (get, entries, channel/eventId/provider/host/
 * time/recordId) equals what EvtxJsonEvent gives over evtx_dump's JSON of the same record, on every regression
 * file. Rules tested on the JSON then behave the same on EVTX.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EvtxJsonEvent } from '../../src/events/evtx-json.js';
import { EvtxEvent, readEvtx } from '../../src/evtx/index.js';
import { dataMissing } from '../helpers.js';
import { bytesOf, concatenatedJson, evtxFiles, REGRESSION } from './samples.js';

const missing = dataMissing('sigma', 'regression_data');

describe.skipIf(missing)(`EvtxEvent equals EvtxJsonEvent over evtx_dump's JSON${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('on every regression record: metadata, entries in order, and get of every field', () => {
    let compared = 0;
    for (const f of evtxFiles(REGRESSION)) {
      const docs = concatenatedJson(readFileSync(f.slice(0, -5) + '.json', 'utf8'));
      const records = [...readEvtx(bytesOf(f))];
      expect(records.length, f).toBe(docs.length);
      records.forEach((r, i) => {
        const ours = new EvtxEvent(r);
        const theirs = new EvtxJsonEvent(docs[i] as Record<string, never>);
        for (const k of ['channel', 'eventId', 'provider', 'host', 'time', 'recordId'] as const) expect(ours[k], `${f} ${k}`).toEqual(theirs[k]);
        const entries = [...theirs.entries()];
        expect([...ours.entries()], f).toEqual(entries);
        for (const [k] of entries) expect(ours.get(k), `${f} ${k}`).toEqual(theirs.get(k));
        expect(ours.get('Event.System.Channel')).toEqual(theirs.get('Event.System.Channel'));
        expect(ours.get('NoSuchField')).toBeUndefined();
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(150);
  });
});

const samplesMissing = dataMissing('evtx');
describe.skipIf(samplesMissing)(`EvtxEvent's System-only metadata path${samplesMissing ? ` (skipped: ${samplesMissing})` : ''}`, () => {
  it('equals EvtxJsonEvent over our own JSON on every record of the attack and parser samples', async () => {
    const { ATTACK, PARSER } = await import('./samples.js');
    let compared = 0;
    for (const f of [...evtxFiles(ATTACK), ...evtxFiles(PARSER)]) {
      for (const r of readEvtx(bytesOf(f))) {
        let line: string;
        try {
          line = r.json();
        } catch {
          continue;
        }
        const theirs = new EvtxJsonEvent(JSON.parse(line) as Record<string, never>);
        const ours = new EvtxEvent(r);
        const m = (e: EvtxEvent | EvtxJsonEvent) => [e.channel, e.eventId, e.provider, e.host, e.time, e.recordId];
        expect(m(ours), f).toEqual(m(theirs));
        // The fields go on from the System fields read for the metadata (fields.ts): the same view as the document's.
        const entries = [...theirs.entries()];
        expect([...ours.entries()], f).toEqual(entries);
        // And in the other order: fields first, then metadata.
        const fieldsFirst = new EvtxEvent(r);
        expect([...fieldsFirst.entries()], f).toEqual(entries);
        expect(m(fieldsFirst), f).toEqual(m(theirs));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  });
});

describe('EvtxJsonEvent metadata', () => {
  it('comes from System, not from an EventData field of the same name', () => {
    const e = new EvtxJsonEvent({
      Event: { System: { Channel: 'Security', Computer: 'DC01', EventID: 1102, EventRecordID: 7 }, EventData: { Channel: 'System', Computer: 'X' } },
    } as never);
    expect([e.channel, e.host, e.eventId, e.recordId]).toEqual(['Security', 'DC01', 1102, 7]);
    expect(e.get('Channel')).toBe('System'); // the flat view keeps EventData's value, as before
  });
});
