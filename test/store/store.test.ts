/**
 * The DuckDB case store: round trips of real-shaped findings (hostile text included), the schema against the logical
 * one, migrations from an older case, errors (locked, not a case, newer schema), runs killed half-way, two runs in one
 * case, and a 100,000-finding bulk load through the appender.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Diagnostics } from '../../src/core/diagnostics.js';
import { HardnutError } from '../../src/core/errors.js';
import type { EventRecord } from '../../src/events/event.js';
import type { Finding } from '../../src/findings/finding.js';
import { DuckDBCaseStore } from '../../src/store/duckdb/store.js';
import { openCase } from '../../src/store/open.js';
import { openRunRecorder } from '../../src/store/recorder.js';
import { SCHEMA_VERSION, TABLES, type LogicalType } from '../../src/store/schema.js';
import type { CaseStore } from '../../src/store/store.js';
import { ROOT, sampleFinding } from '../helpers.js';
import { bulkFindings, intrusionFindings } from '../fixtures/intrusion.js';

const dirs: string[] = [];
function tempCase(name = 'case.duckdb'): string {
  const d = mkdtempSync(join(tmpdir(), 'hardnut-store-'));
  dirs.push(d);
  return join(d, name);
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function readAll(store: CaseStore, order: 'time' | 'severity' = 'time'): Promise<Finding[]> {
  const out: Finding[] = [];
  for await (const batch of store.findings({ order })) out.push(...batch);
  return out;
}

async function record(path: string, findings: readonly Finding[], opts: { completed?: boolean; command?: string } = {}): Promise<string> {
  const rec = await openRunRecorder({ case: path, command: opts.command ?? 'hunt', args: ['evidence/'], version: '0.1.0' });
  for (const f of findings) rec.sink.add(f);
  rec.sink.end();
  await rec.finish({ read: { files: 2, bytes: 1234, events: 99 }, rules: { loaded: 51, failed: 0 } }, opts.completed ?? true);
  return rec.runId!;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<HardnutError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HardnutError);
  expect((err as HardnutError).code).toBe(code);
  return err as HardnutError;
}

/** What UTF-8 can carry of a JS string: lone surrogates become U+FFFD. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const wellFormedDeep = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [wellFormed(k), typeof v === 'string' ? wellFormed(v) : v]));

/** Text an attacker controls: SQL metacharacters, NUL, lone surrogates, bidi overrides, markup. */
const HOSTILE = [
  "'); DROP TABLE findings; --",
  'a\u0000b',
  'lone \ud800 surrogate',
  'bidi \u202egnp.exe',
  '</script><script>alert(1)</script>',
  '$1 $2 ? :name',
  '\\x27 \\ \' " `',
  '💥 日本語 Ünïcödé',
  'x'.repeat(100_000),
];

