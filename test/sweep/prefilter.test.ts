/**
 * The literal prefilter: which rules provably need one of their strings, their literals, and a literal search checked
 * against a plain indexOf on random data (a second implementation).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiteralSet, literalsOf, literalsRequired, requiresAString } from '../../src/sweep/yara/prefilter.js';

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);

describe('requiresAString', () => {
  it('is true only for conditions false when no string matches', () => {
    for (const c of ['$a', 'any of them', 'all of them', '2 of ($s*)', '$a and filesize < 10KB', 'filesize < 1MB and (1 of ($x*) or #b > 2)', '( $a or $b )', '$a at 0', '$a in (0..100)', '#a >= 1'])
      expect([c, requiresAString(c)]).toEqual([c, true]);
    for (const c of ['not $a', 'filesize < 10', '$a or filesize > 5', '#a == 0', '#a >= 0', '0 of them', 'OtherRule and $a or pe.is_pe', 'uint16(0) == 0x5a4d', 'for any i in (1..#a) : ( @a[i] > 5 )'])
      expect([c, requiresAString(c)]).toEqual([c, false]);
  });
});

describe('literalsOf', () => {
  it('gives the bytes of plain text strings, both forms for wide ascii, and decodes escapes', () => {
    const r = 'rule r { strings: $a = "eval(" ascii $b = "x\\x41\\"\\\\" nocase fullword\n $w = "ab" wide ascii // note\n condition: any of them }';
    expect(literalsOf(r)?.map(hex)).toEqual([hex(Buffer.from('eval(')), hex(Buffer.from('xA"\\')), hex(Buffer.from('ab')), hex(Buffer.from('a\0b\0'))]);
  });

  it('is undefined when a string is a regex, hex, xor or base64 string', () => {
    expect(literalsOf('rule r { strings: $a = "x" $b = /ab+c/ condition: any of them }')).toBeUndefined();
    expect(literalsOf('rule r { strings: $a = { 4D 5A } condition: $a }')).toBeUndefined();
    expect(literalsOf('rule r { strings: $a = "abcd" xor condition: $a }')).toBeUndefined();
    expect(literalsOf('rule r { strings: $a = "abcd" base64 condition: $a }')).toBeUndefined();
    expect(literalsOf('rule r { condition: true }')).toBeUndefined();
  });
});

describe('literalsRequired', () => {
  const text = (c: string) => Buffer.from(c).toString('hex');
  const of = (strings: string, condition: string) => literalsRequired(`rule r { strings: ${strings} condition: ${condition} }`, condition)?.map(hex);

  it('needs literals only of the strings the condition cannot do without', () => {
    // $re gives no literal, but the rule cannot match without $inp
    expect(of('$inp = "php://input" $re = /a.b/ $fp = /x|y/', '$inp and not $fp and ($re or filesize < 10)')).toEqual([text('php://input')]);
    // an and: the side with the fewest literals; an or: every side's
    expect(of('$a1 = "alpha" $a2 = "alpine" $b = "bravo"', 'any of ($a*) and $b')).toEqual([text('bravo')]);
    expect(of('$a = "alpha" $b = "bravo" $c = /c+/', '$a or #b > 2')).toEqual([text('alpha'), text('bravo')]);
    // xor and base64 strings give none, but need not spoil the rule when another side is required
    expect(of('$x = "abcd" xor(1-255) $y = "yankee"', '$y and $x')).toEqual([text('yankee')]);
  });

  it('is undefined when the rule may match without a literal', () => {
    expect(of('$a = "alpha" $re = /a.b/', '$a or $re')).toBeUndefined();
    expect(of('$a = "alpha"', 'not $a')).toBeUndefined();
    expect(of('$a = "alpha"', '$a or filesize < 100')).toBeUndefined();
    expect(of('$x = "abcd" base64', '$x')).toBeUndefined();
    expect(of('$h = { 4D 5A ?? 90 }', '$h')).toBeUndefined();
  });
});

describe('LiteralSet', () => {
  it('finds literals case-insensitively, anywhere, short ones taken as present', () => {
    const lits = ['<?php', 'EVAL(base64_decode', 'ab', 'never-there', 'tail'].map((s) => Buffer.from(s));
    const set = new LiteralSet(lits);
    set.feed(Buffer.from('xx <?PHP eval(BASE64_DECODE($x)); ?> tail'));
    expect([...set.seen]).toEqual([1, 1, 1, 0, 1]);
    expect(set.complete).toBe(false);
  });

  it('agrees with indexOf on random data and literals drawn from it', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => a.map((b) => 0x41 + (b % 6))),
        fc.array(fc.tuple(fc.nat(300), fc.integer({ min: 1, max: 12 }), fc.boolean()), { minLength: 1, maxLength: 20 }),
        (data, picks) => {
          const lits = picks.map(([at, len, random]) => {
            const slice = data.slice(Math.min(at, data.length), Math.min(at, data.length) + len);
            return random || slice.length === 0 ? Uint8Array.from({ length: len }, (_, i) => 0x41 + ((at + i * 7) % 6)) : slice;
          });
          const set = new LiteralSet(lits);
          set.feed(data);
          const text = Buffer.from(data).toString('latin1').toLowerCase();
          lits.forEach((l, i) => {
            const want = l.length < 4 || text.includes(Buffer.from(l).toString('latin1').toLowerCase());
            expect(set.seen[i] === 1).toBe(want);
          });
        },
      ),
    );
  });
});

describe('literals of hex strings and regular expressions', () => {
  const one = (s: string) => literalsOf(`rule r { strings: $a = ${s} condition: $a }`)?.map((b) => Buffer.from(b).toString('latin1'));
  it('takes the longest run of fixed bytes of a hex string', () => {
    expect(one('{ 4D 5A ?? 00 [2-4] 50 45 00 00 4C 01 ( 0B | 0C ) }')).toEqual(['PE\0\0L\x01']);
    expect(one('{ 4D 5A 9? 00 }')).toBeUndefined(); // no run of four
    expect(one('{ 41 42 43 44 ~45 }')).toEqual(['ABCD']);
  });

  it('takes the longest run of literal characters of a regex, never across a quantifier, class or group', () => {
    expect(one('/eval\\(\\$_(POST|GET)/')).toEqual(['eval($_']);
    expect(one('/abcdx?efgh/')).toEqual(['abcd']);
    expect(one('/ab[^\\]]cdefg+h/')).toEqual(['cdefg']);
    expect(one('/(abcdef)zz/')).toBeUndefined();
    expect(one('/abcdef|ghijkl/')).toBeUndefined();
    expect(one('/\\x41\\x42CD\\.ef/ nocase')).toEqual(['ABCD.ef']);
    expect(one('/abc\\w+defg{1,3}/')).toBeUndefined(); // "abc" and "def": too short
  });

  it('widens text strings for wide, not hex strings', () => {
    expect(one('"abcd" wide')).toEqual(['a\0b\0c\0d\0']);
    expect(one('{ 61 62 63 64 }')).toEqual(['abcd']);
  });
});
