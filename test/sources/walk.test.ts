import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/core/diagnostics.js';
import { HardnutError } from '../../src/core/errors.js';
import { checkInputPaths, walkInputs } from '../../src/sources/walk.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hardnut-walk-'));
  mkdirSync(join(dir, 'a/b'), { recursive: true });
  writeFileSync(join(dir, 'a/one.evtx'), 'x');
  writeFileSync(join(dir, 'a/b/two.log'), 'yy');
  writeFileSync(join(dir, 'z.txt'), 'zzz');
  symlinkSync(join(dir, 'a'), join(dir, 'a/b/loop')); // a/b/loop -> a: a loop
  symlinkSync(join(dir, 'nowhere'), join(dir, 'broken'));
  symlinkSync(join(dir, 'z.txt'), join(dir, 'zz-link.txt')); // the same file twice
  execFileSync('mkfifo', [join(dir, 'a/pipe')]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('walkInputs', () => {
  it('yields every regular file once, sorted, and counts loops, broken links and special files', () => {
    const d = new Diagnostics();
    const files = [...walkInputs([dir], { diagnostics: d })].map((f) => f.path.slice(dir.length + 1));
    expect(files).toEqual(['a/b/two.log', 'a/one.evtx', 'z.txt']);
    const codes = Object.fromEntries(d.byCode().map((c) => [c.code, c.count]));
    expect(codes).toEqual({ INPUT_LOOP: 1, INPUT_UNREADABLE: 1, INPUT_SPECIAL: 1 });
    const messages = d.byCode().flatMap((c) => c.examples.map((e) => `${e.file}: ${e.message}`));
    expect(messages.some((m) => m.endsWith('broken: broken symlink'))).toBe(true);
    expect(messages.some((m) => m.includes('pipe: a FIFO'))).toBe(true);
  });

  it('filters folder contents but always reads files named on the command line', () => {
    const d = new Diagnostics();
    const accept = (p: string) => p.endsWith('.evtx');
    const files = [...walkInputs([dir, join(dir, 'z.txt')], { diagnostics: d, accept })].map((f) => f.path.slice(dir.length + 1));
    expect(files).toEqual(['a/one.evtx', 'z.txt']);
  });

  it('skips files over the size limit with a counted warning', () => {
    const d = new Diagnostics();
    const files = [...walkInputs([join(dir, 'a')], { diagnostics: d, maxSize: 1 })].map((f) => f.size);
    expect(files).toEqual([1]);
    expect(d.byCode().find((c) => c.code === 'INPUT_TOO_LARGE')?.count).toBe(1);
  });

  it('excludes paths', () => {
    const d = new Diagnostics();
    const files = [...walkInputs([dir], { diagnostics: d, exclude: (p) => p.endsWith('/b') })].map((f) => f.path.slice(dir.length + 1));
    expect(files).toEqual(['a/one.evtx', 'z.txt']);
  });
});

describe('checkInputPaths', () => {
  it('names the missing path', () => {
    expect(() => checkInputPaths([dir, join(dir, 'missing')])).toThrow(HardnutError);
    try {
      checkInputPaths([join(dir, 'missing')]);
    } catch (err) {
      expect((err as HardnutError).code).toBe('INPUT_MISSING');
      expect((err as HardnutError).oneLine()).toBe(`${join(dir, 'missing')}: no such file or folder`);
    }
  });
});