describe('round trips', () => {
  test('every field of real-shaped findings comes back as it went in', async () => {
    const path = tempCase();
    const findings = intrusionFindings();
    await record(path, findings);
    const store = await openCase(path, { readOnly: true });
    expect(await readAll(store)).toEqual(findings);
    const runs = await store.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ command: 'hunt', arguments: ['evidence/'], completed: true, filesRead: 2, bytesRead: 1234, eventsRead: 99 });
    expect(runs[0]!.findings).toBe(findings.length);
    expect(runs[0]!.findingsStored).toBe(findings.length);
    expect(runs[0]!.endedAt).not.toBeNull();
    await store.close();
  });

  test('hostile strings are bound, never spliced into SQL, and survive', async () => {
    const path = tempCase();
    const findings = HOSTILE.map((s, i) =>
      sampleFinding({
        host: s,
        summary: s,
        source: s,
        record: i,
        rule: { ...sampleFinding().rule, id: s, title: s, author: s, references: [s], tags: [s] },
        evidence: { [s]: s, n: i, b: true, z: null },
      }),
    );
    await record(path, findings, { command: HOSTILE[0]! });
    const store = await openCase(path);
    await store.setCrownJewels([HOSTILE[0]!, HOSTILE[2]!], true);
    const back = await readAll(store);
    expect(back).toHaveLength(findings.length);
    // Text goes through UTF-8 and JSON must be valid Unicode for DuckDB: a lone surrogate becomes U+FFFD; all else survives.
    for (const [i, f] of back.entries()) {
      const want = findings.find((x) => x.record === f.record)!;
      expect(f.evidence).toEqual(wellFormedDeep(want.evidence));
      expect(f.rule.tags).toEqual(want.rule.tags.map(wellFormed));
      expect(f.summary).toBe(wellFormed(want.summary));
      expect(f.host, `finding ${i}`).toBe(wellFormed(want.host!));
    }
    const hosts = await store.hosts();
    expect(hosts.filter((h) => h.crownJewel).map((h) => h.name).sort()).toEqual([HOSTILE[0], wellFormed(HOSTILE[2]!)].sort());
    expect((await store.runs())[0]!.command).toBe(HOSTILE[0]);
    expect(await store.countFindings()).toBe(findings.length);
    await store.close();
  });

  test('time text that a microsecond timestamp cannot hold is kept exactly', async () => {
    const path = tempCase();
    const findings = [
      sampleFinding({ time: '2021-03-03T04:05:06.1234567Z', record: 1 }),
      sampleFinding({ time: '2021-03-03T04:05:06Z', record: 2 }),
      sampleFinding({ time: '2021-03-03T04:05:06.123456Z', record: 3 }),
      sampleFinding({ time: 'yesterday', record: 4 }),
      sampleFinding({ time: null, record: 5 }),
    ];
    await record(path, findings);
    const store = await openCase(path, { readOnly: true });
    const back = await readAll(store);
    expect(back.map((f) => f.time).sort()).toEqual(findings.map((f) => f.time).sort());
    const rows = await collect(await store.query('SELECT record, CAST(time AS VARCHAR) FROM findings ORDER BY record'));
    expect(rows).toEqual([
      [1, '2021-03-03 04:05:06.123456'],
      [2, '2021-03-03 04:05:06'],
      [3, '2021-03-03 04:05:06.123456'],
      [4, null],
      [5, null],
    ]);
    await store.close();
  });

  test('fields a later Finding adds are kept in extra and come back', async () => {
    const path = tempCase();
    const f = { ...sampleFinding(), future_field: { a: [1, 2] } } as Finding;
    (f.rule as unknown as Record<string, unknown>)['license'] = 'DRL-1.1';
    await record(path, [f]);
    const store = await openCase(path, { readOnly: true });
    expect(await readAll(store)).toEqual([f]);
    await store.close();
  });
});

async function collect(q: { rows: AsyncIterable<unknown[][]> }): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const chunk of q.rows) out.push(...chunk);
  return out;
}

const DUCK_TYPES: Record<LogicalType, string> = {
  uuid: 'UUID',
  text: 'VARCHAR',
  int8: 'TINYINT',
  int32: 'INTEGER',
  int64: 'BIGINT',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
  'text[]': 'VARCHAR[]',
};

