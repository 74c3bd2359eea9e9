/** `hardnut rules check`: one result per rule file, reasons with lines, exit codes; tests files are not rules. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hardnut, ROOT } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hardnut-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = 'title: Good\nid: g-1\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: x.exe\n    condition: sel\nlevel: high\n';
const bad = 'title: Bad\nid: b-1\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswitch: x.exe\n    condition: sel\n';
const unknown = 'title: Unknown\nid: u-1\nlogsource:\n    product: windows\n    service: made-up\ndetection:\n    sel:\n        A: 1\n    condition: sel\n';
mkdirSync(join(dir, 'sub'));
writeFileSync(join(dir, 'good.yml'), good);
writeFileSync(join(dir, 'good.tests.yml'), 'match: []\nno_match: []\n');
writeFileSync(join(dir, 'sub', 'bad.yaml'), bad);
writeFileSync(join(dir, 'sub', 'unknown.yml'), unknown);
writeFileSync(join(dir, 'notes.txt'), 'not a rule');

describe('hardnut rules check', () => {
  it('reports every rule file once, as JSONL, and exits 1 when any fails', () => {
    const r = hardnut(['rules', 'check', dir, '--format', 'jsonl']);
    expect(r.status).toBe(1);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => [x['path'], x['ok']])).toEqual([
      [join(dir, 'good.yml'), true],
      [join(dir, 'sub', 'bad.yaml'), false],
      [join(dir, 'sub', 'unknown.yml'), false],
    ]);
    expect(rows[0]).toMatchObject({ id: 'g-1', title: 'Good' });
    expect(rows[1]!['error']).toBe("line 8: unknown modifier 'endswitch' in 'Image|endswitch' (known: contains, startswith, endswith, all, re, i, m, s, base64, base64offset, utf16le, utf16be, utf16, wide, windash, cidr, exists, cased, expand, fieldref, gt, gte, lt, lte, neq, minute, hour, day, week, month, year)");
    expect(rows[2]!['error']).toContain('no mapping for logsource product: windows, service: made-up');
    expect(r.stderr).toContain('3 rule files: 1 loaded, 2 not (2 RULE_UNSUPPORTED)');
  });

  it('text output, exit 0 when all load', () => {
    const r = hardnut(['rules', 'check', join(dir, 'good.yml')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`ok    ${join(dir, 'good.yml')}  Good\n`);
  });

  it('a tests file named directly is reported as not a rule', () => {
    const r = hardnut(['rules', 'check', join(dir, 'good.tests.yml'), '--format', 'jsonl']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: expect.stringContaining("a rule's test events") });
  });

  it('a missing path is a usage error (exit 2) naming it', () => {
    const r = hardnut(['rules', 'check', join(dir, 'nope')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nope: no such file or folder');
  });

  it('the built-in pack loads whole', () => {
    const r = hardnut(['rules', 'check', join(ROOT, 'rules', 'sigma'), '--format', 'jsonl']);
    expect(r.stderr).toMatch(/49 rule files: 49 loaded, 0 not/);
    expect(r.status).toBe(0);
  });

  it('a bad mapping file stops the run (exit 2) with its line', () => {
    writeFileSync(join(dir, 'map.yml'), 'logsources:\n  - logsource: {product: windows}\n    sources: [{}]\n');
    const r = hardnut(['rules', 'check', join(dir, 'good.yml'), '--mapping', join(dir, 'map.yml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('map.yml: line 3: a source needs a channel or a provider');
  });
});
