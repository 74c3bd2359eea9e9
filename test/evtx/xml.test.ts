/**
 * Cross-check with libyal's evtxexport: our XML agrees record by record (EventRecordID, EventID, time, channel,
 * computer, provider, every EventData value) — against evtxexport run live on the parser samples when it is
 * installed, and against its reference dumps (../shared/tools/acceptance/reference) on every sample.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEvtx } from '../../src/evtx/index.js';
import { dataMissing } from '../helpers.js';
import { ATTACK, bytesOf, evtxexportReference, evtxFiles, PARSER, type RefRecord } from './samples.js';

const missing = dataMissing('evtx');
const haveEvtxexport = spawnSync('sh', ['-c', 'command -v evtxexport'], { stdio: 'ignore' }).status === 0;

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The compared fields of each `<Event>` document in a stream of them (ours or evtxexport's, same layout). */
export function xmlRecords(text: string): RefRecord[] {
  const out: RefRecord[] = [];
  for (const m of text.matchAll(/<Event[\s>][\s\S]*?<\/Event>/g)) {
    const block = m[0];
    const one = (re: RegExp) => {
      const x = re.exec(block);
      return x ? unescape(x[1]!) : null;
    };
    const data: Record<string, string> = {};
    const ed = /<EventData(?:\s[^>]*)?>([\s\S]*?)<\/EventData>/.exec(block);
    if (ed) {
      let i = 0;
      for (const d of ed[1]!.matchAll(/<Data(?: Name="([^"]*)")?\s*(?:\/>|>([\s\S]*?)<\/Data>)/g)) {
        i++;
        data[d[1] !== undefined && d[1] !== '' ? unescape(d[1]) : `Data[${i}]`] = unescape(d[2] ?? '');
      }
    }
    out.push({
      rid: one(/<EventRecordID>([^<]*)</) ?? undefined,
      eid: one(/<EventID(?:\s[^>]*)?>([^<]*)</),
      time: one(/<TimeCreated SystemTime="([^"]*)"/),
      channel: one(/<Channel>([^<]*)</),
      computer: one(/<Computer>([^<]*)</),
      provider: one(/<Provider Name="([^"]*)"/),
      data,
    });
  }
  return out;
}

const normTime = (t: string | null | undefined) => {
  const m = t ? /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(t) : null;
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}` : t;
};
/** As an XML parser reads text (line ends normalised), without characters XML cannot carry, trimmed. */
const norm = (v: unknown) => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').trim() : '');

/** Records of `want` that `got` lacks or renders differently, described for the failure message. */
function disagreements(want: RefRecord[], got: RefRecord[]): string[] {
  const byId = new Map(got.map((r) => [r.rid, r]));
  const bad: string[] = [];
  for (const w of want) {
    if (w.rid === undefined) continue;
    const g = byId.get(w.rid);
    if (!g) {
      bad.push(`record ${w.rid} missing`);
      continue;
    }
    for (const k of ['eid', 'channel', 'computer', 'provider'] as const) if (norm(w[k]) !== norm(g[k])) bad.push(`record ${w.rid} ${k}: ${w[k]} vs ${g[k]}`);
    if (normTime(w.time) !== normTime(g.time)) bad.push(`record ${w.rid} time: ${w.time} vs ${g.time}`);
    const wd = w.data ?? {};
    const gd = g.data ?? {};
    const keys = new Set([...Object.keys(wd), ...Object.keys(gd)]);
    for (const k of keys) if (norm(wd[k]) !== norm(gd[k]) || !(k in wd) || !(k in gd)) bad.push(`record ${w.rid} ${k}: ${JSON.stringify(wd[k])} vs ${JSON.stringify(gd[k])}`);
  }
  return bad;
}

function ourXml(path: string): string {
  let s = '';
  for (const r of readEvtx(bytesOf(path))) {
    try {
      s += r.xml() + '\n';
    } catch {
      // a damaged record: evtxexport may or may not have it; the count check is in damaged.test.ts
    }
  }
  return s;
}

describe.skipIf(missing)(`XML agrees with evtxexport${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it.skipIf(!haveEvtxexport)(`live, on every parser sample evtxexport reads${haveEvtxexport ? '' : ' (skipped: evtxexport not installed)'}`, () => {
    let compared = 0;
    for (const f of evtxFiles(join(PARSER, 'samples'))) {
      const p = spawnSync('evtxexport', ['-f', 'xml', f], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (p.status !== 0) continue; // evtxexport gave up on this file; nothing to compare against
      const want = xmlRecords(p.stdout);
      expect(disagreements(want, xmlRecords(ourXml(f))).slice(0, 5), f).toEqual([]);
      compared += want.length;
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  for (const [set, root] of [
    ['attack', ATTACK],
    ['parser', PARSER],
  ] as const) {
    const ref = evtxexportReference(set);
    it.skipIf(!ref)(`against evtxexport's reference dump of the ${set} samples${ref ? '' : ' (skipped: reference dump absent)'}`, () => {
      let compared = 0;
      for (const [rel, r] of Object.entries(ref!)) {
        if (!r.ok) continue;
        const bad = disagreements(r.records, xmlRecords(ourXml(join(root, rel))));
        expect(bad.slice(0, 5), rel).toEqual([]);
        compared += r.records.length;
      }
      expect(compared).toBeGreaterThan(5000);
    });
  }
});