describe('schema and migrations', () => {
  test('the migrated tables are exactly the logical schema, column for column', async () => {
    const path = tempCase();
    const store = await openCase(path);
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    const q = await store.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'main' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')
       ORDER BY table_name, ordinal_position`,
    );
    const got: Record<string, string[]> = {};
    for (const [t, c, ty] of await collect(q)) (got[String(t)] ??= []).push(`${String(c)} ${String(ty)}`);
    const want: Record<string, string[]> = {};
    for (const [t, cols] of Object.entries(TABLES)) want[t] = cols.map((c) => `${c.name} ${DUCK_TYPES[c.type]}`);
    expect(got).toEqual(want);
    await store.close();
  });

  test('a case made at schema 1 is upgraded in place, its data intact', async () => {
    const path = tempCase();
    const old = await DuckDBCaseStore.open(path, { migrateTo: 1, hardnutVersion: '0.0.1' });
    expect(await old.schemaVersion()).toBe(1);
    old.closeSync();
    // Write a run and a finding the way a schema-1 hardnut did (no events_stored column, no run_inputs).
    const inst = await DuckDBInstance.create(path);
    const c = await inst.connect();
    await c.run(`INSERT INTO runs (id, command, arguments, hardnut_version, started_at, ended_at, completed, findings)
      VALUES ('0b7c3f7e-0000-4000-8000-000000000001', 'hunt', ['old'], '0.0.1', '2021-03-04 00:00:00', '2021-03-04 00:01:00', true, 1)`);
    await c.run(`INSERT INTO findings (run_id, seq, kind, time, host, source, level, level_rank, rule_id, rule_title, attack, tactics, evidence, count)
      VALUES ('0b7c3f7e-0000-4000-8000-000000000001', 0, 'sigma', '2021-03-03 04:05:06.123', 'OLD01', 'a.evtx', 'high', 3, 'r1', 'Old rule',
        '["T1505.003"]', '["persistence"]', '{"CommandLine":"whoami"}', 1)`);
    c.closeSync();
    inst.closeSync();
    // Opening read-only upgrades first, then reads.
    const store = await openCase(path, { readOnly: true, hardnutVersion: '0.1.0' });
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    const versions = await collect(await store.query('SELECT version, hardnut_version FROM schema_version ORDER BY version'));
    expect(versions).toEqual([
      [1, '0.0.1'],
      [2, '0.1.0'],
      [3, '0.1.0'],
    ]);
    const [f] = await readAll(store);
    expect(f).toMatchObject({ host: 'OLD01', level: 'high', attack: ['T1505.003'], evidence: { CommandLine: 'whoami' }, time: '2021-03-03T04:05:06.123Z' });
    const runs = await store.runs();
    expect(runs[0]).toMatchObject({ command: 'hunt', arguments: ['old'], completed: true, eventsStored: null });
    expect(await collect(await store.query('SELECT technique FROM finding_techniques'))).toEqual([['T1505.003']]);
    await store.close();
    // And the upgraded case takes new runs.
    await record(path, [sampleFinding()]);
    const again = await openCase(path, { readOnly: true });
    expect(await again.countFindings()).toBe(2);
    await again.close();
  });

  test('a case from a newer hardnut is refused, not damaged', async () => {
    const path = tempCase();
    (await openCase(path)).close();
    const inst = await DuckDBInstance.create(path);
    const c = await inst.connect();
    await c.run(`INSERT INTO schema_version VALUES (${SCHEMA_VERSION + 6}, 'from the future', now()::TIMESTAMP, '9.0.0')`);
    c.closeSync();
    inst.closeSync();
    const err = await expectCode(openCase(path), 'CASE_VERSION');
    expect(err.oneLine()).toContain(`schema ${SCHEMA_VERSION + 6}`);
    expect(err.oneLine()).toContain(path);
  });

  test('files that are not case stores are named and refused', async () => {
    const text = tempCase('notes.txt');
    writeFileSync(text, 'hello, this is not a database\n');
    expect((await expectCode(openCase(text), 'CASE_INVALID')).oneLine()).toMatch(/notes\.txt: is not a hardnut case store/);
    const other = tempCase('other.duckdb');
    const inst = await DuckDBInstance.create(other);
    const c = await inst.connect();
    await c.run('CREATE TABLE customers (name VARCHAR)');
    c.closeSync();
    inst.closeSync();
    await expectCode(openCase(other), 'CASE_INVALID');
    await expectCode(openCase(tempCase('absent.duckdb'), { readOnly: true }), 'CASE_MISSING');
    await expectCode(openCase(join(text, '..')), 'CASE_INVALID');
  });
});

const CHILD = `
import { openRunRecorder } from ${JSON.stringify(join(ROOT, 'dist/src/store/recorder.js'))};
const [path, mode] = process.argv.slice(1); // node -e CODE PATH MODE: no script name in argv
const rec = await openRunRecorder({ case: path, command: 'hunt', args: [mode], version: '0.1.0', batchSize: 50, flushIntervalMs: 600000 });
const finding = (i) => ({ kind: 'sigma', time: new Date(Date.UTC(2021, 2, 3) + i * 1000).toISOString(), host: 'H' + (i % 3),
  source: 'a.evtx', level: 'high', rule: { id: 'r', title: 'T', level: 'high', status: null, author: 'me', references: [], tags: [] },
  attack: [], tactics: [], summary: 'finding ' + i, evidence: { i }, origin: { engine: 'sigma', command: 'hunt', version: '0.1.0' }, record: i });
if (mode === 'hold') {
  process.stdout.write('ready\\n');
  process.stdin.resume();
  process.stdin.on('end', async () => { await rec.finish({}, true); process.exit(0); });
} else {
  let i = 0;
  setInterval(() => {
    for (let k = 0; k < 10; k++) rec.sink.add(finding(i++));
    if (i % 50 === 0) process.stdout.write('committed ' + i + '\\n');
  }, 2);
}
`;

function child(path: string, mode: 'slow' | 'hold') {
  const p = spawn(process.execPath, ['--input-type=module', '-e', CHILD, path, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) resolve(m);
      };
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        check();
      });
      p.on('exit', (code) => reject(new Error(`child exited (${code}) before ${re}: ${out}`)));
    });
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  return { p, waitFor, exited };
}

describe('runs that are killed, runs in turn, runs at once', () => {
  test('a run killed half-way leaves a consistent case, that run marked incomplete, every committed batch in it', async () => {
    const path = tempCase();
    const c = child(path, 'slow');
    const m = await c.waitFor(/committed (\d*[05]00)\n/);
    c.p.kill('SIGKILL');
    await c.exited;
    const committed = Number(m[1]);
    const store = await openCase(path, { hardnutVersion: '0.1.0' });
    const [run] = await store.runs();
    expect(run).toMatchObject({ command: 'hunt', arguments: ['slow'], completed: false, endedAt: null, findings: null });
    expect(run!.error).toMatch(/interrupted/);
    const stored = run!.findingsStored;
    expect(stored).toBeGreaterThanOrEqual(committed);
    expect(stored % 50).toBe(0); // whole batches only
    // Its findings are whole and in order; its hosts were brought up to date when the case was reopened.
    const seqs = await collect(await store.query('SELECT min(seq), max(seq), count(DISTINCT seq) FROM findings'));
    expect(seqs).toEqual([[0, stored - 1, stored]]);
    expect((await store.hosts()).reduce((n, h) => n + h.findings, 0)).toBe(stored);
    await store.close();
    // The next run lands beside it, complete.
    await record(path, intrusionFindings());
    const after = await openCase(path, { readOnly: true });
    const runs = await after.runs();
    expect(runs.map((r) => r.completed)).toEqual([false, true]);
    expect(await after.countFindings()).toBe(stored + intrusionFindings().length);
    await after.close();
  });

  test('two runs written one after the other both land, each with its own findings', async () => {
    const path = tempCase();
    const a = intrusionFindings().slice(0, 10);
    const b = intrusionFindings().slice(10);
    const ra = await record(path, a, { command: 'hunt' });
    const rb = await record(path, b, { command: 'sweep' });
    const store = await openCase(path, { readOnly: true });
    const runs = await store.runs();
    expect(runs.map((r) => [r.id, r.command, r.completed, r.findingsStored])).toEqual([
      [ra, 'hunt', true, a.length],
      [rb, 'sweep', true, b.length],
    ]);
    const onlyB: Finding[] = [];
    for await (const batch of store.findings({ runIds: [rb] })) onlyB.push(...batch);
    expect(onlyB).toEqual(b);
    await store.close();
  });

  test('a case open in another process gives a clear error, and works once it is closed', async () => {
    const path = tempCase();
    const c = child(path, 'hold');
    await c.waitFor(/ready/);
    const err = await expectCode(openRunRecorder({ case: path, command: 'hunt', args: [], version: '0.1.0' }), 'CASE_LOCKED');
    expect(err.oneLine()).toMatch(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: case store is open in another process \\(process ${c.p.pid}`));
    await expectCode(openCase(path, { readOnly: true }), 'CASE_LOCKED');
    c.p.stdin.end();
    expect(await c.exited).toBe(0);
    await record(path, [sampleFinding()]);
    const store = await openCase(path, { readOnly: true });
    expect((await store.runs()).map((r) => r.arguments)).toEqual([['hold'], ['evidence/']]);
    await store.close();
  });
});

