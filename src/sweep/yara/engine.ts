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
import type { RuleGroup, YaraShard } from './plan.js';

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

export class YaraScanner {
  private readonly compiled: Compiled[];

  constructor(
    private readonly shard: YaraShard,
    private readonly onCompileError: (message: string) => void,
  ) {
    this.compiled = shard.groups.map((group) => ({ group, rules: undefined, failed: false }));
  }

  private optionalDone = false;

  get empty(): boolean {
    return this.compiled.length === 0 && this.shard.optional.length === 0;
  }

  /**
   * Add the optional rules (by index in the shard) whose literals the sweep's files hold, once: the same choice comes
   * with every task of a run.
   */
  useOptional(indices: readonly number[]): void {
    if (this.optionalDone) return;
    this.optionalDone = true;
    const chosen = indices.map((i) => this.shard.optional[i]).filter((o) => o !== undefined);
    if (chosen.length === 0) return;
    const group = { gate: undefined, source: chosen.map((o) => o.source).join('\n'), rules: chosen.length };
    this.compiled.push({ group, rules: undefined, failed: false });
  }

  /** Compile the ungated groups now (workers do it at start, while the main thread walks the input). */
  warmUp(): void {
    for (const c of this.compiled) if (!c.group.gate) this.rulesOf(c);
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
    try {
      c.rules = yarax().compile(c.group.source, { defineVariables: externalDefaults() }) as YaraX;
    } catch (err) {
      c.failed = true;
      const what = c.group.gate ? `the ${c.group.rules} rules gated on ${c.group.gate.key}` : `a share of ${c.group.rules} rules`;
      this.onCompileError(`${what} did not compile together, left out: ${firstLine((err as Error).message)}`);
    }
    return c.rules;
  }
}
