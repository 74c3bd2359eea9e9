import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { closest, editDistance, formatOptions, parseArgs } from '../../src/cli/options.js';

const table = {
  rules: { kind: 'list', arg: 'PATH', description: 'rules' },
  format: { kind: 'string', choices: ['table', 'jsonl', 'csv'], default: 'table', description: 'format' },
  output: { kind: 'string', short: 'o', arg: 'FILE', description: 'output' },
  threads: { kind: 'number', min: 1, max: 64, description: 'threads' },
  strict: { kind: 'boolean', description: 'strict' },
} as const;

describe('parseArgs', () => {
  it('parses long, inline, short, list and boolean forms with positionals in any order', () => {
    const p = parseArgs(table, ['a', '--rules', 'r1', '--rules=r2', '-o', 'out.jsonl', 'b', '--format=jsonl', '--strict', '--threads', '4']);
    expect(p.positionals).toEqual(['a', 'b']);
    expect(p.options.rules).toEqual(['r1', 'r2']);
    expect(p.options.output).toBe('out.jsonl');
    expect(p.options.format).toBe('jsonl');
    expect(p.options.strict).toBe(true);
    expect(p.options.threads).toBe(4);
    expect([...p.given].sort()).toEqual(['format', 'output', 'rules', 'strict', 'threads']);
  });

  it('applies defaults and leaves absent options undefined', () => {
    const p = parseArgs(table, []);
    expect(p.options.format).toBe('table');
    expect(p.options.output).toBeUndefined();
    expect(p.options.strict).toBe(false);
    expect(p.options.rules).toEqual([]);
  });

  it('treats everything after -- as positionals', () => {
    expect(parseArgs(table, ['--', '--strict', '-o']).positionals).toEqual(['--strict', '-o']);
  });

  it('rejects unknown options with a suggestion', () => {
    expect(() => parseArgs(table, ['--formt', 'csv'])).toThrow(/unknown option '--formt' \(did you mean '--format'\?\)/);
    expect(() => parseArgs(table, ['--zzzzzzzz'])).toThrow(/unknown option '--zzzzzzzz'; see --help/);
    expect(() => parseArgs(table, ['-x'])).toThrow(UsageError);
  });

  it('validates choices, numbers and missing values', () => {
    expect(() => parseArgs(table, ['--format', 'jsn'])).toThrow(/did you mean 'jsonl'/);
    expect(() => parseArgs(table, ['--threads', 'many'])).toThrow(/takes a number/);
    expect(() => parseArgs(table, ['--threads', '0'])).toThrow(/at least 1/);
    expect(() => parseArgs(table, ['--threads', '65'])).toThrow(/at most 64/);
    expect(() => parseArgs(table, ['--output'])).toThrow(/needs a value \(FILE\)/);
    expect(() => parseArgs(table, ['--output', '--strict'])).toThrow(/needs a value/);
    expect(() => parseArgs(table, ['--strict=yes'])).toThrow(/takes no value/);
  });
});

describe('help and suggestions', () => {
  it('formats every option with its default, choices and repeatability', () => {
    const help = formatOptions(table);
    expect(help).toContain('--rules PATH');
    expect(help).toContain('(repeatable)');
    expect(help).toContain('(table|jsonl|csv) [default: table]');
    expect(help).toContain('-o, --output FILE');
  });

  it('edit distance and closest', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closest('hnut', ['hunt', 'sweep'])).toBe('hunt');
    expect(closest('xyzzy', ['hunt', 'sweep'])).toBeUndefined();
  });
});
