/** Shared test helpers: where the shared data is, running the built CLI, and a sample finding. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/findings/finding.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA = resolve(ROOT, '..', 'shared', 'data');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** The reason a test that needs the shared data cannot run, or undefined when it can. */
export function dataMissing(...parts: string[]): string | undefined {
  const p = join(DATA, ...parts);
  return existsSync(p) ? undefined : `shared data absent: ${p}`;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `hardnut` (npm test builds first). */
export function hardnut(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): CliResult {
  const p = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    input: options.input ?? '',
    maxBuffer: 1 << 28,
  });
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

export function sampleFinding(over: Partial<Finding> = {}): Finding {
  return {
    kind: 'sigma',
    time: '2021-03-03T04:05:06.123Z',
    host: 'EXCH01.corp.example',
    source: 'evidence/Security.evtx',
    level: 'high',
    rule: {
      id: '5f0b1a7e-0000-4000-8000-000000000001',
      title: 'Web server process spawns a shell',
      level: 'high',
      status: 'test',
      author: 'hardnut',
      references: ['https://www.cisa.gov/news-events/cybersecurity-advisories/aa21-062a'],
      tags: ['attack.persistence', 'attack.t1505.003'],
    },
    attack: ['T1505.003'],
    tactics: ['persistence'],
    summary: 'w3wp.exe started cmd.exe /c whoami',
    evidence: { ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', CommandLine: 'cmd.exe /c whoami' },
    origin: { engine: 'sigma', command: 'hunt', version: '0.1.0' },
    record: 42,
    channel: 'Microsoft-Windows-Sysmon/Operational',
    event_id: 1,
    ...over,
  };
}
