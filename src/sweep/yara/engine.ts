/**
 * The YARA-X side of a worker: its share of the rules (yara/plan.ts), each group compiled on first use, and the
 * synchronous scan (the binding's async scan would block the event loop anyway; here a whole thread is ours).
 * A group that fails to compile is reported once and left out; the other groups still run.
 */
import { createRequire } from 'node:module';
import type * as YaraXModule from '@litko/yara-x';
import type { RuleMatch, YaraX } from '@litko/yara-x';
import { EXTERNALS, type Externals } from '../filetype.js';
import { passesGate } from './source.js';
import type { OptionalRule, RuleGroup, YaraShard } from './plan.js';
import type { YaraChoice } from '../protocol.js';

const require = createRequire(import.meta.url);

/** The engine as named in caches and findings: `@litko/yara-x 0.3.0`. */
export function engineVersion(): string {
  const pkg = require('@litko/yara-x/package.json') as { version: string };
  return `@litko/yara-x ${pkg.version}`;
}

type Binding = typeof YaraXModule;
let binding: Binding | undefined;
function yarax(): Binding {
  binding ??= require('@litko/yara-x') as Binding;
  return binding;
}

/** Every external declared as a string (empty until a file sets it), as THOR and Loki declare them. */
export function externalDefaults(): Record<string, string> {
  return Object.fromEntries(EXTERNALS.map((n) => [n, '']));
}

/** Compile one text alone: '' when it compiles, else the first error, on one line. */
export function checkRuleText(text: string): string {
  try {
    const r = yarax().validate(text, { defineVariables: externalDefaults() });
    const e = r.errors[0];
    if (!e) return '';
    return `${e.line === undefined ? '' : `line ${e.line}: `}${firstLine(e.message)}`;
  } catch (err) {
    return firstLine((err as Error).message);
  }
}

function firstLine(message: string): string {
  const m = /error\[\w+\]: ([^\n]+)(?:\n\s*--> line:(\d+))?/.exec(message);
  if (m) return m[2] ? `line ${m[2]}: ${m[1]}` : m[1]!;
  return message.split('\n')[0]!.slice(0, 300);
}

/**
 * The binding reads a variable's text as an integer when it looks like one (`123`, `-4`, `+5`) and as a boolean for
 * `true`/`false`, and then refuses it for a string variable. Such values (a file named `1234`) get a trailing space,
 * so the scan runs; a rule comparing `filename == "1234"` would miss that file (documented in docs/sweep.md).
 */
export function bindingSafe(externals: Externals): Externals {
  let out: Externals | undefined;
  for (const [k, v] of Object.entries(externals) as [keyof Externals, string][]) {
    if (/^[+-]?\d+$/.test(v) || v === 'true' || v === 'false') {
      out ??= { ...externals };
      out[k] = `${v} `;
    }
  }
  return out ?? externals;
}

interface Compiled {
  group: RuleGroup;
  rules: YaraX | undefined;
  failed: boolean;
}

/**
 * A worker's share of the rules, narrowed to what a run's files can match (run.ts decides after the read pass). The
 * ungated rules, the optional rules chosen and the gated groups whose magic starts many files are compiled as ONE set,
 * so each file is scanned in one pass (a pass per set costs a whole search over the file, and each set that imports
 * `pe` parses every file as a PE again); the other gated groups are compiled when a file with their magic first comes,
 * and scanned over such files only.
 */
export class YaraScanner {
  private compiled: Compiled[] = [];
  private prepared = false;

  constructor(
    private readonly shard: YaraShard,
    private readonly optional: readonly OptionalRule[],
    private readonly onCompileError: (message: string) => void,
  ) {}

  /** No rules at all, in any share: the sweep has no YARA side. */
  get empty(): boolean {
    return this.shard.groups.length === 0 && this.optional.length === 0;
  }

  /** Compile the share as `choice` narrows it, once: the same choice comes with every task of a run. */
  prepare(choice: YaraChoice): void {
    if (this.prepared) return;
    this.prepared = true;
    const merged = new Set(choice.merged);
    const parts: RuleGroup[] = this.shard.groups.filter((g) => !g.gate || merged.has(g.gate.key)).map((g) => ({ ...g, gate: undefined }));
    const chosen = choice.optional.map((i) => this.optional[i]).filter((o) => o !== undefined);
    if (chosen.length) parts.push({ gate: undefined, source: chosen.map((o) => o.source).join('\n'), rules: chosen.length });
    const lazy = this.shard.groups.filter((g) => g.gate && !merged.has(g.gate.key));
    const whole: RuleGroup = { gate: undefined, source: parts.map((p) => p.source).join('\n'), rules: parts.reduce((n, p) => n + p.rules, 0) };
    const main = parts.length ? this.compile(whole, parts.length > 1) : undefined;
    // A set that fails as a whole (it should not: every file was checked) is compiled part by part, so only the part
    // at fault is lost.
    const mains = main === undefined && parts.length > 1 ? parts.map((g) => ({ group: g, rules: this.compile(g, false), failed: false })) : main ? [{ group: whole, rules: main, failed: false }] : [];
    this.compiled = [...mains.filter((c) => c.rules), ...lazy.map((group) => ({ group, rules: undefined, failed: false }))];
  }

  /** Every match of this worker's rules on `bytes`. Throws when the engine refuses the scan (the caller reports it). */
  scan(bytes: Buffer, externals: Externals): RuleMatch[] {
    const out: RuleMatch[] = [];
    const vars = bindingSafe(externals);
    for (const c of this.compiled) {
      if (c.group.gate && !passesGate(bytes, c.group.gate)) continue;
      const rules = this.rulesOf(c);
      if (rules) out.push(...rules.scan(bytes, vars));
    }
    return out;
  }

  private rulesOf(c: Compiled): YaraX | undefined {
    if (c.rules || c.failed) return c.rules;
    c.rules = this.compile(c.group, false);
    c.failed = c.rules === undefined;
    return c.rules;
  }

  /** Compile a group; on failure report it (unless `quiet`: the caller retries in parts) and give undefined. */
  private compile(group: RuleGroup, quiet: boolean): YaraX | undefined {
    try {
      return yarax().compile(group.source, { defineVariables: externalDefaults() }) as YaraX;
    } catch (err) {
      if (quiet) return undefined;
      const what = group.gate ? `the ${group.rules} rules gated on ${group.gate.key}` : `a share of ${group.rules} rules`;
      this.onCompileError(`${what} did not compile together, left out: ${firstLine((err as Error).message)}`);
      return undefined;
    }
  }
}
