/** Planning YARA rule files into worker shares: bad files named and dropped, magic-gated groups, shares that hold every rule once. */
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/core/diagnostics.js';
import { checkRuleText } from '../../src/sweep/yara/engine.js';
import { layoutOf } from '../../src/sweep/yara/source.js';
import { planYara, type RuleFileText } from '../../src/sweep/yara/plan.js';

const file = (label: string, text: string): RuleFileText => ({ path: `${label}.yar`, label, text });
const check = (f: RuleFileText) => checkRuleText(f.text);

const PE = file('pe', 'import "pe"\nrule PeOnly { strings: $a = "evil" condition: uint16(0) == 0x5a4d and $a }\nrule AnyFile { strings: $b = "bad" condition: $b }');
const REFS = file('refs', 'private rule IsMz { condition: uint16(0) == 0x5a4d }\nrule UsesIt { strings: $c = "x" condition: IsMz and $c }');
const ELF = file('elf', 'rule ElfOnly { strings: $d = "d" condition: uint32(0) == 0x464c457f and $d }');

function rulesIn(source: string): string[] {
  return layoutOf(source).rules.map((r) => r.name);
}

describe('planYara', () => {
  it('names a file that does not compile and still plans the others', () => {
    const d = new Diagnostics();
    const bad = file('bad', 'rule Broken { condition: $nothere }');
    const plan = planYara([PE, bad], { shards: 1, check }, d);
    expect(plan.failed).toBe(1);
    expect(plan.files).toBe(1);
    expect(d.byCode()[0]).toMatchObject({ code: 'RULE_INVALID', count: 1 });
    expect(d.byCode()[0]!.examples[0]!.file).toBe('bad.yar');
    expect(d.byCode()[0]!.examples[0]!.message).toMatch(/nothere/);
  });

  it('drops a later file that defines a rule name again (one namespace), naming both', () => {
    const d = new Diagnostics();
    const again = file('again', 'rule AnyFile { condition: true }');
    const plan = planYara([PE, again], { shards: 1, check }, d);
    expect(plan.failed).toBe(1);
    expect(d.byCode()[0]!.examples[0]!.message).toBe('rule AnyFile is already defined in pe.yar; this file is not loaded');
  });

  it('puts gated rules in groups of their own, keeps referenced rules ungated, and shares every rule out once', () => {
    for (const shards of [1, 2, 3]) {
      const plan = planYara([PE, REFS, ELF], { shards, check }, new Diagnostics());
      expect(plan.rules).toBe(5);
      expect(plan.gatedRules).toBe(2); // PeOnly and ElfOnly; IsMz is named by UsesIt
      const all = plan.shards.flatMap((s) => [
        ...s.groups.flatMap((g) => rulesIn(g.source).map((r) => [r, g.gate?.key ?? ''])),
        ...s.optional.flatMap((o) => rulesIn(o.source).map((r) => [r, 'optional'])),
      ]);
      expect(all.sort()).toEqual(
        [
          ['AnyFile', 'optional'],
          ['ElfOnly', 'u32le:0x464c457f'],
          ['IsMz', ''],
          ['PeOnly', 'u16le:0x5a4d'],
          ['UsesIt', ''],
        ].sort(),
      );
      // AnyFile waits for its literal "bad"; IsMz and UsesIt compile together, and every group compiles.
      expect(plan.literals).toEqual([Buffer.from('bad').toString('hex')]);
      for (const s of plan.shards) {
        for (const o of s.optional) expect(checkRuleText(o.source)).toBe('');
        for (const g of s.groups) {
          expect(checkRuleText(g.source)).toBe('');
          const names = rulesIn(g.source);
          expect(names.includes('IsMz')).toBe(names.includes('UsesIt'));
        }
      }
      expect(plan.origins['PeOnly']).toBe('pe');
    }
  });

  it('leaves every rule in the groups without the prefilter', () => {
    const plan = planYara([PE, REFS, ELF], { shards: 1, check, prefilter: false }, new Diagnostics());
    expect(plan.shards[0]!.optional).toEqual([]);
    expect(plan.literals).toEqual([]);
  });

  it('compiles a set with a global rule whole, since it gates every rule of the namespace', () => {
    const global = file('global', 'global rule SmallOnly { condition: filesize < 1MB }');
    const plan = planYara([PE, global], { shards: 2, check }, new Diagnostics());
    expect(plan.shards).toHaveLength(1);
    expect(plan.shards[0]!.groups).toHaveLength(1);
    expect(plan.gatedRules).toBe(0);
  });

  it('gives each rule only the imports it uses, and keeps the rules that parse files (pe) in one share', () => {
    const mixed = file(
      'mixed',
      'import "pe"\nimport "math"\n' +
        'rule NoModule { strings: $a = /ev[a-z]l/ condition: not $a }\n' +
        'rule UsesPe { condition: pe.number_of_sections == 3 }\n' +
        'rule UsesMath { strings: $m = "mm" condition: $m and math.entropy(0, filesize) > 7 }',
    );
    const other = file('other', 'import "pe"\nrule Plain { strings: $z = /z[0-9]z/ condition: not $z }');
    const plan = planYara([mixed, other], { shards: 2, check, prefilter: false }, new Diagnostics());
    const sources = plan.shards.map((sh) => sh.groups.map((g) => g.source).join('\n'));
    // every share still compiles on its own
    for (const src of sources) expect(checkRuleText(src)).toBe('');
    const withPe = sources.filter((src) => src.includes('import "pe"'));
    expect(withPe).toHaveLength(1);
    expect(withPe[0]).toContain('rule UsesPe');
    // 'other' imports pe but never uses it: its rule went without the import
    const plain = sources.find((src) => src.includes('rule Plain'))!;
    expect(plain.slice(0, plain.indexOf('rule Plain'))).not.toContain('import "pe"\nrule Plain');
  });
});
