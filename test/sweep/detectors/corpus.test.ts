// The built-in detectors on the shared labelled corpora (../shared/data): detection per source and false positives on
// benign application code, read through runDetectors as the sweep would (a file counts at score 60, medium, or more).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../../src/sweep/detectors/index.js';
import { DATA, dataMissing } from '../../helpers.js';

interface Row {
  file: string;
  source: string;
}

/** manifest.csv: the first column is the file; the source column is source_repo (webshells) or source (benign). */
function manifest(dir: string): Row[] {
  const [head, ...lines] = readFileSync(join(dir, 'manifest.csv'), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const cols = (head ?? '').split(',');
  const at = Math.max(cols.indexOf('source_repo'), cols.indexOf('source'));
  return lines.map((l) => {
    const f = l.split(',');
    return { file: f[0] ?? '', source: f[at] ?? '?' };
  });
}

function flaggedIn(dir: string, rows: Row[]): Row[] {
  return rows.filter((r) => {
    const path = join(dir, r.file);
    if (!existsSync(path)) return false;
    return runDetectors({ path: r.file, bytes: new Uint8Array(readFileSync(path)) }).some((h) => h.score >= 60);
  });
}

const webshellsMissing = dataMissing('webshells', 'manifest.csv');
const benignMissing = dataMissing('benign', 'manifest.csv');

describe('shared webshell corpus', () => {
  it.skipIf(webshellsMissing !== undefined)(`flags at least 80% of each source (${webshellsMissing ?? 'present'})`, () => {
    const dir = join(DATA, 'webshells');
    const rows = manifest(dir);
    const hit = new Set(flaggedIn(dir, rows).map((r) => r.file));
    expect(hit.size / rows.length).toBeGreaterThanOrEqual(0.8);
    for (const source of new Set(rows.map((r) => r.source))) {
      const of = rows.filter((r) => r.source === source);
      expect(of.filter((r) => hit.has(r.file)).length / of.length, source).toBeGreaterThanOrEqual(0.8);
    }
  });
});

describe('shared benign corpus', () => {
  it.skipIf(benignMissing !== undefined)(`flags at most 1 file, as signature-base does (${benignMissing ?? 'present'})`, () => {
    const dir = join(DATA, 'benign');
    const fps = flaggedIn(dir, manifest(dir));
    expect(fps.map((r) => r.file).length, fps.map((r) => r.file).join(', ')).toBeLessThanOrEqual(1);
  });
});
