import { describe, expect, it } from 'vitest';
import { Tally } from '../../src/findings/tally.js';
import { sampleFinding } from '../helpers.js';

describe('Tally', () => {
  it('counts findings by rule, host and tactic, folded counts included', () => {
    const t = new Tally();
    t.add(sampleFinding());
    t.add(sampleFinding({ count: 3, host: 'DC01' }));
    t.add(sampleFinding({ rule: { ...sampleFinding().rule, id: 'x', title: 'Other' }, tactics: ['discovery', 'persistence'], host: null }));
    expect(t.topRules()).toEqual([
      ['Web server process spawns a shell (high)', 4],
      ['Other (high)', 1],
    ]);
    expect(t.topHosts()).toEqual([
      ['DC01', 3],
      ['(unknown host)', 1],
      ['EXCH01.corp.example', 1],
    ]);
    expect(t.byTactic()).toEqual([
      ['persistence', 5],
      ['discovery', 1],
    ]);
    expect(t.topRules(1)).toHaveLength(1);
  });
});
