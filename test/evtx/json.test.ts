/** Golden comparison: our JSON of every SigmaHQ regression record equals evtx_dump's (the .json beside each .evtx). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEvtx } from '../../src/evtx/index.js';
import { dataMissing } from '../helpers.js';
import { bytesOf, concatenatedJson, evtxFiles, REGRESSION } from './samples.js';

const missing = dataMissing('sigma', 'regression_data');

describe.skipIf(missing)(`evtx_dump JSON parity${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('equals evtx_dump on every regression record, types included', () => {
    const files = evtxFiles(REGRESSION);
    expect(files.length).toBeGreaterThan(100);
    let records = 0;
    for (const f of files) {
      const want = concatenatedJson(readFileSync(f.slice(0, -5) + '.json', 'utf8'));
      const got = [...readEvtx(bytesOf(f))].map((r) => JSON.parse(r.json()));
      expect(got, f).toEqual(want);
      records += got.length;
    }
    expect(records).toBeGreaterThan(150);
  });

  it('writes one record a line, starting with the Event key', () => {
    const f = evtxFiles(REGRESSION)[0]!;
    for (const r of readEvtx(bytesOf(f))) {
      const line = r.json();
      expect(line).not.toContain('\n');
      expect(line.startsWith('{"Event":')).toBe(true);
    }
  });
});

const samplesMissing = dataMissing('evtx');
describe.skipIf(samplesMissing)(`the JSONL writer and the object builder agree${samplesMissing ? ` (skipped: ${samplesMissing})` : ''}`, () => {
  it('parsing each line gives the builder object, on every record of the attack and parser samples', async () => {
    const { ATTACK, PARSER } = await import('./samples.js');
    let n = 0;
    for (const f of [...evtxFiles(ATTACK), ...evtxFiles(PARSER)]) {
      for (const r of readEvtx(bytesOf(f))) {
        let line: string;
        try {
          line = r.json();
        } catch {
          continue;
        }
        expect(JSON.parse(line), f).toEqual(r.jsonObject());
        n++;
      }
    }
    expect(n).toBeGreaterThan(20_000);
  });
});
