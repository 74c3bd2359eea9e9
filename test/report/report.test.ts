/**
 * The report without a browser: escaping, the embedded JSON, the CSP hashes, nothing remote; the board's verdict and
 * tradecraft from real-shaped findings; the ATT&CK table against MITRE's data; `hardnut report` and `hardnut query`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { attr, esc, jsonForScript } from '../../src/report/escape.js';
import { ReportBuilder, type Report, type ReportContext } from '../../src/report/model.js';
import { contentSecurityPolicy, SCRIPT, writeReportHtml } from '../../src/report/page.js';
import { CSS } from '../../src/report/css.js';
import { classify } from '../../src/report/tradecraft.js';
import { techniqueInfo } from '../../src/report/attack.js';
import { MemoryOutput } from '../../src/sinks/output.js';
import { dataMissing, hardnut, ROOT, sampleFinding } from '../helpers.js';
import { hostileFindings } from '../fixtures/hostile.js';
import { HOSTS, intrusionFindings } from '../fixtures/intrusion.js';
import { findingsCase, intrusionCase, tempDir } from './case.js';

const context = (over: Partial<ReportContext> = {}): ReportContext => ({
  location: 'case.duckdb',
  generatedAt: new Date('2026-01-02T03:04:05Z'),
  hardnutVersion: '0.1.0',
  runs: [
    {
      id: '0b7c3f7e-0000-4000-8000-000000000001',
      command: 'hunt',
      arguments: ['evidence/'],
      hardnutVersion: '0.1.0',
      machine: 'analyst',
      startedAt: new Date('2026-01-01T00:00:00Z'),
      endedAt: new Date('2026-01-01T00:10:00Z'),
      completed: true,
      error: null,
      filesRead: 10,
      bytesRead: 100,
      eventsRead: 1000,
      inputsSkipped: 0,
      skipped: [],
      rulesLoaded: 51,
      rulesFailed: 0,
      findings: 1,
      findingsStored: 1,
      eventsStored: 0,
    },
  ],
  hosts: [],
  ...over,
});

function build(findings: readonly Finding[], over: Partial<ReportContext> = {}): Report {
  const b = new ReportBuilder(context(over));
  for (const f of findings) b.add(f);
  return b.build();
}

function html(r: Report): string {
  const out = new MemoryOutput();
  writeReportHtml(r, out);
  return out.text();
}

describe('escaping', () => {
  test('text, attributes and embedded JSON cannot break out, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(esc(s)).not.toMatch(/[<>]/);
        expect(attr(s)).not.toMatch(/[<>"']/);
        const j = jsonForScript({ s, [s]: [s] });
        expect(j).not.toMatch(/[<>]/);
        expect(j).not.toMatch(/[\u2028\u2029]/);
        expect(JSON.parse(j)).toEqual({ s, [s]: [s] });
      }),
      { numRuns: 500 },
    );
  });

  test('a page of hostile findings has exactly its own two scripts, one style, and nothing remote', () => {
    const page = html(build([...intrusionFindings(), ...hostileFindings()]));
    expect(page.match(/<script\b/gi)).toHaveLength(2);
    expect(page.match(/<style\b/gi)).toHaveLength(1);
    expect(page).not.toMatch(/<img\b|<svg onload|<b onclick/i);
    // Every start tag is well-formed (attribute values double-quoted) and none has an event handler: hostile
    // `onerror="…"` text stays inside quoted attribute values or text, where it is inert.
    const markup = page.replace(/<script type="application\/json"[\s\S]*?<\/script>|<script>[\s\S]*?<\/script>|<style>[\s\S]*?<\/style>/g, '');
    for (const tag of markup.match(/<[a-z][^>]*>/gi) ?? []) {
      expect(tag, tag).toMatch(/^<[a-z][a-z0-9-]*(\s+[a-z][a-z0-9:-]*(="[^"]*")?)*\s*\/?>$/i);
      const names = tag.replace(/="[^"]*"/g, '').slice(1, -1).split(/\s+/).slice(1).map((n) => n.toLowerCase());
      expect(names.filter((n) => n.startsWith('on')), tag).toEqual([]);
    }
    expect(page).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:|javascript:|\/\/)/i);
    const data = /<script type="application\/json" id="hardnut-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(data).not.toMatch(/<\/script|<!--/i);
    expect((JSON.parse(data) as { f: unknown[] }).f).toHaveLength(intrusionFindings().length + 1);
    // Every rule title is in the page, as text (the acceptance check looks for them).
    for (const f of intrusionFindings()) expect(page).toContain(esc(f.rule.title));
  });

  test('the CSP allows exactly the page’s own style and script, by hash, and nothing else', () => {
    const page = html(build(intrusionFindings()));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)![1]!;
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    expect(script).toBe(SCRIPT);
    expect(style).toBe(CSS);
    expect(csp).toBe(contentSecurityPolicy(CSS, SCRIPT));
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toMatch(/^default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    expect(page.indexOf('Content-Security-Policy')).toBeLessThan(page.indexOf('<style>'));
  });
});

describe('the board', () => {
  test('the intrusion reads as a compromise, crown jewels first, with the advisories’ tradecraft named', () => {
    const r = build(intrusionFindings(), {
      hosts: [HOSTS.fs, HOSTS.dc].map((name) => ({ name, firstSeen: null, lastSeen: null, findings: 0, maxLevelRank: -1, crownJewel: true, role: null, notes: null })),
    });
    expect(r.board.verdict).toBe('compromise');
    expect(r.board.hosts.slice(0, 2).map((h) => h.name).sort()).toEqual([HOSTS.dc, HOSTS.fs].sort());
    expect(r.board.crownJewelsAffected.sort()).toEqual([HOSTS.dc, HOSTS.fs].sort());
    const seen = r.board.tradecraft.map((t) => t.tradecraft.id);
    for (const id of ['exploit', 'webshell', 'credentials', 'lotl', 'tampering', 'tunnels', 'theft', 'defenders']) expect(seen).toContain(id);
    expect(seen.indexOf('exploit')).toBeLessThan(seen.indexOf('webshell'));
    const steps = r.board.actions.map((a) => a.title);
    expect(steps[0]).toMatch(/^Isolate/);
    for (const s of ['Reset passwords', 'Patch', 'Close the tunnels', 'Report it', 'Keep the evidence']) expect(steps.some((t) => t.startsWith(s))).toBe(true);
    expect(r.rules).toHaveLength(new Set(intrusionFindings().map((f) => f.rule.id)).size);
  });

  test('verdicts: one high alone is suspicious, medium is suspicious, low is clear, nothing run is empty', () => {
    const one = (level: Finding['level']) => [sampleFinding({ level })];
    expect(build(one('high')).board.verdict).toBe('suspicious');
    expect(build(one('medium')).board.verdict).toBe('suspicious');
    expect(build(one('low')).board.verdict).toBe('clear');
    expect(build([]).board.verdict).toBe('clear');
    expect(build([], { runs: [] }).board.verdict).toBe('empty');
    expect(build([]).board.actions[0]!.title).toBe('Keep watching');
    const twoRules = [sampleFinding(), sampleFinding({ rule: { ...sampleFinding().rule, id: 'other', title: 'Other' } })];
    expect(build(twoRules).board.verdict).toBe('compromise');
  });

  test('findings are placed in tradecraft by technique, tactic, tags and kind', () => {
    const f = (attack: string[], extra: Partial<Finding> = {}) => classify(sampleFinding({ attack, tactics: [], rule: { ...sampleFinding().rule, tags: [] }, ...extra }));
    expect(f(['T1505.003'])).toEqual(['webshell']);
    expect(f(['T1003.001'])).toEqual(['credentials']);
    expect(f(['T1100'])).toEqual(['webshell']); // revoked id, replaced by T1505.003
    expect(f(['T1090.001'])).toEqual(['tunnels']);
    expect(f(['T1070.001'])).toEqual(['tampering']);
    expect(f([], { kind: 'device' })).toEqual(['devices']);
    expect(f([], { rule: { ...sampleFinding().rule, tags: ['cve.2021-26855'] } })).toEqual(['exploit']);
    expect(f(['T1546.008', 'T1505.003'])).toEqual(['webshell', 'persistence']);
    expect(f(['T9999'])).toEqual(['other']);
  });
});

describe('ATT&CK names', () => {
  test('techniques and tactics by name, revoked ids followed to their successors', () => {
    expect(techniqueInfo('t1505.003')).toMatchObject({ id: 'T1505.003', name: 'Server Software Component: Web Shell', tactics: ['persistence'] });
    expect(techniqueInfo('T1086').id).toBe('T1059.001');
    expect(techniqueInfo('T9999')).toMatchObject({ id: 'T9999', name: undefined, tactics: [] });
  });

  test.skipIf(dataMissing('attack', 'enterprise-attack-18.1.json.gz'))('the committed table is what the generator makes from MITRE’s bundle', () => {
    const p = spawnSync(process.execPath, [join(ROOT, 'scripts', 'attack-techniques.mjs'), '--check'], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
  });

  test('the generated table carries MITRE’s copyright designation and licence', () => {
    const text = readFileSync(join(ROOT, 'src', 'report', 'attack-data.ts'), 'utf8');
    expect(text).toContain('© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.');
    expect(text).toContain('hereby grants you a non-exclusive, royalty-free license');
  });
});

describe('hardnut report and hardnut query', () => {
  test('report writes one file and says what it found; query answers in table, jsonl and csv', async () => {
    const dir = tempDir();
    const caseFile = await intrusionCase(join(dir, 'case.duckdb'));
    const out = join(dir, 'r.html');
    const r = hardnut(['report', '--case', caseFile, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^hardnut report: evidence of compromise found; \d+ findings from 2 runs written to /);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);

    const sql = `SELECT level, count(*) AS n FROM findings GROUP BY level ORDER BY any_value(level_rank) DESC`;
    const table = hardnut(['query', '--case', caseFile, sql]);
    expect(table.status, table.stderr).toBe(0);
    const want = ['critical', 'high', 'medium'].map((l) => [l, intrusionFindings().filter((f) => f.level === l).length] as const);
    expect(table.stdout.split('\n').slice(2, 5).map((l) => l.split(/\s+/))).toEqual(want.map(([l, n]) => [l, String(n)]));
    expect(table.stdout).toContain('(3 rows)');
    const jsonl = hardnut(['query', '--case', caseFile, '--format', 'jsonl', sql]);
    expect(jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(want.map(([level, n]) => ({ level, n })));
    const csv = hardnut(['query', '--case', caseFile, '--format', 'csv', `SELECT '=1+1' AS f, 'a,"b"' AS g`]);
    expect(csv.stdout).toBe('f,g\r\n\'=1+1,"a,""b"""\r\n');
    const techniques = hardnut(['query', '--case', caseFile, '--format', 'jsonl', `SELECT technique, count(*) AS n FROM finding_techniques WHERE technique = 'T1505.003' GROUP BY 1`]);
    expect(JSON.parse(techniques.stdout)).toEqual({ technique: 'T1505.003', n: intrusionFindings().filter((f) => f.attack.includes('T1505.003')).length });
  });

  test('query is read-only, and its errors are one clear line', async () => {
    const dir = tempDir();
    const caseFile = await findingsCase(join(dir, 'case.duckdb'), [sampleFinding()]);
    const cases: [string, RegExp][] = [
      ['DELETE FROM findings', /read-only/i],
      ['DROP TABLE findings', /read-only/i],
      ['SELEC 1', /syntax error/i],
      ['SELECT * FROM nosuch', /nosuch/],
      ['SELECT 1; SELECT 2', /one SQL statement at a time/],
    ];
    for (const [sql, msg] of cases) {
      const r = hardnut(['query', '--case', caseFile, sql]);
      expect(r.status, sql).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, sql).toHaveLength(1);
      expect(lines[0], sql).toMatch(/^hardnut: /);
      expect(lines[0], sql).toMatch(msg);
    }
    expect(hardnut(['query', '--case', caseFile, '--format', 'jsonl', 'SELECT count(*) AS n FROM findings']).stdout).toBe('{"n":1}\n');
    const missing = hardnut(['query', '--case', join(dir, 'none.duckdb'), 'SELECT 1']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('none.duckdb: no case store here');
  });
});
