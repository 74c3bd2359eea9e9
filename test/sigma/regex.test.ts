/** PCRE → JavaScript translation: the forms JavaScript rejects or reads differently, and a fuzz against native RegExp. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { translatePcre } from '../../src/sigma/regex.js';

const js = (p: string, flags: { i?: boolean; m?: boolean; s?: boolean } = {}) => {
  const r = translatePcre(p, flags, 1);
  return new RegExp(r.source, r.flags);
};

describe('PCRE translation', () => {
  it.each([
    ['(?i)abc', 'ABC', true],
    ['(?i)abc', 'xabcx', true],
    ['a(?i)bc', 'aBC', true],
    ['a(?i)bc', 'ABC', false],
    ['(?i:a)b', 'Ab', true],
    ['(?i:a)b', 'AB', false],
    ['(?i)a(?-i)b', 'Ab', true],
    ['(?i)a(?-i)b', 'AB', false],
    ['(?s)a.b', 'a\nb', true],
    ['a.b', 'a\nb', false],
    ['a.b', 'a\rb', true],
    ['(?m)^b$', 'a\nb\nc', true],
    ['^b$', 'a\nb\nc', false],
    ['abc$', 'abc\n', true],
    ['abc\\z', 'abc\n', false],
    ['\\Aabc', 'xabc', false],
    ['abc\\Z', 'abc\n', true],
    ['(?x) a  b # comment', 'ab', true],
    ['[[:digit:]]+x', '123x', true],
    ['[[:^digit:]]x', '1x', false],
    ['[]a]+', ']a]', true],
    ['\\Q.*\\E', '.*', true],
    ['\\Q.*\\E', 'ab', false],
    ['\\x{41}', 'A', true],
    ['\\h+', 'a \tb', true],
    ['(?P<w>ab)(?P=w)', 'abab', true],
    ['(a)(?:x)\\g{1}', 'axa', true],
    ['(a|b)*+c', 'ababc', true],
    ['^(?>a|ab)c', 'abc', false],
    ['^a++a', 'aaa', false],
    ['^a{1,3}+a', 'aaaa', true],
    ['(?#note)ab', 'ab', true],
    ['\\"quoted\\\'', '"quoted\'', true],
  ])('%s on %j → %s', (pattern, input, want) => {
    expect(js(pattern).test(input)).toBe(want);
  });

  it('sub-modifier flags apply', () => {
    expect(js('ABC', { i: true }).test('abc')).toBe(true);
    expect(js('^b', { m: true }).test('a\nb')).toBe(true);
    expect(js('a.b', { s: true }).test('a\nb')).toBe(true);
  });

  it.each([
    ['(?R)', 'recursion'],
    ['(?(1)a|b)', 'conditional'],
    ['\\Gabc', '\\G'],
    ['a\\Kb', '\\K'],
    ['(*SKIP)a', 'backtracking control'],
    ['(?|a)', 'branch reset'],
    ['(?U)a+', 'ungreedy'],
  ])('%s is unsupported, by name', (pattern, what) => {
    expect(() => translatePcre(pattern, {}, 7)).toThrowError(expect.objectContaining({ code: 'RULE_UNSUPPORTED', line: 7, message: expect.stringContaining(what) }));
  });

  it('an invalid pattern is invalid, not a crash', () => {
    expect(() => translatePcre('a(b', {}, 3)).toThrowError(expect.objectContaining({ line: 3 }));
    expect(() => translatePcre('[z-a]', {}, 3)).toThrowError(expect.objectContaining({ code: 'RULE_INVALID' }));
  });

  it('patterns both dialects read alike translate to the same matches (fuzz)', () => {
    const atom = fc.oneof(
      fc.constantFrom('a', 'b', 'c', 'ab', '\\d', '\\w', '\\s', '[a-c]', '[^b]', '\\.', 'x', ' '),
      fc.constantFrom('(a|b)', '(?:ab|c)', '(?=a)', '(?!b)'),
    );
    const quant = fc.constantFrom('', '*', '+', '?', '{1,2}', '*?', '+?');
    const pattern = fc.array(fc.tuple(atom, quant).map(([a, q]) => a + q), { minLength: 1, maxLength: 5 }).map((p) => p.join(''));
    const input = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', ' ', '.', 'x', 'A'), maxLength: 12 });
    fc.assert(
      fc.property(pattern, input, fc.boolean(), (p, s, insensitive) => {
        const native = new RegExp(p, insensitive ? 'i' : '');
        expect(js(insensitive ? `(?i)${p}` : p).test(s)).toBe(native.test(s));
        expect(js(p, { i: insensitive }).test(s)).toBe(native.test(s));
      }),
      { numRuns: 500, interruptAfterTimeLimit: 3000 },
    );
  });
});
