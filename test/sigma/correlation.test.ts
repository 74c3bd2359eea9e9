/** Correlation rules: every type of the specification, group-by, aliases, chaining, generate, bounded state. */
import { describe, expect, it } from 'vitest';
import { ObjectEvent } from '../../src/events/object-event.js';
import { buildRuleSet, CorrelationEngine, type CorrelationMatch } from '../../src/sigma/index.js';
import { emptyMapping, ruleSetOf, shippedMapping } from './helpers.js';

const base = (name: string, detection: string) =>
  `title: ${name}\nid: ${name}-id\nname: ${name}\nlogsource:\n    product: conformance\ndetection:\n${detection.replace(/^/gm, '    ')}\nlevel: low\n`;
const corr = (body: string, extra = '') => `title: the correlation\nid: corr-id\nlevel: high\n${extra}correlation:\n${body.replace(/^/gm, '    ')}\n`;

const T0 = Date.parse('2024-05-01T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60e3).toISOString();
const ev = (minutes: number, fields: Record<string, unknown>) => new ObjectEvent({ '@timestamp': at(minutes), ...fields }, { product: 'conformance' });

function run(texts: string[], events: ObjectEvent[]): CorrelationMatch[] {
  const rs = ruleSetOf(texts, emptyMapping());
  const engine = new CorrelationEngine(rs);
  const out: CorrelationMatch[] = [];
  for (const e of events) for (const m of rs.match(e)) out.push(...engine.feedMatch(m));
  out.push(...engine.flush());
  return out.filter((m) => m.report);
}

const failed = base('failed_login', 'sel:\n    EventID: 4625\ncondition: sel');

describe('correlations', () => {
  it('event_count: N events of a group within the timespan', () => {
    const c = corr('type: event_count\nrules: [failed_login]\ngroup-by: [User]\ntimespan: 10m\ncondition:\n    gte: 3');
    const burst = [0, 2, 4].map((m) => ev(m, { EventID: 4625, User: 'bob' }));
    const spread = [0, 11, 22].map((m) => ev(m, { EventID: 4625, User: 'eve' }));
    const mixed = [0, 1, 2].map((m, i) => ev(m, { EventID: 4625, User: ['x', 'y', 'z'][i] }));
    const got = run([failed, c], [...burst, ...spread, ...mixed].sort((a, b) => a.time!.localeCompare(b.time!)));
    expect(got.map((m) => [m.group['User'], m.value, m.time])).toEqual([['bob', 3, at(4)]]);
    expect(got[0]!.samples).toHaveLength(3);
  });

  it('event_count slides: a burst across any boundary is found', () => {
    const c = corr('type: event_count\nrules: [failed_login]\ngroup-by: [User]\ntimespan: 10m\ncondition:\n    gte: 3');
    const got = run([failed, c], [0, 9, 15, 16].map((m) => ev(m, { EventID: 4625, User: 'bob' })));
    expect(got.map((m) => m.time)).toEqual([at(16)]);
  });

  it('value_count: distinct values of a field per group', () => {
    const c = corr('type: value_count\nrules: [failed_login]\ngroup-by: [Host]\ntimespan: 1h\ncondition:\n    field: User\n    gte: 3');
    const events = ['a', 'a', 'b', 'a', 'c'].map((u, i) => ev(i, { EventID: 4625, Host: 'dc1', User: u }));
    const got = run([failed, c], events);
    expect(got.map((m) => [m.value, m.time])).toEqual([[3, at(4)]]);
  });

  it('value_sum and value_avg', () => {
    const web = base('web', 'sel:\n    Method: POST\ncondition: sel');
    const sum = corr('type: value_sum\nrules: [web]\ngroup-by: [SourceIP]\ntimespan: 1h\ncondition:\n    field: bytes_sent\n    gt: 1000');
    const events = [400, 500, 200].map((b, i) => ev(i, { Method: 'POST', SourceIP: '10.0.0.1', bytes_sent: String(b) }));
    expect(run([web, sum], events).map((m) => [m.value, m.time])).toEqual([[1100, at(2)]]);
    const avg = corr('type: value_avg\nrules: [web]\ngroup-by: [SourceIP]\ntimespan: 1h\ncondition:\n    field: bytes_sent\n    gt: 350');
    expect(run([web, avg], events).map((m) => m.value)).toEqual([1100 / 3]);
    expect(run([web, avg], events.slice(2))).toEqual([]);
  });

  it('value_percentile: values that make up at most that share of the group', () => {
    const proc = base('proc', "sel:\n    Image|endswith: '.exe'\ncondition: sel");
    const c = corr('type: value_percentile\nrules: [proc]\ngroup-by: [Computer]\ntimespan: 24h\ncondition:\n    field: Image\n    lte: 10');
    const events = Array.from({ length: 20 }, (_, i) => ev(i, { Computer: 'ws1', Image: i === 7 ? 'C:\\rare.exe' : 'C:\\svchost.exe' }));
    const got = run([proc, c], events);
    expect(got.map((m) => [m.fieldValue, m.value])).toEqual([['C:\\rare.exe', 5]]);
  });

  it('an upper bound is judged when the window ends', () => {
    const c = corr('type: event_count\nrules: [failed_login]\ngroup-by: [User]\ntimespan: 10m\ncondition:\n    lt: 2');
    const events = [ev(0, { EventID: 4625, User: 'once' }), ev(1, { EventID: 4625, User: 'twice' }), ev(2, { EventID: 4625, User: 'twice' }), ev(30, { EventID: 4625, User: 'late' })];
    const got = run([failed, c], events);
    expect(got.map((m) => m.group['User']).sort()).toEqual(['late', 'once']);
  });

  it('temporal: every rule within the timespan, in any order; ordered: in the listed order', () => {
    const a = base('recon_a', 'sel:\n    Cmd: whoami\ncondition: sel');
    const b = base('recon_b', 'sel:\n    Cmd: ipconfig\ncondition: sel');
    const events = [ev(0, { Cmd: 'ipconfig', Host: 'h' }), ev(2, { Cmd: 'whoami', Host: 'h' })];
    const temporal = corr('type: temporal\nrules: [recon_a, recon_b]\ngroup-by: [Host]\ntimespan: 5m');
    expect(run([a, b, temporal], events)).toHaveLength(1);
    expect(run([a, b, temporal], [ev(0, { Cmd: 'ipconfig', Host: 'h' }), ev(6, { Cmd: 'whoami', Host: 'h' })])).toHaveLength(0);
    const ordered = corr('type: temporal_ordered\nrules: [recon_a, recon_b]\ngroup-by: [Host]\ntimespan: 5m');
    expect(run([a, b, ordered], events)).toHaveLength(0);
    expect(run([a, b, ordered], [ev(0, { Cmd: 'whoami', Host: 'h' }), ev(1, { Cmd: 'whoami', Host: 'h' }), ev(3, { Cmd: 'ipconfig', Host: 'h' })])).toHaveLength(1);
    const some = corr('type: temporal\nrules: [recon_a, recon_b, failed_login]\ngroup-by: [Host]\ntimespan: 5m\ncondition:\n    gte: 2');
    expect(run([a, b, failed, some], events)).toHaveLength(1);
  });

  it('the specification example: failed logins followed by a success, chained correlations in one file', () => {
    const file = [
      'title: Correlation - Multiple Failed Logins Followed by Successful Login',
      'id: b180ead8-d58f-40b2-ae54-c8940995b9b6',
      'level: high',
      'correlation:\n    type: temporal_ordered\n    rules:\n        - multiple_failed_login\n        - successful_login\n    group-by:\n        - User\n    timespan: 10m',
      '---',
      'title: Multiple failed logons\nid: a8418a5a-5fc4-46b5-b23b-6c73beb19d41\nname: multiple_failed_login',
      'correlation:\n    type: event_count\n    rules:\n        - failed_login\n    group-by:\n        - User\n    timespan: 10m\n    condition:\n        gte: 10',
      '---',
      'title: Single failed login\nid: 53ba33fd-3a50-4468-a5ef-c583635cfa92\nname: failed_login',
      'logsource:\n    product: windows\n    service: security\ndetection:\n    selection:\n        EventID:\n            - 529\n            - 4625\n    condition: selection',
      '---',
      'title: Successful login\nid: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8\nname: successful_login',
      'logsource:\n    product: windows\n    service: security\ndetection:\n    selection:\n        EventID:\n            - 528\n            - 4624\n    condition: selection',
    ].join('\n');
    const hint = { product: 'windows', service: 'security' };
    const e = (m: number, id: number, user: string) => new ObjectEvent({ '@timestamp': at(m), EventID: id, User: user }, hint);
    const rs = ruleSetOf([file], shippedMapping());
    const engine = new CorrelationEngine(rs);
    const reports: string[] = [];
    const events = [...Array.from({ length: 10 }, (_, i) => e(i * 0.5, 4625, 'bob')), e(6, 4624, 'bob'), e(7, 4624, 'alice')];
    for (const x of events) {
      for (const m of rs.match(x)) {
        expect(m.rule.report, 'base rules of a correlation do not report on their own').toBe(false);
        for (const c of engine.feedMatch(m)) if (c.report) reports.push(`${c.rule.title}:${String(c.group['User'])}`);
      }
    }
    for (const c of engine.flush()) if (c.report) reports.push(c.rule.title);
    expect(reports).toEqual(['Correlation - Multiple Failed Logins Followed by Successful Login:bob']);
  });

  it('aliases: one group-by field read from different fields per rule', () => {
    const err = base('internal_error', 'sel:\n    status: 500\ncondition: sel');
    const conn = base('new_network_connection', 'sel:\n    type: connection\ncondition: sel');
    const c = corr(
      'type: temporal\nrules: [internal_error, new_network_connection]\ngroup-by: [internal_ip, remote_ip]\ntimespan: 10s\n' +
        'aliases:\n    internal_ip:\n        internal_error: destination.ip\n        new_network_connection: source.ip\n' +
        '    remote_ip:\n        internal_error: source.ip\n        new_network_connection: destination.ip',
    );
    const t = (s: number) => new Date(T0 + s * 1000).toISOString();
    const mk = (s: number, f: Record<string, unknown>) => new ObjectEvent({ '@timestamp': t(s), ...f }, { product: 'conformance' });
    const same = [mk(0, { status: 500, destination: { ip: '10.0.0.5' }, source: { ip: '203.0.113.9' } }), mk(3, { type: 'connection', source: { ip: '10.0.0.5' }, destination: { ip: '203.0.113.9' } })];
    const got = run([err, conn, c], same);
    expect(got.map((m) => m.group)).toEqual([{ internal_ip: '10.0.0.5', remote_ip: '203.0.113.9' }]);
    const other = [same[0]!, mk(3, { type: 'connection', source: { ip: '10.0.0.6' }, destination: { ip: '203.0.113.9' } })];
    expect(run([err, conn, c], other)).toEqual([]);
  });

  it('generate: true keeps the rules reporting on their own', () => {
    const c = corr('type: event_count\nrules: [failed_login]\ngroup-by: [User]\ntimespan: 10m\ncondition:\n    gte: 3\ngenerate: true');
    const rs = ruleSetOf([failed, c], emptyMapping());
    expect(rs.rules[0]!.report).toBe(true);
    expect(ruleSetOf([failed, corr('type: event_count\nrules: [failed_login]\ngroup-by: [User]\ntimespan: 10m\ncondition:\n    gte: 3')], emptyMapping()).rules[0]!.report).toBe(false);
  });

  it('state outside the timespan is dropped: memory does not grow with the input', () => {
    const c = corr('type: event_count\nrules: [failed_login]\ngroup-by: [User]\ntimespan: 1m\ncondition:\n    gte: 1000');
    const rs = ruleSetOf([failed, c], emptyMapping());
    const engine = new CorrelationEngine(rs);
    let most = 0;
    for (let i = 0; i < 20_000; i++) {
      const e = new ObjectEvent({ '@timestamp': new Date(T0 + i * 1000).toISOString(), EventID: 4625, User: `u${i}` }, { product: 'conformance' });
      for (const m of rs.match(e)) engine.feedMatch(m);
      most = Math.max(most, engine.openGroups);
    }
    expect(most).toBeLessThan(200);
  });

  it('correlation problems are reported on its file', () => {
    const { files } = buildRuleSet(
      [
        { path: 'c.yml', text: corr('type: event_count\nrules: [nobody]\ngroup-by: [User]\ntimespan: 10m\ncondition:\n    gte: 3') },
        { path: 'd.yml', text: corr('type: event_count\nrules: [x]\ngroup-by: [User]\ntimespan: 10 minutes\ncondition:\n    gte: 3') },
        { path: 'e.yml', text: corr('type: sequence\nrules: [x]\ntimespan: 1m') },
        { path: 'f.yml', text: corr('type: value_count\nrules: [x]\ngroup-by: [U]\ntimespan: 1m\ncondition:\n    gte: 3') },
      ],
      { mapping: emptyMapping() },
    );
    expect(files.map((f) => f.issues[0]?.message)).toEqual([
      "correlation 'the correlation' uses rule 'nobody', which is not loaded",
      "timespan '10 minutes' must be a number and a unit: s, m, h or d (e.g. 90m)",
      "correlation type 'sequence' is not one of event_count, value_count, value_sum, value_avg, value_percentile, temporal, temporal_ordered",
      "a value_count correlation needs 'field' in its condition",
    ]);
  });
});
