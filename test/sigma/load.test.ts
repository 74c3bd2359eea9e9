/** Loading: errors as data with file and line, multi-document collections, filters, what is refused and why. */
import { describe, expect, it } from 'vitest';
import { ObjectEvent } from '../../src/events/object-event.js';
import { buildRuleSet, loadRuleFiles, summariseFile } from '../../src/sigma/index.js';
import { emptyMapping, hintEvent, ruleSetOf } from './helpers.js';

const load = (text: string) => loadRuleFiles([{ path: 'x.yml', text }])[0]!;
const firstIssue = (text: string) => load(text).issues[0];
const HEAD = 'title: t\nid: i\nlogsource:\n    product: conformance\n';

describe('rule loading', () => {
  it('a YAML syntax error names its line', () => {
    const i = firstIssue(HEAD + 'detection:\n    sel:\n        A: [1, 2\n    condition: sel\n');
    expect(i).toMatchObject({ code: 'RULE_INVALID', file: 'x.yml' });
    expect(i!.message).toMatch(/^YAML: /);
    expect(i!.line).toBeGreaterThanOrEqual(7);
  });

  it('an unknown modifier is unsupported, with the line of its key', () => {
    const i = firstIssue(HEAD + 'detection:\n    sel:\n        A: 1\n        B|containz: x\n    condition: sel\n');
    expect(i).toMatchObject({ code: 'RULE_UNSUPPORTED', line: 8 });
    expect(i!.message).toContain("unknown modifier 'containz'");
  });

  it('every bad search identifier of a rule is reported, not just the first', () => {
    const r = load(HEAD + 'detection:\n    a:\n        A|nope: 1\n    b:\n        B|cidr: x\n    condition: a or b\n');
    expect(r.issues.map((i) => i.line)).toEqual([7, 9]);
  });

  it('the Sigma 1 aggregation is unsupported by name', () => {
    const i = firstIssue(HEAD + 'detection:\n    sel:\n        A: 1\n    condition: sel | count() by Host > 10\n');
    expect(i).toMatchObject({ code: 'RULE_UNSUPPORTED', line: 8 });
    expect(i!.message).toContain("aggregation '| count() by Host > 10'");
    expect(firstIssue(HEAD + 'detection:\n    a:\n        A: 1\n    b:\n        B: 1\n    timeframe: 5m\n    condition: a near b\n')!.message).toContain("'near'");
  });

  it('a condition naming a missing identifier, or a pattern matching none, is invalid', () => {
    expect(firstIssue(HEAD + 'detection:\n    sel:\n        A: 1\n    condition: sel and filter\n')!.message).toContain("names 'filter'");
    expect(firstIssue(HEAD + 'detection:\n    sel:\n        A: 1\n    condition: sel and not 1 of filter_*\n')!.message).toContain('matches no search identifier');
    expect(firstIssue(HEAD + 'detection:\n    sel:\n        A: 1\n    condition: (sel\n')!.message).toContain('not closed');
  });

  it('modifier misuse is explained', () => {
    const bad = (entry: string) => firstIssue(HEAD + `detection:\n    sel:\n        ${entry}\n    condition: sel\n`)!.message;
    expect(bad('A|exists: maybe')).toContain('true or false');
    expect(bad('A|re|contains: x')).toContain('cannot be combined');
    expect(bad('A|i: x')).toContain("sub-modifier of 're'");
    expect(bad('A|cidr: 10.0.0.0/33')).toContain('not an IPv4 or IPv6 network');
    expect(bad('A|gt: lots')).toContain('compares numbers');
    expect(bad("A|re: '(?R)'")).toContain('recursion');
    expect(bad("A|contains|base64: 'x'")).toContain('wildcards');
  });

  it('missing title, logsource, detection, condition', () => {
    expect(firstIssue('id: x\nlogsource: {product: a}\ndetection: {s: {A: 1}, condition: s}\n')!.message).toContain("'title'");
    expect(firstIssue('title: x\ndetection: {s: {A: 1}, condition: s}\n')!.message).toContain("'logsource'");
    expect(firstIssue('title: x\nlogsource: {product: a}\n')!.message).toContain("no 'detection'");
    expect(firstIssue('title: x\nlogsource: {product: a}\ndetection: {s: {A: 1}}\n')!.message).toContain("no 'condition'");
    expect(firstIssue('title: x\nlevel: severe\nlogsource: {product: a}\ndetection: {s: {A: 1}, condition: s}\n')!.message).toContain("level 'severe'");
  });

  it('one bad document does not stop the others; the file still reports the problem', () => {
    const r = load(HEAD + 'detection:\n    s:\n        A: 1\n    condition: s\n---\ntitle: broken\n---\n' + HEAD.replace('id: i', 'id: j') + 'detection:\n    s:\n        B: 1\n    condition: s\n');
    expect(r.documents.map((d) => d.meta.id)).toEqual(['i', 'j']);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.line).toBe(10);
    expect(summariseFile(r)).toMatchObject({ ok: false, id: 'i', error: expect.stringMatching(/^line 10: /) });
  });

  it("collections: action global, repeat and reset", () => {
    const text = [
      'action: global',
      'title: Whoami',
      'logsource:\n    product: conformance',
      'detection:\n    sel:\n        Image|endswith: whoami.exe\n    condition: sel',
      'level: low',
      '---',
      'id: one',
      '---',
      'action: repeat',
      'id: two',
      'detection:\n    sel:\n        Image|endswith: hostname.exe',
      '---',
      'action: reset',
      '---',
      'title: Alone\nid: three\nlogsource:\n    product: conformance\ndetection:\n    sel:\n        A: 1\n    condition: sel',
    ].join('\n');
    const r = load(text);
    expect(r.issues).toEqual([]);
    expect(r.documents.map((d) => [d.meta.id, d.meta.title, d.meta.level])).toEqual([
      ['one', 'Whoami', 'low'],
      ['two', 'Whoami', 'low'],
      ['three', 'Alone', 'medium'],
    ]);
    const rs = ruleSetOf([text]);
    expect(rs.match(hintEvent({ Image: 'C:\\whoami.exe' })).map((m) => m.rule.ref.id)).toEqual(['one']);
    expect(rs.match(hintEvent({ Image: 'C:\\hostname.exe' })).map((m) => m.rule.ref.id)).toEqual(['two']);
  });

  it('filters (meta-rules) exclude what they match from the rules they name', () => {
    const ruleText = HEAD.replace('id: i', 'id: 6f3e2987-db24-4c78-a860-b4f4095a7095') + "detection:\n    sel:\n        Image|endswith: '\\rar.exe'\n    condition: sel\n";
    const filter =
      'title: Filter admins\nlogsource:\n    product: conformance\nfilter:\n    rules:\n        - 6f3e2987-db24-4c78-a860-b4f4095a7095\n    selection:\n        User|startswith: adm_\n    condition: selection\n';
    const other = 'title: Other filter\nlogsource:\n    product: elsewhere\nfilter:\n    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n    selection:\n        User: bob\n    condition: selection\n';
    const { ruleSet, files } = buildRuleSet(
      [
        { path: 'r.yml', text: ruleText },
        { path: 'f.yml', text: filter },
        { path: 'g.yml', text: other },
      ],
      { mapping: emptyMapping() },
    );
    expect(files.map((f) => f.issues)).toEqual([[], [], []]);
    expect(files[2]!.notes[0]).toContain('not applied');
    expect(ruleSet.match(hintEvent({ Image: 'C:\\rar.exe', User: 'alice' }))).toHaveLength(1);
    expect(ruleSet.match(hintEvent({ Image: 'C:\\rar.exe', User: 'adm_alice' }))).toHaveLength(0);
    expect(ruleSet.match(hintEvent({ Image: 'C:\\rar.exe', User: 'bob' }))).toHaveLength(1);
  });

  it('a placeholder without values loads with a note', () => {
    const r = load(HEAD + "detection:\n    s:\n        A|expand: '%Servers%'\n    condition: s\n");
    expect(r.issues).toEqual([]);
    expect(r.notes[0]).toContain('%Servers%');
  });

  it('hostile input: alias bombs and huge texts are refused, not expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${new Array(10).fill('*' + String.fromCharCode(96 + i)).join(', ')}]`);
    expect(firstIssue(bomb.join('\n'))!.message).toMatch(/too many nodes|YAML/);
    const big = loadRuleFiles([{ path: 'big.yml', text: 'x'.repeat((4 << 20) + 1) }])[0]!;
    expect(big.issues[0]!.message).toContain('too large');
  });

  it('an event id outside a map in Windows metadata still indexes', () => {
    const rs = ruleSetOf([HEAD + 'detection:\n    s:\n        EventID: 4624\n    condition: s\n']);
    expect(rs.match(new ObjectEvent({ EventID: '4624' }, { product: 'conformance' }))).toHaveLength(1);
  });
});
