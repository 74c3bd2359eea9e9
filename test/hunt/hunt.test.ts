/**
 * `hardnut hunt` end to end on evidence our own writer and tests make: EVTX, web server and Exchange logs, JSON,
 * a damaged file among good ones, filters, exit codes, worker threads, correlations across files, the case store.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { security4625, sysmon1, writeEvtx } from '../../src/evtx/writer/index.js';
import { hardnut } from '../helpers.js';

interface Row {
  kind: string;
  time: string | null;
  host: string | null;
  source: string;
  level: string;
  record?: number;
  channel?: string;
  event_id?: number;
  rule: { id: string; title: string; level: string; status: string | null; author: string | null; tags: string[] };
  attack: string[];
  summary: string;
  evidence: Record<string, unknown>;
}

const rows = (stdout: string): Row[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';

function evidenceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hardnut-hunt-'));
  writeFileSync(
    join(dir, 'Sysmon.evtx'),
    writeEvtx([
      sysmon1({
        computer: 'EXCH01.corp.example',
        time: '2021-03-03T04:05:06.000Z',
        Image: 'C:\\Windows\\System32\\cmd.exe',
        OriginalFileName: 'Cmd.Exe',
        CommandLine: 'cmd.exe /c whoami',
        ParentImage: W3WP,
        ParentCommandLine: 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "MSExchangeOWAAppPool"',
      }),
      sysmon1({
        computer: 'EXCH01.corp.example',
        time: '2021-03-03T04:06:00.000Z',
        Image: 'C:\\Windows\\System32\\notepad.exe',
        CommandLine: 'notepad.exe C:\\notes.txt',
        ParentImage: 'C:\\Windows\\explorer.exe',
      }),
      sysmon1({
        computer: 'DC01.corp.example',
        time: '2021-03-05T10:00:00.000Z',
        Image: 'C:\\Windows\\System32\\netsh.exe',
        CommandLine: 'netsh interface portproxy add v4tov4 listenport=9999 connectaddress=10.0.0.5 connectport=3389',
        ParentImage: 'C:\\Windows\\System32\\cmd.exe',
      }),
    ]),
  );
  // A damaged log beside the good one: named, skipped, counted.
  writeFileSync(join(dir, 'broken.evtx'), Buffer.concat([Buffer.from('ElfFile\0'), Buffer.alloc(5000, 0x41)]));
  return dir;
}

describe('hardnut hunt', () => {
  it('flags a web server spawning a shell, with the JSONL contract product.md names', () => {
    const dir = evidenceDir();
    const r = hardnut(['hunt', dir, '--format', 'jsonl', '--no-case']);
    expect(r.status, r.stderr).toBe(0);
    const found = rows(r.stdout);
    const shell = found.find((f) => f.rule.title.toLowerCase().includes('web server') && f.summary.includes('whoami'));
    expect(shell, JSON.stringify(found.map((f) => f.rule.title))).toBeDefined();
    const f = shell!;
    expect(f.kind).toBe('sigma');
    expect(f.time).toBe('2021-03-03T04:05:06.000000Z');
    expect(f.host).toBe('EXCH01.corp.example');
    expect(f.source).toBe(join(dir, 'Sysmon.evtx'));
    expect(f.record).toBeGreaterThan(0);
    expect(f.channel).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(f.event_id).toBe(1);
    expect(f.rule.author).toBeTruthy();
    expect(f.rule.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(f.attack.length).toBeGreaterThan(0);
    expect(f.evidence['CommandLine']).toBe('cmd.exe /c whoami');
    // The timeline is sorted by time, and the benign notepad event raised nothing.
    const times = found.map((x) => x.time ?? '');
    expect([...times].sort()).toEqual(times);
    expect(found.some((x) => x.summary.includes('notepad'))).toBe(false);
    expect(found.some((x) => x.summary.includes('portproxy'))).toBe(true);
    // The damaged file is named on stderr, and counted in the summary.
    expect(r.stderr).toMatch(/broken\.evtx/);
    expect(r.stderr).toMatch(/skipped or warned: [1-9]/);
  });

  it('--min-level, --from/--to and --fail-level shape what is reported and the exit code', () => {
    const dir = evidenceDir();
    const all = rows(hardnut(['hunt', dir, '--format', 'jsonl', '--no-case']).stdout);
    const crit = rows(hardnut(['hunt', dir, '--format', 'jsonl', '--no-case', '--min-level', 'critical']).stdout);
    expect(crit.every((f) => f.level === 'critical')).toBe(true);
    expect(crit.length).toBeLessThan(all.length);
    const later = rows(hardnut(['hunt', dir, '--format', 'jsonl', '--no-case', '--from', '2021-03-04']).stdout);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((f) => (f.time ?? '') >= '2021-03-04')).toBe(true);
    const earlier = rows(hardnut(['hunt', dir, '--format', 'jsonl', '--no-case', '--to', '2021-03-04T00:00:00Z']).stdout);
    expect(earlier.every((f) => (f.time ?? '') < '2021-03-04')).toBe(true);
    expect(hardnut(['hunt', dir, '--no-case', '--fail-level', 'high']).status).toBe(1);
    expect(hardnut(['hunt', dir, '--no-case', '--from', 'yesterday']).status).toBe(2);
    expect(hardnut(['hunt', dir, '--no-case', '--strict']).status).toBe(2); // the damaged file is a warning
  });

  it('the table groups by severity and folds; the summary names rules, hosts and tactics', () => {
    const dir = evidenceDir();
    const r = hardnut(['hunt', dir, '--no-case']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^(CRITICAL|HIGH) — \d+ finding/m);
    expect(r.stderr).toMatch(/hardnut hunt: read 2 files, [\d,]+ bytes, 3 events/);
    expect(r.stderr).toMatch(/rules: \d+ loaded/);
    expect(r.stderr).toContain('top rules:');
    expect(r.stderr).toContain('EXCH01.corp.example');
    expect(r.stderr).toContain('by ATT&CK tactic:');
  });

  it('reads web server and Exchange logs by content and runs the pack on them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardnut-hunt-web-'));
    mkdirSync(join(dir, 'W3SVC1'));
    writeFileSync(
      join(dir, 'W3SVC1', 'u_ex210303.log'),
      [
        '#Software: Microsoft Internet Information Services 10.0',
        '#Version: 1.0',
        '#Date: 2021-03-03 04:00:00',
        '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
        '2021-03-03 04:05:06 10.0.0.2 GET /owa/auth/logon.aspx - 443 - 203.0.113.9 Mozilla/5.0 - 200 0 0 15',
        '2021-03-03 04:07:06 10.0.0.2 POST /aspnet_client/system_web/shell.aspx cmd=whoami 443 - 203.0.113.9 python-requests/2.25 - 200 0 0 31',
        '',
      ].join('\r\n'),
    );
    const r = hardnut(['hunt', dir, '--format', 'jsonl', '--no-case', '--min-level', 'informational']);
    expect(r.status, r.stderr).toBe(0);
    const found = rows(r.stdout);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.source.endsWith('u_ex210303.log'))).toBe(true);
    expect(found.some((f) => f.summary.includes('shell.aspx'))).toBe(true);
    expect(found.some((f) => f.summary.includes('logon.aspx'))).toBe(false);
  });

  it('worker threads give the same findings as one thread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardnut-hunt-threads-'));
    for (let i = 0; i < 4; i++) {
      writeFileSync(
        join(dir, `host${i}.evtx`),
        writeEvtx([
          sysmon1({ computer: `PC${i}`, time: `2021-03-0${i + 1}T00:00:00Z`, Image: 'C:\\Windows\\System32\\netsh.exe', CommandLine: 'netsh interface portproxy add v4tov4 listenport=1 connectaddress=10.0.0.9' }),
        ]),
      );
    }
    const key = (f: Row) => `${f.time} ${f.host} ${f.rule.id} ${f.record}`;
    const one = rows(hardnut(['hunt', dir, '--format', 'jsonl', '--no-case', '--threads', '1']).stdout).map(key).sort();
    const r = hardnut(['hunt', dir, '--format', 'jsonl', '--no-case', '--threads', '2'], { env: { HARDNUT_WORKERS_ABOVE_BYTES: '0' } });
    expect(r.status, r.stderr).toBe(0);
    expect(rows(r.stdout).map(key).sort()).toEqual(one);
    expect(one.length).toBeGreaterThanOrEqual(4);
  });

  it('a correlation rule sees events from several files, in time order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardnut-hunt-corr-'));
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    mkdirSync(join(dir, 'logs'));
    writeFileSync(
      join(rules, 'failed_logon.yml'),
      [
        'title: Failed logon',
        'id: 0e95725d-7320-415d-80f7-004da920fc11',
        'name: failed_logon',
        'status: test',
        'author: hardnut tests',
        'logsource: {product: windows, service: security}',
        'detection:',
        '    selection: {EventID: 4625}',
        '    condition: selection',
        'level: low',
        '---',
        'title: Many failed logons for one account',
        'id: 0e95725d-7320-415d-80f7-004da920fc12',
        'status: test',
        'author: hardnut tests',
        'correlation:',
        '    type: event_count',
        '    rules: [failed_logon]',
        '    group-by: [TargetUserName]',
        '    timespan: 10m',
        '    condition: {gte: 5}',
        'level: high',
        '',
      ].join('\n'),
    );
    // Five failures for alice spread over two files (written out of order), three for bob.
    const fail = (user: string, minute: number) =>
      security4625({ computer: 'DC01', time: `2021-03-03T04:${String(minute).padStart(2, '0')}:00Z`, TargetUserName: user });
    writeFileSync(join(dir, 'logs', 'a.evtx'), writeEvtx([fail('alice', 5), fail('alice', 6), fail('bob', 1)]));
    writeFileSync(join(dir, 'logs', 'b.evtx'), writeEvtx([fail('alice', 1), fail('alice', 2), fail('alice', 3), fail('bob', 2), fail('bob', 3)]));
    const r = hardnut(['hunt', join(dir, 'logs'), '--rules', rules, '--no-builtin', '--format', 'jsonl', '--no-case']);
    expect(r.status, r.stderr).toBe(0);
    const found = rows(r.stdout);
    const corr = found.filter((f) => f.kind === 'correlation');
    expect(corr).toHaveLength(1);
    expect(corr[0]!.evidence['TargetUserName']).toBe('alice');
    expect(corr[0]!.rule.author).toBe('hardnut tests');
    // The base rule has no `generate`: its matches feed the correlation only.
    expect(found.filter((f) => f.kind === 'sigma')).toHaveLength(0);
  });

  it('records the run and its findings in the case store, for report and export', () => {
    const dir = evidenceDir();
    const kase = join(mkdtempSync(join(tmpdir(), 'hardnut-hunt-case-')), 'case.duckdb');
    const r = hardnut(['hunt', dir, '--case', kase, '--format', 'jsonl']);
    expect(r.status, r.stderr).toBe(0);
    const n = rows(r.stdout).length;
    const q = hardnut(['query', '--case', kase, '--format', 'jsonl', "select count(*)::int as n from findings"]);
    expect(q.status, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout.trim().split('\n')[0]!)).toEqual({ n });
    const runs = hardnut(['query', '--case', kase, '--format', 'jsonl', 'select command, completed from runs']);
    expect(JSON.parse(runs.stdout.trim())).toEqual({ command: 'hunt', completed: true });
  });

  it('refuses a run with no rules, and names a missing rules path', () => {
    const dir = evidenceDir();
    const r = hardnut(['hunt', dir, '--no-builtin', '--no-case']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no rules/);
    const m = hardnut(['hunt', dir, '--rules', '/nonexistent/rules', '--no-case']);
    expect(m.status).toBe(2);
    expect(m.stderr).toContain('/nonexistent/rules');
  });
});
