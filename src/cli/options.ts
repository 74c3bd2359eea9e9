/**
 * One typed option table per command drives parsing, `--help` and validation.
 * Unknown options are rejected with the closest known one suggested.
 */
import { UsageError } from '../core/errors.js';

export type OptionKind = 'boolean' | 'string' | 'number' | 'list';

export interface OptionSpec {
  kind: OptionKind;
  /** One-letter alias, without the dash. */
  short?: string;
  /** Placeholder shown in help (`FILE`, `N`). */
  arg?: string;
  /** For string options: the only accepted values. */
  choices?: readonly string[];
  /** Default value, shown in help. */
  default?: string | number | boolean;
  /** For number options: inclusive bounds. */
  min?: number;
  max?: number;
  description: string;
}

export type OptionTable = Record<string, OptionSpec>;

type ValueOf<O extends OptionSpec> = O extends { kind: 'boolean' }
  ? boolean
  : O extends { kind: 'list' }
    ? string[]
    : O extends { kind: 'number' }
      ? O extends { default: number }
        ? number
        : number | undefined
      : O extends { choices: readonly (infer C)[] }
        ? O extends { default: string }
          ? C
          : C | undefined
        : O extends { default: string }
          ? string
          : string | undefined;

/** The parsed values of an option table, keyed by long name. */
export type ParsedOptions<T extends OptionTable> = { [K in keyof T]: ValueOf<T[K]> };

export interface Parsed<T extends OptionTable> {
  options: ParsedOptions<T>;
  positionals: string[];
  /** Options the user actually gave (as opposed to defaults). */
  given: Set<string>;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a small distance, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(word) || word.startsWith(c) ? 1 : editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function coerce(name: string, spec: OptionSpec, raw: string): string | number {
  if (spec.kind === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, not '${raw}'`);
    if (spec.min !== undefined && n < spec.min) throw new UsageError(`--${name} must be at least ${spec.min}, not ${raw}`);
    if (spec.max !== undefined && n > spec.max) throw new UsageError(`--${name} must be at most ${spec.max}, not ${raw}`);
    return n;
  }
  if (spec.choices && !spec.choices.includes(raw)) {
    const hint = closest(raw, spec.choices);
    throw new UsageError(
      `--${name} takes one of ${spec.choices.join(', ')}; '${raw}' is not one` + (hint ? ` (did you mean '${hint}'?)` : ''),
    );
  }
  return raw;
}

/**
 * Parse `args` against `table`. Accepts `--name value`, `--name=value`, `-x value`, boolean flags, repeated list options
 * and `--` to end options. `help` and `version` are handled by the caller and must be in the table to be accepted.
 */
export function parseArgs<T extends OptionTable>(table: T, args: readonly string[]): Parsed<T> {
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(table)) {
    if (spec.short) byShort.set(spec.short, name);
    values[name] = spec.kind === 'list' ? [] : spec.kind === 'boolean' ? (spec.default ?? false) : spec.default;
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const long = byShort.get(arg.slice(1, 2));
      if (long === undefined || (arg.length > 2 && table[long]?.kind === 'boolean')) {
        throw new UsageError(`unknown option '${arg}'` + suggestion(arg.slice(1), table));
      }
      name = long;
      inline = arg.length > 2 ? arg.slice(2) : undefined;
    }
    const spec = table[name];
    if (!spec) throw new UsageError(`unknown option '--${name}'` + suggestion(name, table));
    given.add(name);
    if (spec.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} is a switch and takes no value`);
      values[name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-' && spec.kind !== 'number')) {
        throw new UsageError(`--${name} needs a value${spec.arg ? ` (${spec.arg})` : ''}`);
      }
      raw = next;
      i++;
    }
    const v = coerce(name, spec, raw);
    if (spec.kind === 'list') (values[name] as string[]).push(String(v));
    else values[name] = v;
  }
  return { options: values as ParsedOptions<T>, positionals, given };
}

function suggestion(word: string, table: OptionTable): string {
  const hint = closest(word.replace(/^-+/, ''), Object.keys(table));
  return hint ? ` (did you mean '--${hint}'?)` : '; see --help';
}

/** The options part of `--help`, aligned in two columns. */
export function formatOptions(table: OptionTable): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const flag = (spec.short ? `-${spec.short}, ` : '    ') + `--${name}` + (spec.kind === 'boolean' ? '' : ` ${spec.arg ?? 'VALUE'}`);
    let text = spec.description;
    if (spec.choices) text += ` (${spec.choices.join('|')})`;
    if (spec.default !== undefined && spec.kind !== 'boolean') text += ` [default: ${spec.default}]`;
    if (spec.kind === 'list') text += ' (repeatable)';
    return [flag, text] as const;
  });
  const width = Math.min(32, Math.max(...rows.map(([f]) => f.length)));
  return rows.map(([f, t]) => '  ' + (f.length > width ? f + '\n' + ' '.repeat(width + 4) : f.padEnd(width + 2)) + t).join('\n');
}
