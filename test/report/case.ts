/** Cases for the report and export tests, written through the same recorder hunt and sweep use. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics } from '../../src/core/diagnostics.js';
import type { Finding } from '../../src/findings/finding.js';
import { openCase } from '../../src/store/open.js';
import { openRunRecorder } from '../../src/store/recorder.js';
import { HOSTS, intrusionFindings } from '../fixtures/intrusion.js';

export function tempDir(prefix = 'hardnut-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

async function run(path: string, command: string, args: string[], findings: readonly Finding[], opts: { warn?: boolean; hosts?: string[] } = {}) {
  const rec = await openRunRecorder({ case: path, command, args, version: '0.1.0' });
  const d = new Diagnostics();
  rec.watch(d);
  if (opts.warn) d.warn('INPUT_FORMAT', 'not an EVTX file (bad file header signature)', 'evidence/WEB02/garbage.evtx');
  for (const h of opts.hosts ?? []) rec.noteHost(h, '2021-03-01T00:00:00Z');
  for (const f of findings) rec.sink.add(f);
  rec.sink.end();
  await rec.finish({ read: { files: 42, bytes: 1_250_000_000, events: 3_400_000 }, rules: { loaded: 3141, failed: 12 } }, true);
}

/** The intrusion story in two runs (hunt, then sweep), with crown jewels marked and clean hosts examined. */
export async function intrusionCase(path: string, extra: readonly Finding[] = []): Promise<string> {
  const all = [...intrusionFindings(), ...extra];
  const hunt = all.filter((f) => f.origin.command !== 'sweep');
  const sweep = all.filter((f) => f.origin.command === 'sweep');
  const clean = Array.from({ length: 37 }, (_, i) => `WS${String(i).padStart(3, '0')}.corp.example`);
  await run(path, 'hunt', ['evidence/', '--rules', 'sigma/rules'], hunt, { warn: true, hosts: clean });
  await run(path, 'sweep', ['evidence/EXCH01/inetpub', '--yara', 'signature-base/yara'], sweep);
  const store = await openCase(path);
  await store.setCrownJewels([HOSTS.fs, HOSTS.dc], true);
  await store.close();
  return path;
}

export async function findingsCase(path: string, findings: readonly Finding[]): Promise<string> {
  await run(path, 'hunt', ['evidence/'], findings);
  return path;
}
