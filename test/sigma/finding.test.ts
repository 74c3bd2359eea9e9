/** Matches and correlation matches as Findings that satisfy the public schema. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ObjectEvent } from '../../src/events/object-event.js';
import { correlationFinding, CorrelationEngine, matchFinding } from '../../src/sigma/index.js';
import { ROOT } from '../helpers.js';
import { ruleSetOf, shippedMapping } from './helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'finding.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
const ctx = { source: 'evidence/Sysmon.evtx', command: 'hunt', version: '0.1.0' };

const rule = `title: Whoami From a Web Server
id: 11111111-2222-4333-8444-555555555555
name: whoami_web
status: test
author: hardnut tests
references: [https://example.org/a]
tags: [attack.discovery, attack.t1033]
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        ParentImage|endswith: '\\w3wp.exe'
        Image|endswith: '\\whoami.exe'
    condition: sel
fields: [CommandLine, User]
level: high
`;
const corr = `title: Whoami Burst
id: 66666666-2222-4333-8444-555555555555
author: hardnut tests
tags: [attack.t1033]
correlation:
    type: event_count
    rules: [whoami_web]
    group-by: [Computer]
    timespan: 5m
    condition:
        gte: 2
level: critical
`;

const event = (n: number) =>
  new ObjectEvent({
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    EventID: 1,
    EventRecordID: 100 + n,
    Computer: 'EXCH01',
    TimeCreated_SystemTime: `2021-03-03T04:05:0${n}.000Z`,
    ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
    Image: 'C:\\Windows\\System32\\whoami.exe',
    CommandLine: 'whoami /all',
    User: 'IIS APPPOOL\\DefaultAppPool',
  });

describe('findings from the engine', () => {
  it('a rule match is a sigma Finding with evidence, ATT&CK ids and the author', () => {
    const rs = ruleSetOf([rule], shippedMapping());
    const [m] = rs.match(event(1));
    const f = matchFinding(m!, ctx);
    expect(validate(JSON.parse(JSON.stringify(f))), JSON.stringify(validate.errors)).toBe(true);
    expect(f).toMatchObject({
      kind: 'sigma',
      host: 'EXCH01',
      record: 101,
      channel: 'Microsoft-Windows-Sysmon/Operational',
      event_id: 1,
      level: 'high',
      attack: ['T1033'],
      tactics: ['discovery'],
      rule: { author: 'hardnut tests', id: '11111111-2222-4333-8444-555555555555' },
      evidence: { ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all', User: 'IIS APPPOOL\\DefaultAppPool' },
    });
    expect(f.summary).toBe('w3wp.exe started whoami.exe: whoami /all');
  });

  it('a correlation match is a correlation Finding', () => {
    const rs = ruleSetOf([rule + '---\n' + corr], shippedMapping());
    const engine = new CorrelationEngine(rs);
    const out = [1, 2].flatMap((n) => rs.match(event(n)).flatMap((m) => engine.feedMatch(m, 'evidence/Sysmon.evtx')));
    expect(out).toHaveLength(1);
    const f = correlationFinding(out[0]!, ctx);
    expect(validate(JSON.parse(JSON.stringify(f))), JSON.stringify(validate.errors)).toBe(true);
    expect(f).toMatchObject({ kind: 'correlation', level: 'critical', host: 'EXCH01', time: '2021-03-03T04:05:02.000Z', evidence: { Computer: 'EXCH01', value: 2, records: '101,102' } });
    expect(f.summary).toBe('Whoami Burst: 2 events within 5m (Computer=EXCH01)');
  });
});
