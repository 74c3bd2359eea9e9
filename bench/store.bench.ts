/**
 * Case store bulk load: 100,000 findings through the run recorder (DuckDB appender, committed every 5,000) against
 * DuckDB's own native JSON loader (read_json of the same findings as JSONL into a table) in the same run. Checks the
 * row counts first. Also times reading every finding back as Findings (what report and export do).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../src/findings/finding.js';
import { openCase } from '../src/store/open.js';
import { openRunRecorder } from '../src/store/recorder.js';
import { check, ratio, timeFn, type Benchmark } from './harness.js';

const N = 100_000;

function findings(n: number): Finding[] {
  const out: Finding[] = [];
  const start = Date.parse('2021-03-02T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const host = `WS${String(i % 40).padStart(3, '0')}.corp.example`;
    out.push({
      kind: 'sigma',
      time: new Date(start + i * 997).toISOString(),
      host,
      source: `evidence/${host}/Microsoft-Windows-Sysmon%4Operational.evtx`,
      level: i % 20 === 0 ? 'high' : 'low',
      rule: {
        id: 'c65cb878-88c8-4960-ab8f-c54140f0996d',
        title: 'Built-in Discovery Command',
        level: 'low',
        status: 'test',
        author: 'hardnut project',
        references: ['https://www.cisa.gov/news-events/cybersecurity-advisories/aa23-144a'],
        tags: ['attack.discovery', 'attack.t1016'],
      },
      attack: ['T1016'],
      tactics: ['discovery'],
      summary: `cmd.exe /c ipconfig /all (#${i})`,
      evidence: { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: `cmd.exe /c ipconfig /all #${i}`, ParentImage: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe', ProcessId: 4000 + (i % 900) },
      origin: { engine: 'sigma', command: 'hunt', version: '0.1.0' },
      record: 100000 + i,
      channel: 'Microsoft-Windows-Sysmon/Operational',
      event_id: 1,
    });
  }
  return out;
}

export const storeBench: Benchmark = {
  name: 'store',
  decision: 'findings go into the case through the DuckDB appender, a batch commit every 5,000, within a small factor of DuckDB’s native JSON loader',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'hardnut-bench-store-'));
    try {
      const data = findings(N);
      let k = 0;
      const appender = await timeFn(async () => {
        const path = join(dir, `a${k++}.duckdb`);
        const rec = await openRunRecorder({ case: path, command: 'hunt', args: [], version: 'bench' });
        for (const f of data) rec.sink.add(f);
        rec.sink.end();
        await rec.finish({}, true);
        return path;
      }, 3);
      const store = await openCase(appender.value, { readOnly: true });
      check((await store.countFindings()) === N, 'appender: wrong number of findings stored');
      const read = await timeFn(async () => {
        let n = 0;
        for await (const b of store.findings()) n += b.length;
        return n;
      }, 2);
      await store.close();
      check(read.value === N, `read back ${read.value} findings, not ${N}`);

      const jsonl = join(dir, 'f.jsonl');
      writeFileSync(jsonl, data.map((f) => JSON.stringify(f)).join('\n') + '\n');
      const native = await timeFn(async () => {
        const inst = await DuckDBInstance.create(join(dir, `n${k++}.duckdb`));
        const c = await inst.connect();
        await c.run(`CREATE TABLE findings AS SELECT * FROM read_json('${jsonl}', format = 'newline_delimited')`);
        const r = await c.runAndReadAll('SELECT count(*) FROM findings');
        const n = Number(r.getRows()[0]![0]);
        c.closeSync();
        inst.closeSync();
        return n;
      }, 3);
      check(native.value === N, `read_json loaded ${native.value} rows, not ${N}`);
      return {
        measurements: [
          { subject: 'hardnut run recorder (appender)', ms: appender.ms, rate: N / (appender.ms / 1000), unit: 'findings/s' },
          { subject: "DuckDB read_json (native loader)", ms: native.ms, rate: N / (native.ms / 1000), unit: 'findings/s' },
          { subject: 'hardnut store.findings() read back', ms: read.ms, rate: N / (read.ms / 1000), unit: 'findings/s' },
        ],
        headline: `${N} findings; recorder at ${ratio(native.ms, appender.ms)} the speed of DuckDB's native JSON load`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
