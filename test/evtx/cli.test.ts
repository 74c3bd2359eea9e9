/** `hardnut evtx dump`: files and folders, both formats, warnings naming the file, the run going on past bad input. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataMissing, hardnut } from '../helpers.js';
import { evtxFile, el, subst, text, v } from './build.js';
import { ATTACK, PARSER } from './samples.js';

const dir = mkdtempSync(join(tmpdir(), 'hardnut-evtx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const built = join(dir, 'built.evtx');
const body = el('Event', [['xmlns', [text('http://schemas.microsoft.com/win/2004/08/events/event')]]], ...el('System', [], ...el('EventRecordID', [], subst(0, 0x0a))), ...el('EventData', [], ...el('Data', [['Name', [text('CommandLine')]]], subst(1, 0x01))));
writeFileSync(built, evtxFile([1, 2, 3].map((i) => ({ body, values: [v.int(0x0a, i, 8), v.str(`cmd.exe /c echo ${i}`)] }))));

describe('hardnut evtx dump', () => {
  it('prints one evtx_dump-shaped record a line and nothing else on stdout', () => {
    const r = hardnut(['evtx', 'dump', built]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).Event.EventData.CommandLine)).toEqual(['cmd.exe /c echo 1', 'cmd.exe /c echo 2', 'cmd.exe /c echo 3']);
    expect(r.stderr).toBe('');
  });

  it('prints XML documents with --format xml, and writes to --output', () => {
    const out = join(dir, 'out.xml');
    const r = hardnut(['evtx', 'dump', built, '--format', 'xml', '--output', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const xml = readFileSync(out, 'utf8');
    expect(xml.match(/<Event xmlns="http:\/\/schemas.microsoft.com\/win\/2004\/08\/events\/event">/g)).toHaveLength(3);
    expect(xml).toContain('<Data Name="CommandLine">cmd.exe /c echo 2</Data>');
  });

  it('goes on past a garbage file in a folder, naming it on stderr; exits 2 only when nothing could be read', () => {
    const folder = join(dir, 'mixed');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    writeFileSync(join(folder, 'a-garbage.evtx'), Uint8Array.from({ length: 70000 }, (_, i) => (i * 31) & 0xff));
    copyFileSync(built, join(folder, 'b-good.evtx'));
    writeFileSync(join(folder, 'notes.txt'), 'not an event log');
    const r = hardnut(['evtx', 'dump', folder]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(r.stderr).toMatch(/a-garbage\.evtx: .*not an EVTX file/);
    expect(r.stderr).not.toMatch(/notes\.txt/);
    const only = hardnut(['evtx', 'dump', join(folder, 'a-garbage.evtx')]);
    expect(only.status).toBe(2);
    expect(hardnut(['evtx', 'dump', folder, '--strict']).status).toBe(2);
  });

  it('a missing path is a usage error naming it', () => {
    const r = hardnut(['evtx', 'dump', join(dir, 'nope.evtx')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nope.evtx');
  });

  const missing = dataMissing('evtx', 'attack-samples');
  it.skipIf(missing)(`reads a folder of real logs recursively, in a stable order${missing ? ` (skipped: ${missing})` : ''}`, () => {
    const a = hardnut(['evtx', 'dump', join(ATTACK, 'Execution')]);
    expect(a.status).toBe(0);
    const lines = a.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(500);
    for (const l of lines.slice(0, 50)) expect(JSON.parse(l)).toHaveProperty('Event.System');
    expect(hardnut(['evtx', 'dump', join(ATTACK, 'Execution')]).stdout).toBe(a.stdout);
  });

  const parserMissing = dataMissing('evtx', 'parser-samples');
  it.skipIf(parserMissing)(`--threads 2 gives the same records, in the same order, and the same warnings${parserMissing ? ` (skipped: ${parserMissing})` : ''}`, () => {
    const one = hardnut(['evtx', 'dump', PARSER]);
    const two = hardnut(['evtx', 'dump', PARSER, '--threads', '2']);
    expect(two.status).toBe(one.status);
    expect(two.stdout.length).toBeGreaterThan(1_000_000);
    expect(two.stdout === one.stdout).toBe(true);
    const warnings = (s: string) => s.split('\n').filter((l) => l.startsWith('hardnut: warning:'));
    expect(warnings(two.stderr)).toEqual(warnings(one.stderr));
  });
});
