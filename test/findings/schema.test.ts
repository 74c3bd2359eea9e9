import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { tacticsFromTags, techniquesFromTags } from '../../src/findings/attack.js';
import { atLeast, levelRank, parseLevel } from '../../src/findings/level.js';
import { ROOT, sampleFinding } from '../helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'finding.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

describe('the Finding JSON Schema', () => {
  it('accepts a Sigma finding and a file finding', () => {
    expect(validate(JSON.parse(JSON.stringify(sampleFinding()))), JSON.stringify(validate.errors)).toBe(true);
    const file = sampleFinding({
      kind: 'yara',
      path: '/var/www/html/uploads/x.php',
      sha256: 'a'.repeat(64),
      size: 120,
      mtime: '2021-03-03T00:00:00Z',
      score: 85,
      matches: [{ identifier: '$eval', offset: 10, length: 4, excerpt: 'eval($_POST' }],
      count: 2,
    });
    expect(validate(JSON.parse(JSON.stringify(file))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects findings that break the contract', () => {
    const noAuthor = JSON.parse(JSON.stringify(sampleFinding())) as { rule: Record<string, unknown> };
    delete noAuthor.rule['author'];
    expect(validate(noAuthor)).toBe(false);
    expect(validate({ ...sampleFinding(), level: 'severe' })).toBe(false);
    expect(validate({ ...sampleFinding(), time: '03/03/2021' })).toBe(false);
    expect(validate({ ...sampleFinding(), attack: ['t1059'] })).toBe(false);
    expect(validate({ ...sampleFinding(), surprise: 1 })).toBe(false);
  });

  it('lists every field the hunt contract in product.md requires', () => {
    const required = (schema as { required: string[] }).required;
    for (const f of ['time', 'host', 'source', 'rule', 'attack', 'evidence']) expect(required).toContain(f);
    const props = (schema as { properties: Record<string, unknown> }).properties;
    for (const f of ['record', 'channel', 'event_id']) expect(props).toHaveProperty(f);
  });
});

describe('levels and ATT&CK tags', () => {
  it('ranks and parses levels', () => {
    expect(levelRank('critical')).toBe(4);
    expect(levelRank('nonsense')).toBe(-1);
    expect(parseLevel('info')).toBe('informational');
    expect(atLeast('high', 'medium')).toBe(true);
    expect(atLeast('low', 'medium')).toBe(false);
  });

  it('reads techniques and tactics from Sigma tags', () => {
    const tags = ['attack.persistence', 'attack.t1505.003', 'attack.T1190', 'attack.credential_access', 'cve.2021-26855', 'attack.g0125'];
    expect(techniquesFromTags(tags)).toEqual(['T1505.003', 'T1190']);
    expect(tacticsFromTags(tags)).toEqual(['persistence', 'credential-access']);
  });
});
