/**
 * `hardnut sweep` end to end on files the test writes: a one-line PHP eval shell, a copy of it, a file over
 * --max-size, a symlink loop, an unreadable file, a file named like a number, a good and a bad .yar file, a hash IOC
 * list naming a test file and a file-name IOC list. Then exit codes, --exclude, threads, and (when the shared data is
 * there) signature-base over a few labelled webshells.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, dataMissing, hardnut } from '../helpers.js';

interface Row {
  kind: string;
  level: string;
  path: string;
  sha256: string;
  size: number;
  mtime: string;
  score: number;
  rule: { id: string; title: string; level: string; author: string | null; description?: string; references: string[]; tags: string[] };
  evidence: Record<string, unknown>;
  matches: { identifier: string; offset: number; length: number; excerpt: string }[];
}

const rows = (stdout: string): Row[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

const SHELL = '<?php @eval($_POST["cmd"]); ?>\n';
const GOOD_RULES = `
rule Test_PHP_Eval_Request : webshell {
  meta:
    author = "hardnut tests"
    description = "eval of request input"
    reference = "https://example.org/test"
    score = 80
  strings:
    $eval = "@eval($_POST"
  condition:
    $eval and filename matches /\\.php$/ and extension == ".php"
}
rule Test_Low_Score {
  meta:
    score = 40
  strings:
    $x = "low-score-marker"
  condition:
    $x
}
rule Test_Numeric_Name {
  strings:
    $n = "numbered-file"
  condition:
    $n
}
`;

function setup(): { dir: string; web: string; rules: string; iocs: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hardnut-sweep-'));
  const web = join(dir, 'www');
  mkdirSync(join(web, 'uploads'), { recursive: true });
  writeFileSync(join(web, 'uploads', 'shell.php'), SHELL);
  writeFileSync(join(web, 'copy.php'), SHELL);
  mkdirSync(join(web, 'old'));
  writeFileSync(join(web, 'old', 'shell.php'), SHELL);
  writeFileSync(join(web, 'index.html'), '<html><body>hello</body></html>\n');
  writeFileSync(join(web, 'low.txt'), 'low-score-marker\n');
  writeFileSync(join(web, '1234'), 'numbered-file\n');
  writeFileSync(join(web, 'big.bin'), Buffer.alloc(5000, 0x41));
  writeFileSync(join(web, 'secret.php'), SHELL.replace('cmd', 'pwd'));
  chmodSync(join(web, 'secret.php'), 0o000);
  mkdirSync(join(web, 'loop'));
  symlinkSync('..', join(web, 'loop', 'up'));
  const rules = join(dir, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'good.yar'), GOOD_RULES);
  writeFileSync(join(rules, 'broken.yar'), 'rule Broken { strings: $a = "x" condition: $a and $undefined_string }\n');
  const iocs = join(dir, 'iocs');
  mkdirSync(iocs);
  const sha = createHash('sha256').update('<html><body>hello</body></html>\n').digest('hex');
  writeFileSync(join(iocs, 'hashes.txt'), `# test hashes\n${sha};Known-bad page for the test\nzzzz;not a hash\n`);
  writeFileSync(join(iocs, 'names.txt'), '# Suspicious upload\n(?i)/uploads/[^/]+\\.php$;70\n');
  return { dir, web, rules, iocs };
}

const asRoot = process.getuid?.() === 0;

describe('hardnut sweep', () => {
  const s = setup();
  // The verdict and plan cache of these runs stays in the test's folder.
  const env = { XDG_CACHE_HOME: join(s.dir, 'cache') };
  const hn = (args: string[]) => hardnut(args, { env });
  const run = hn(['sweep', s.web, '--yara', s.rules, '--iocs', s.iocs, '--max-size', '4096', '--format', 'jsonl', '--no-case', '--threads', '2']);
  const found = rows(run.stdout);
  const on = (name: string) => found.filter((f) => f.path.endsWith(name));

  it('runs (exit 0) and reports YARA findings with the rule, its author, score, level and escaped excerpts', () => {
    expect(run.status).toBe(0);
    const y = on('uploads/shell.php').find((f) => f.kind === 'yara')!;
    expect(y.rule).toMatchObject({
      id: 'good:Test_PHP_Eval_Request',
      title: 'Test_PHP_Eval_Request',
      level: 'medium',
      author: 'hardnut tests',
      description: 'eval of request input',
      references: ['https://example.org/test'],
      tags: ['webshell'],
    });
    expect(y.score).toBe(80);
    expect(y.level).toBe('medium');
    expect(y.sha256).toBe(createHash('sha256').update(SHELL).digest('hex'));
    expect(y.size).toBe(SHELL.length);
    expect(y.mtime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(y.matches).toEqual([{ identifier: '$eval', offset: 6, length: 12, excerpt: '@eval($_POST' }]);
  });

  it('names the rule file that does not compile and counts it; the good one still ran', () => {
    expect(run.stderr).toMatch(/broken\.yar: YARA rules do not compile: .*undefined_string/);
    expect(run.stderr).toMatch(/rules: 3 loaded, 1 not loaded/);
    // Run again: the plan now comes from the cache, and the bad file is still named and counted.
    const again = hn(['sweep', s.web, '--yara', s.rules, '--no-case', '--format', 'jsonl']);
    expect(readdirSync(join(s.dir, 'cache', 'hardnut')).some((f) => f.startsWith('yara-plan-'))).toBe(true);
    expect(again.stderr).toMatch(/broken\.yar: YARA rules do not compile: .*undefined_string/);
    expect(again.stderr).toMatch(/rules: 3 loaded, 1 not loaded/);
  });

  it('gives a YARA match below score 60 the medium floor, keeping its own score', () => {
    const low = on('low.txt').find((f) => f.kind === 'yara')!;
    expect(low.score).toBe(40);
    expect(low.level).toBe('medium');
  });

  it('reports the finding for each copy of identical content, scanning it once where the rules cannot tell them apart', () => {
    // The test rule reads `filename`: copy.php is scanned on its own, old/shell.php is a copy of uploads/shell.php.
    expect(on('/copy.php').filter((f) => f.kind === 'yara')).toHaveLength(1);
    expect(on('/old/shell.php').filter((f) => f.kind === 'yara')).toHaveLength(1);
    expect(run.stderr).toMatch(/1\s+of them copies of content already scanned/);
  });

  it('matches hash and file-name IOCs, with the indicator, sha256 and file name as evidence', () => {
    const h = on('index.html').find((f) => f.kind === 'ioc')!;
    expect(h.rule.id).toBe('ioc.hash.sha256');
    expect(h.level).toBe('high');
    expect(h.evidence).toMatchObject({ indicator: h.sha256, sha256: h.sha256, filename: 'index.html' });
    const n = on('uploads/shell.php').find((f) => f.kind === 'ioc')!;
    expect(n.rule).toMatchObject({ id: 'ioc.filename', description: 'Suspicious upload' });
    expect(n.evidence['filename']).toBe('shell.php');
    expect(on('/copy.php').some((f) => f.kind === 'ioc')).toBe(false);
    expect(run.stderr).toMatch(/hashes\.txt: line 3: 'zzzz' is not an MD5/);
  });

  it('scans a file whose name the engine would read as a number', () => {
    expect(on('/1234').map((f) => f.rule.title)).toEqual(['Test_Numeric_Name']);
  });

  it('skips, counts and names the file over --max-size, the symlink loop and (not as root) the unreadable file', () => {
    expect(on('big.bin')).toEqual([]);
    expect(run.stderr).toMatch(/big\.bin: 5000 bytes is over the limit of 4096/);
    expect(run.stderr).toMatch(/symlink loops or folders seen twice/);
    if (!asRoot) expect(run.stderr).toMatch(/secret\.php: .*permission denied/i);
    expect(run.stderr).toMatch(/over the size limit/);
  });

  it('exits 1 with findings at --fail-level, 2 for a missing path or nothing to sweep with', () => {
    expect(hn(['sweep', s.web, '--yara', s.rules, '--no-case', '--fail-level', 'medium', '--format', 'jsonl']).status).toBe(1);
    // our own detectors rate the test's eval one-liner critical, so the YARA-only sweep is the one below that level
    expect(hn(['sweep', s.web, '--yara', s.rules, '--no-builtin', '--no-case', '--fail-level', 'critical', '--format', 'jsonl']).status).toBe(0);
    expect(hn(['sweep', s.web, '--no-case', '--fail-level', 'critical', '--format', 'jsonl']).status).toBe(1);
    const missing = hn(['sweep', join(s.dir, 'nope'), '--no-case']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope: no such file or folder/);
    expect(hn(['sweep', s.web, '--yara', join(s.dir, 'nope.yar'), '--no-case']).status).toBe(2);
    expect(hn(['sweep', s.web, '--no-builtin', '--no-case']).status).toBe(2);
  });

  it('leaves out what --exclude matches, by name or by path', () => {
    const r = hn(['sweep', s.web, '--yara', s.rules, '--no-case', '--format', 'jsonl', '--exclude', 'uploads', '--exclude', '*.txt']);
    const paths = rows(r.stdout).map((f) => f.path);
    expect(paths.some((p) => p.includes('/uploads/'))).toBe(false);
    expect(paths.some((p) => p.endsWith('low.txt'))).toBe(false);
    expect(paths.some((p) => p.endsWith('copy.php'))).toBe(true);
  });

  it('finds the same in one thread as in two', () => {
    const one = hn(['sweep', s.web, '--yara', s.rules, '--iocs', s.iocs, '--max-size', '4096', '--format', 'jsonl', '--no-case', '--threads', '1']);
    const key = (f: Row) => `${f.path} ${f.rule.id}`;
    expect(rows(one.stdout).map(key).sort()).toEqual(found.map(key).sort());
  });

  it('records the run and its findings in the case store', () => {
    const kase = join(s.dir, 'case.duckdb');
    const r = hn(['sweep', s.web, '--yara', s.rules, '--case', kase, '--format', 'jsonl']);
    expect(r.status).toBe(0);
    expect(readdirSync(s.dir)).toContain('case.duckdb');
  });
});

const SB = join(DATA, 'yara', 'signature-base', 'yara');
describe.skipIf(dataMissing('yara', 'signature-base', 'yara') ?? dataMissing('webshells'))('hardnut sweep with signature-base (shared data)', () => {
  it('loads every rule file and flags labelled webshells at medium or above', () => {
    const sample = join(DATA, 'webshells', 'php');
    const r = hardnut(['sweep', sample, '--yara', SB, '--no-builtin', '--format', 'jsonl', '--no-case']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/rules: 5883 loaded\n/);
    const flagged = new Set(rows(r.stdout).filter((f) => ['medium', 'high', 'critical'].includes(f.level)).map((f) => f.path));
    const total = readdirSync(sample).length;
    expect(flagged.size / total).toBeGreaterThan(0.8);
    // Cross-check with libyara when its CLI is here: the same files match (Loki-style externals set as THOR does).
    if (spawnSync('sh', ['-c', 'command -v yara'], { stdio: 'ignore' }).status !== 0) return;
    const files = readdirSync(SB).filter((f) => f.endsWith('.yar')).map((f) => join(SB, f));
    const ext = ['filename', 'filepath', 'extension', 'filetype', 'owner'].flatMap((n) => ['-d', `${n}=x`]);
    const y = spawnSync('yara', ['-r', ...ext, ...files, sample], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const theirs = new Set(y.stdout.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf(' ') + 1)));
    expect([...flagged].sort()).toEqual([...theirs].sort());
  });
});
