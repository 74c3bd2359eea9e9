/**
 * The STIX 2.1 export: validated against the OASIS STIX 2.1 JSON schemas (skipped, saying why, without them), plus
 * what the schemas cannot check (every reference resolves, ids are type--UUID and deterministic where the spec says,
 * modified ≥ created), the objects the issue asks for, and the jsonl and csv exports.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { canonicalJson, scoId, uuidV5 } from '../../src/report/stix/ids.js';
import { iocPattern, patternString, StixBundleWriter } from '../../src/report/stix/bundle.js';
import { MemoryOutput } from '../../src/sinks/output.js';
import { DATA, dataMissing, hardnut, sampleFinding } from '../helpers.js';
import { intrusionFindings } from '../fixtures/intrusion.js';
import { hostileFindings } from '../fixtures/hostile.js';
import { findingsCase, intrusionCase, tempDir } from './case.js';

type Obj = Record<string, unknown> & { type: string; id: string };

const SCHEMAS = join(DATA, 'stix2-json-schemas', 'schemas');
const noSchemas = dataMissing('stix2-json-schemas', 'schemas');

function validator(): (bundle: unknown) => string[] {
  // The schemas' patterns are ECMAScript regexes without the u flag (`\-` is invalid with it).
  const ajv = new Ajv2020.default({ strict: false, allErrors: false, validateFormats: true, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(s));
  ajv.addFormat('email', (s: string) => /^[^\s@]+@[^\s@]+$/.test(s));
  ajv.addFormat('idn-hostname', () => true);
  for (const dir of readdirSync(SCHEMAS)) {
    for (const f of readdirSync(join(SCHEMAS, dir))) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, dir, f), 'utf8')) as object);
  }
  const base = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
  const bundle = ajv.getSchema(base + 'common/bundle.json')!;
  const byType = (type: string) => {
    for (const dir of ['sdos', 'sros', 'observables', 'common']) {
      const v = ajv.getSchema(`${base}${dir}/${type}.json`);
      if (v) return v;
    }
    return undefined;
  };
  return (b: unknown) => {
    const errors: string[] = [];
    if (!bundle(b)) errors.push('bundle: ' + ajv.errorsText(bundle.errors));
    // Each object against its own type's schema too: the bundle's anyOf reports only that nothing matched.
    for (const o of (b as { objects: Obj[] }).objects) {
      const v = byType(o.type);
      if (!v) errors.push(`${o.id}: no schema for type ${o.type}`);
      else if (!(v as (data: unknown) => boolean)(o)) errors.push(`${o.id}: ${ajv.errorsText(v.errors)}`);
    }
    return errors;
  };
}

function refsOf(o: unknown, out: string[] = []): string[] {
  if (Array.isArray(o)) o.forEach((x) => refsOf(x, out));
  else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if (k.endsWith('_ref') && typeof v === 'string') out.push(v);
      else if (k.endsWith('_refs') && Array.isArray(v)) out.push(...(v as string[]));
      else refsOf(v, out);
    }
  }
  return out;
}

function bundleOf(findings: Finding[], now = new Date('2026-01-02T03:04:05.678Z')): { objects: Obj[] } & Record<string, unknown> {
  const out = new MemoryOutput();
  const sorted = [...findings].sort((a, b) =>
    [a.rule.id, a.host ?? '\uffff', a.summary, a.time ?? ''].join('\u0000').localeCompare([b.rule.id, b.host ?? '\uffff', b.summary, b.time ?? ''].join('\u0000')),
  );
  const w = new StixBundleWriter(out, { org: 'Example Quantum Ltd', contact: 'security@example.org', tlp: 'amber', now });
  for (const f of sorted) w.add(f);
  w.end();
  return JSON.parse(out.text()) as { objects: Obj[] };
}

const UUID = /^[a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ids', () => {
  test('UUIDv5 and the STIX observable ids agree with Python’s uuid module', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(scoId('ipv4-addr', { value: '198.51.100.3' }, 'x')).toBe('ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4');
    expect(scoId('file', { name: 'supp0rt.aspx', hashes: { 'SHA-256': 'b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0' }, size: 2431 }, 'x')).toBe(
      'file--90c864ae-f3e9-5691-a374-ce3ac0db11bf',
    );
    expect(canonicalJson({ b: [1, { d: 'x', c: null }], a: 'é' })).toBe('{"a":"é","b":[1,{"c":null,"d":"x"}]}');
  });

  test('IOC patterns are STIX patterns with the literal escaped', () => {
    expect(patternString("it's a \\ path")).toBe("'it\\'s a \\\\ path'");
    const ioc = intrusionFindings().find((f) => f.kind === 'ioc')!;
    expect(iocPattern(ioc)).toBe("[file:hashes.'SHA-256' = 'b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0']");
    expect(iocPattern(sampleFinding({ kind: 'ioc', evidence: { indicator: '45.195.149.224' } }))).toBe("[ipv4-addr:value = '45.195.149.224']");
    expect(iocPattern(sampleFinding({ kind: 'ioc', evidence: { filename: "x'.aspx" } }))).toBe("[file:name = 'x\\'.aspx']");
    expect(iocPattern(sampleFinding())).toBeUndefined();
  });
});

describe('the bundle', () => {
  const findings = [...intrusionFindings(), ...hostileFindings()];
  const bundle = bundleOf(findings);
  const objects = bundle.objects;
  const byType = (t: string) => objects.filter((o) => o.type === t);

  test.skipIf(noSchemas)('validates against the OASIS STIX 2.1 JSON schemas', () => {
    expect(validator()(bundle)).toEqual([]);
  });

  test.skipIf(noSchemas)('the schema check fails on broken objects (so passing it means something)', () => {
    const validate = validator();
    const broken: [string, (o: Obj[]) => void][] = [
      ['indicator without pattern', (o) => delete o.find((x) => x.type === 'indicator')!['pattern']],
      ['negative sighting count', (o) => (o.find((x) => x.type === 'sighting')!['count'] = -1)],
      ['id that is not a UUID', (o) => (o.find((x) => x.type === 'observed-data')!.id = 'observed-data--42')],
      ['created without milliseconds', (o) => (o.find((x) => x.type === 'report')!['created'] = '2026-01-02T03:04:05Z')],
    ];
    for (const [what, breakIt] of broken) {
      const copy = JSON.parse(JSON.stringify(bundle)) as { objects: Obj[] };
      breakIt(copy.objects);
      expect(validate(copy).length, what).toBeGreaterThan(0);
    }
  });

  test('ids, spec_version, timestamps and references are as the specification requires', () => {
    expect(bundle['type']).toBe('bundle');
    expect(String(bundle['id'])).toMatch(/^bundle--[0-9a-f-]{36}$/);
    const ids = new Set(objects.map((o) => o.id));
    expect(ids.size).toBe(objects.length);
    for (const o of objects) {
      expect(o['spec_version'], o.id).toBe('2.1');
      expect(o.id.startsWith(o.type + '--'), o.id).toBe(true);
      expect(o.id, o.id).toMatch(UUID);
      if (o['created']) {
        expect(String(o['created'])).toMatch(/T\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(String(o['modified'] ?? o['created']) >= String(o['created'])).toBe(true);
      }
      for (const r of refsOf(o)) expect(ids.has(r), `${o.id} refers to ${r}`).toBe(true);
    }
    for (const od of byType('observed-data')) {
      expect(String(od['first_observed']) <= String(od['last_observed'])).toBe(true);
      for (const r of od['object_refs'] as string[]) expect(objects.find((o) => o.id === r)!['created'], 'observed-data refers to SCOs').toBeUndefined();
    }
    // Observables with ID-contributing properties carry the spec's deterministic ids.
    for (const o of objects.filter((x) => ['file', 'ipv4-addr', 'domain-name', 'directory', 'user-account', 'windows-registry-key'].includes(x.type))) {
      const { type, id, spec_version: _s, ...props } = o;
      expect(id).toBe(scoId(type, props, 'unused'));
    }
  });

  test('holds the identity, observed data and sightings, indicators, ATT&CK attack patterns, relationships and a report', () => {
    const [org] = byType('identity').filter((o) => o['identity_class'] === 'organization');
    expect(org).toMatchObject({ name: 'Example Quantum Ltd', contact_information: 'security@example.org' });
    expect(byType('identity').filter((o) => o['identity_class'] === 'system').map((o) => o['name'])).toContain('EXCH01.corp.example');
    expect(byType('marking-definition')).toEqual([expect.objectContaining({ name: 'TLP:AMBER', definition: { tlp: 'amber' } })]);
    for (const o of objects.filter((x) => x['created_by_ref'])) expect(o['object_marking_refs']).toEqual(['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82']);

    // Identical findings fold into one sighting with their count (the four shells from w3wp.exe are distinct).
    const sightings = byType('sighting');
    expect(sightings.length).toBeGreaterThanOrEqual(findings.length);
    const webshell = byType('attack-pattern').find((o) => (o['external_references'] as { external_id?: string }[])[0]?.external_id === 'T1505.003')!;
    expect(webshell).toMatchObject({
      name: 'Server Software Component: Web Shell',
      kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'persistence' }],
      external_references: [{ source_name: 'mitre-attack', external_id: 'T1505.003', url: 'https://attack.mitre.org/techniques/T1505/003/' }],
    });
    expect(sightings.filter((s) => s['sighting_of_ref'] === webshell.id).length).toBeGreaterThan(3);
    const [indicator] = byType('indicator');
    expect(indicator).toMatchObject({ pattern_type: 'stix', pattern: "[file:hashes.'SHA-256' = 'b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0']" });
    expect(sightings.some((s) => s['sighting_of_ref'] === indicator!.id)).toBe(true);
    const rels = byType('relationship');
    expect(rels.some((r) => r['relationship_type'] === 'indicates' && r['source_ref'] === indicator!.id && r['target_ref'] === webshell.id)).toBe(true);
    expect(rels.some((r) => r['relationship_type'] === 'subtechnique-of' && r['source_ref'] === webshell.id)).toBe(true);
    expect(rels.some((r) => r['relationship_type'] === 'targets' && r['source_ref'] === webshell.id)).toBe(true);

    // The China Chopper file with its hash; w3wp's child process with its command line, image and parent.
    expect(byType('file').some((f) => f['name'] === 'supp0rt.aspx' && (f['hashes'] as Record<string, string>)?.['SHA-256']?.startsWith('b75f'))).toBe(true);
    const whoami = byType('process').find((p) => p['command_line'] === 'cmd /c whoami')!;
    expect(objects.find((o) => o.id === whoami['image_ref'])).toMatchObject({ type: 'file', name: 'cmd.exe' });
    const parent = objects.find((o) => o.id === whoami['parent_ref'])!;
    expect(objects.find((o) => o.id === parent['image_ref'])).toMatchObject({ name: 'w3wp.exe' });
    expect(byType('network-traffic').some((n) => n['dst_port'] === 443)).toBe(true);
    expect(byType('windows-registry-key').some((k) => String(k['key']).startsWith('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft'))).toBe(true);

    // Rule authors are credited in every sighting.
    expect(sightings.some((s) => String(s['description']).includes('by Florian Roth (Nextron Systems)'))).toBe(true);
    const [report] = byType('report');
    expect((report!['object_refs'] as string[]).length).toBeGreaterThan(sightings.length);
  });

  test('exporting the same findings twice gives the same objects (bar the bundle id)', () => {
    const again = bundleOf(findings);
    expect(again.objects).toEqual(objects);
  });
});

describe('hardnut export', () => {
  test.skipIf(noSchemas)('stix, jsonl and csv from a case', async () => {
    const dir = tempDir();
    const caseFile = await intrusionCase(join(dir, 'case.duckdb'));
    const out = join(dir, 'bundle.json');
    const r = hardnut(['export', 'stix', '--case', caseFile, '--out', out, '--org', 'Example Quantum Ltd', '--tlp', 'green']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/STIX objects .* written to/);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { objects: Obj[] };
    expect(validator()(bundle)).toEqual([]);
    expect(bundle.objects.find((o) => o.type === 'marking-definition')!['name']).toBe('TLP:GREEN');

    const jsonl = hardnut(['export', 'jsonl', '--case', caseFile]);
    expect(jsonl.status, jsonl.stderr).toBe(0);
    const lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as Finding);
    expect(lines).toEqual(intrusionFindings());
    const csv = hardnut(['export', 'csv', '--case', caseFile]);
    expect(csv.stdout.split('\r\n')[0]).toBe('time,level,kind,rule_title,rule_id,rule_author,host,source,record,channel,event_id,path,sha256,attack,summary,count');
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(intrusionFindings().length + 1);
  });

  test('bad format, missing case: one clear line, exit 2', async () => {
    const dir = tempDir();
    let r = hardnut(['export', 'pdf', '--case', join(dir, 'x.duckdb')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("export takes stix, jsonl or csv, not 'pdf'");
    r = hardnut(['export', 'stix', '--case', join(dir, 'absent.duckdb')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`hardnut: ${join(dir, 'absent.duckdb')}: no case store here; hunt or sweep with --case FILE creates one`]);
    const empty = await findingsCase(join(dir, 'empty.duckdb'), []);
    r = hardnut(['export', 'stix', '--case', empty]);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { objects: Obj[] }).objects.map((o) => o.type)).toEqual(['marking-definition', 'identity', 'report']);
  });
});
