/** The built CLI end to end, as users and scripts meet it. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { hardnut } from '../helpers.js';

describe('hardnut CLI', () => {
  it('--help lists every command and the exit codes', () => {
    const r = hardnut(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['hunt', 'sweep', 'evtx', 'rules', 'report', 'export', 'query']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('Exit codes: 0');
  });

  it('--version prints the package version', () => {
    const r = hardnut(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^hardnut \d+\.\d+\.\d+\n$/);
  });

  it('every command and sub-command answers --help', () => {
    for (const c of COMMANDS) {
      const names = c.subcommands?.length ? c.subcommands.map((s) => [c.name, s.name]) : [[c.name]];
      for (const n of names) {
        const r = hardnut([...n, '--help']);
        expect(r.status, n.join(' ')).toBe(0);
        expect(r.stdout, n.join(' ')).toContain('Usage: hardnut ' + n.join(' '));
      }
    }
  });

  it('no arguments: help on stdout, exit 2', () => {
    const r = hardnut([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('Usage: hardnut <command>');
  });

  it('a missing input path exits 2 and names it on one line', () => {
    const r = hardnut(['hunt', '/nonexistent/evidence-dir', '--no-case']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('hardnut: /nonexistent/evidence-dir: no such file or folder\n');
    expect(r.stdout).toBe('');
  });

  it('unknown commands and options are rejected with a suggestion', () => {
    let r = hardnut(['hnut']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'hnut' (did you mean 'hunt'?)");
    r = hardnut(['hunt', '.', '--formt', 'jsonl']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("did you mean '--format'?");
    r = hardnut(['evtx', 'dmp', 'x']);
    expect(r.stderr).toContain("unknown command 'dmp' for 'hardnut evtx' (did you mean 'dump'?)");
    r = hardnut(['hunt', '.', '--min-level', 'hihg']);
    expect(r.stderr).toContain("did you mean 'high'?");
  });

  it('too few arguments is a usage error naming what is needed', () => {
    const r = hardnut(['sweep']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'hardnut sweep' needs a file or folder to scan");
  });
});
