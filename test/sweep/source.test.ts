/** The YARA text reader that splits rule files into rules, and the magic-number gates it finds in conditions. */
import { describe, expect, it } from 'vitest';
import { gateOf, identifiersOf, layoutOf, passesGate } from '../../src/sweep/yara/source.js';

const TEXT = `
import "pe"
// a comment with rule fake { }
/* block comment: rule other { condition: true } */
rule one : tag1 tag2 {
  meta:
    description = "braces } and { in a string, and a \\" quote"
  strings:
    $a = "}}}" ascii
    $re = /a{2,3}\\/b[}]/ nocase
    $h = { 4D 5A [2-4] ( 90 | 00 ) }
  condition:
    uint16(0) == 0x5a4d and // trailing comment
    any of them
}
private rule two { condition: filesize / 2 > 10 }
global rule three { condition: true }
`;

describe('layoutOf', () => {
  it('finds each rule, its modifiers and condition past strings, regexes, hex strings and comments', () => {
    const l = layoutOf(TEXT);
    expect(l.unsplittable).toBeUndefined();
    expect(l.imports).toEqual(['import "pe"']);
    expect(l.rules.map((r) => [r.name, r.private, r.global])).toEqual([
      ['one', false, false],
      ['two', true, false],
      ['three', false, true],
    ]);
    const one = l.rules[0]!;
    expect(TEXT.slice(one.start, one.end + 1)).toMatch(/^rule one : tag1 tag2 \{[\s\S]*any of them\n\}$/);
    expect(one.condition).not.toContain('trailing comment');
    expect(TEXT.slice(l.rules[1]!.start, l.rules[1]!.end + 1)).toBe('private rule two { condition: filesize / 2 > 10 }');
  });

  it('calls a text with an include, or one it cannot follow, unsplittable', () => {
    expect(layoutOf('include "other.yar"\nrule a { condition: true }').unsplittable).toBe('include statements');
    expect(layoutOf('rule a { strings: $a = "open condition: $a').unsplittable).toMatch(/rule a/);
    expect(layoutOf('rule { condition: true }').unsplittable).toMatch(/without a name/);
  });
});

describe('gateOf', () => {
  it('gates a condition that starts behind a magic number', () => {
    expect(gateOf('uint16(0) == 0x5a4d and filesize < 100KB and 1 of them')?.key).toBe('u16le:0x5a4d');
    expect(gateOf('( uint32be(0) == 0x7f454c46 ) and $a')?.key).toBe('u32be:0x7f454c46');
    expect(gateOf('filesize < 1MB and 0x5a4d == uint16(0)')?.key).toBe('u16le:0x5a4d');
    // A parenthesised conjunction among the conjuncts, and a set of magic numbers of one width.
    expect(gateOf('(uint16(0) == 0x5A4D and uint32(uint32(0x3C)) == 0x00004550) and all of them')?.key).toBe('u16le:0x5a4d');
    expect(gateOf('(uint16(0) == 0x5a4d or uint16(0) == 0x457f) and $a')?.key).toBe('u16le:0x457f|0x5a4d');
  });

  it('does not gate what could match without the magic number', () => {
    // and binds tighter than or: the rule matches on "4 of them" alone.
    expect(gateOf('uint16(0) == 0x5a4d and filesize < 3000KB and 3 of them or 4 of them')).toBeUndefined();
    expect(gateOf('not uint16(0) == 0x5a4d and $a')).toBeUndefined();
    expect(gateOf('uint16(0) != 0x5a4d and $a')).toBeUndefined();
    expect(gateOf('(uint16(0) == 0x5a4d or $a) and $b')).toBeUndefined();
    expect(gateOf('(uint16(0) == 0x5a4d or uint32(0) == 0x464c457f) and $b')).toBeUndefined();
    expect(gateOf('uint16(2) == 0x5a4d and $a')).toBeUndefined();
    expect(gateOf('all of them')).toBeUndefined();
  });

  it('checks the first bytes as the gate reads them', () => {
    const mz = gateOf('uint16(0) == 0x5a4d and $a')!;
    expect(passesGate(new Uint8Array([0x4d, 0x5a, 0x90]), mz)).toBe(true);
    expect(passesGate(new Uint8Array([0x5a, 0x4d]), mz)).toBe(false);
    expect(passesGate(new Uint8Array([0x4d]), mz)).toBe(false);
    const elf = gateOf('uint32be(0) == 0x7f454c46 and $a')!;
    expect(passesGate(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1]), elf)).toBe(true);
  });
});

describe('identifiersOf', () => {
  it('names the bare identifiers (rule references), not strings, counts or quoted text', () => {
    const ids = identifiersOf('$a and #b > 2 and OtherRule and not "QuotedRule" and any of (Set*)');
    expect(ids.names.has('OtherRule')).toBe(true);
    expect(ids.names.has('a')).toBe(false);
    expect(ids.names.has('QuotedRule')).toBe(false);
    expect(ids.prefixes).toEqual(['Set']);
  });
});

describe('gateOf with regexes in the condition', () => {
  it('skips a regex after matches, slashes and all, and still refuses a division', () => {
    expect(gateOf('uint16(0) == 0x5a4d and all of them and not filename matches /zam64\\/x|y/i and $a')?.key).toBe('u16le:0x5a4d');
    expect(gateOf('uint16(0) == 0x5a4d and filesize / 2 > 10')).toBeUndefined();
    expect(gateOf('uint16(0) == 0x5a4d and filename matches /a/ or $b')).toBeUndefined();
  });
});