describe('what a run records besides findings', () => {
  test('skipped inputs and warnings with their reasons, inputs read, events, hosts noted', async () => {
    const path = tempCase();
    const diagnostics = new Diagnostics();
    const rec = await openRunRecorder({ case: path, command: 'hunt', args: [], version: '0.1.0' });
    rec.watch(diagnostics);
    rec.inputRead('logs/Security.evtx', { bytes: 69632, events: 120 });
    diagnostics.warn('INPUT_FORMAT', 'not an EVTX file (bad file header signature)', 'logs/garbage.evtx');
    diagnostics.warn('INPUT_UNREADABLE', 'permission denied', 'logs/locked.evtx');
    diagnostics.warn('RULE_INVALID', "unknown modifier 'contians'", 'rules/bad.yml');
    const event: EventRecord = {
      get: () => undefined,
      *entries() {
        yield ['CommandLine', 'cmd /c whoami'] as const;
        yield ['EventID', 1] as const;
        yield ['Missing', undefined] as const;
      },
      channel: 'Microsoft-Windows-Sysmon/Operational',
      eventId: 1,
      provider: 'Microsoft-Windows-Sysmon',
      host: 'QUIET01',
      time: '2021-03-01T00:00:00.000Z',
      recordId: 7,
    };
    rec.addEvents('logs/Sysmon.evtx', [event, event]);
    rec.noteHost('CLEAN01', '2021-02-01T00:00:00Z');
    rec.noteHost('CLEAN01', '2021-02-03T00:00:00Z');
    rec.sink.add(sampleFinding());
    rec.sink.end();
    await rec.finish({ read: { files: 3, bytes: 70000 } }, true);

    const store = await openCase(path, { readOnly: true });
    const [run] = await store.runs();
    expect(run).toMatchObject({ inputsSkipped: 2, eventsStored: 2, findings: 1, completed: true });
    expect(run!.skipped.map((s) => [s.code, s.count])).toEqual([
      ['INPUT_FORMAT', 1],
      ['INPUT_UNREADABLE', 1],
      ['RULE_INVALID', 1],
    ]);
    const inputs = await collect(await store.query('SELECT status, path, code, bytes FROM run_inputs ORDER BY seq'));
    expect(inputs).toEqual([
      ['read', 'logs/Security.evtx', null, 69632],
      ['skipped', 'logs/garbage.evtx', 'INPUT_FORMAT', null],
      ['skipped', 'logs/locked.evtx', 'INPUT_UNREADABLE', null],
      ['warning', 'rules/bad.yml', 'RULE_INVALID', null],
    ]);
    const events = await collect(await store.query(`SELECT host, event_id, fields->>'CommandLine', CAST(fields AS VARCHAR) FROM events`));
    expect(events[0]).toEqual(['QUIET01', 1, 'cmd /c whoami', '{"CommandLine":"cmd /c whoami","EventID":1}']);
    const hosts = Object.fromEntries((await store.hosts()).map((h) => [h.name, h]));
    expect(hosts['CLEAN01']).toMatchObject({ findings: 0, firstSeen: '2021-02-01T00:00:00.000Z', lastSeen: '2021-02-03T00:00:00.000Z' });
    expect(hosts['QUIET01']).toMatchObject({ findings: 0, firstSeen: '2021-03-01T00:00:00.000Z' });
    expect(hosts['EXCH01.corp.example']).toMatchObject({ findings: 1, maxLevelRank: 3 });
    await store.close();
  });

  test('a store that fails mid-run is reported once, the run goes on and is recorded incomplete', async () => {
    const path = tempCase();
    const real = await openCase(path);
    let commits = 0;
    const failing: CaseStore = Object.create(real) as CaseStore;
    failing.openWriter = async (id) => {
      const w = await real.openWriter(id);
      return {
        addFinding: (s, f) => w.addFinding(s, f),
        addEvent: (s, e) => w.addEvent(s, e),
        addInput: (s, i) => w.addInput(s, i),
        commit: () => (++commits === 2 ? Promise.reject(new Error('disk full')) : w.commit()),
        close: () => w.close(),
      };
    };
    const errors: string[] = [];
    const rec = await openRunRecorder({ case: path, command: 'hunt', args: [], version: '0.1.0', store: failing, batchSize: 10, onError: (m) => errors.push(m) });
    for (const f of bulkFindings(45)) rec.sink.add(f);
    rec.sink.end();
    await rec.finish({}, true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/writing the case store failed.*disk full/);
    const store = await openCase(path, { readOnly: true });
    const [run] = await store.runs();
    expect(run).toMatchObject({ completed: false });
    expect(run!.error).toMatch(/disk full/);
    await store.close();
  });

  test('--no-case records nothing', async () => {
    const rec = await openRunRecorder({ case: undefined, command: 'hunt', args: [], version: '0.1.0' });
    rec.sink.add(sampleFinding());
    await rec.finish({}, true);
    expect(rec.runId).toBeUndefined();
  });
});

describe('bulk', () => {
  test('100,000 findings through the appender, all there and countable by SQL', async () => {
    const path = tempCase();
    const findings = bulkFindings(100_000);
    const t0 = performance.now();
    await record(path, findings);
    const ms = performance.now() - t0;
    // Measured, not asserted: the figure goes to the benchmark; this just shows it in the test log.
    console.log(`appender: ${findings.length} findings in ${ms.toFixed(0)} ms (${Math.round(findings.length / (ms / 1000))} findings/s)`);
    const store = await openCase(path, { readOnly: true });
    expect(await store.countFindings()).toBe(100_000);
    const byLevel = Object.fromEntries(await collect(await store.query('SELECT level, count(*) FROM findings GROUP BY level')));
    const want: Record<string, number> = {};
    for (const f of findings) want[f.level] = (want[f.level] ?? 0) + 1;
    expect(byLevel).toEqual(want);
    let n = 0;
    let last = '';
    for await (const batch of store.findings()) {
      for (const f of batch) {
        expect((f.time ?? '\uffff') >= last).toBe(true);
        last = f.time ?? '\uffff';
        n++;
      }
    }
    expect(n).toBe(100_000);
    await store.close();
  });
});
