/**
 * YARA rule files → what each worker compiles. Four decisions, each measured (docs/sweep.md, bench/sweep.bench.ts):
 *
 * 1. Every file is checked alone first (or its verdict is taken from the cache), so a file that does not compile is
 *    reported by name and the others still run.
 * 2. Rules that can only match behind a magic number (`uint16(0) == 0x5a4d and …`: 3,358 of signature-base's 5,883
 *    rules) go into groups of their own, compiled by a worker only when it meets a file that starts with that magic,
 *    and scanned only over such files. The results are the same: the rule is false on every other file.
 * 3. Rules that need one of their strings, all of which yield a literal (yara/prefilter.ts), become optional: compiled
 *    only when one of their literals occurs in some file of the sweep.
 * 4. The rest is shared out between the workers by size (each file's rules stay together, and so do files whose rules
 *    name each other), so compiling, which YARA-X does in seconds for large sets, runs in parallel; every worker
 *    then scans every file with its share.
 *
 * A global rule changes the meaning of every rule in its namespace, so a set with one is compiled whole, unshared.
 */
import type { Diagnostics } from '../../core/diagnostics.js';
import { literalsRequired } from './prefilter.js';
import { gateOf, identifiersOf, layoutOf, type Gate, type SourceLayout } from './source.js';

export interface RuleFileText {
  path: string;
  text: string;
  /** The namespace label of its rules in findings (the file name without its extension). */
  label: string;
}

/** One compile unit of a worker: its source, and the gate files must pass to be scanned with it (none: all files). */
export interface RuleGroup {
  gate: Gate | undefined;
  source: string;
  rules: number;
}

/** A rule compiled only when one of its literals occurs in some file of the sweep (yara/prefilter.ts). */
export interface OptionalRule {
  source: string;
  /** Indices into the plan's `literals`. */
  literals: number[];
}

export interface YaraShard {
  groups: RuleGroup[];
  optional: OptionalRule[];
}

export interface YaraPlan {
  shards: YaraShard[];
  /** Rule identifier → namespace label of its file. */
  origins: Record<string, string>;
  rules: number;
  gatedRules: number;
  /** The literals optional rules wait for, in hex. */
  literals: string[];
  /** Files loaded and files not loaded (each warned about by name). */
  files: number;
  failed: number;
}

export interface PlanOptions {
  shards: number;
  /** Compile one text alone: '' when it compiles, else the first error (the cache is consulted by the caller). */
  check: (file: RuleFileText) => string;
  /** Make rules whose strings are all literals optional, compiled only when a literal is seen (default true). */
  prefilter?: boolean;
}

interface Loaded {
  file: RuleFileText;
  layout: SourceLayout;
}

/** Plan the compile units for `files` (in order; a rule name already defined by an earlier file drops the later file). */
export function planYara(files: readonly RuleFileText[], options: PlanOptions, diagnostics: Diagnostics): YaraPlan {
  const loaded: Loaded[] = [];
  const definedIn = new Map<string, string>();
  let failed = 0;
  for (const file of files) {
    const error = options.check(file);
    if (error) {
      failed++;
      diagnostics.warn('RULE_INVALID', `YARA rules do not compile: ${error}`, file.path);
      continue;
    }
    const layout = layoutOf(file.text);
    const clash = layout.rules.find((r) => definedIn.has(r.name));
    if (clash) {
      failed++;
      diagnostics.warn('RULE_INVALID', `rule ${clash.name} is already defined in ${definedIn.get(clash.name)}; this file is not loaded`, file.path);
      continue;
    }
    for (const r of layout.rules) definedIn.set(r.name, file.path);
    loaded.push({ file, layout });
  }

  const origins: Record<string, string> = {};
  for (const { file, layout } of loaded) for (const r of layout.rules) origins[r.name] = file.label;
  const rules = loaded.reduce((n, l) => n + l.layout.rules.length, 0);
  const anyGlobal = loaded.some((l) => l.layout.rules.some((r) => r.global));
  const anyUnsplittable = loaded.some((l) => l.layout.unsplittable !== undefined);
  // An include or a text this reader cannot follow may hide rules or references: compile everything whole then.
  if (anyGlobal || anyUnsplittable) {
    const source = loaded.map((l) => l.file.text).join('\n');
    return { shards: [{ groups: source ? [{ gate: undefined, source, rules }] : [], optional: [] }], origins, rules, gatedRules: 0, literals: [], files: loaded.length, failed };
  }

  // Which rule names are referenced by other rules (by name or by a `Name*` set), and which files reference which.
  const referenced = new Set<string>();
  const prefixes: string[] = [];
  const unit = new UnionFind(loaded.length);
  const fileOf = new Map<string, number>();
  loaded.forEach((l, i) => l.layout.rules.forEach((r) => fileOf.set(r.name, i)));
  loaded.forEach((l, i) => {
    for (const r of l.layout.rules) {
      const ids = identifiersOf(r.condition);
      for (const name of ids.names) {
        const j = fileOf.get(name);
        if (j === undefined || name === r.name) continue;
        referenced.add(name);
        unit.join(i, j);
      }
      prefixes.push(...ids.prefixes);
    }
  });
  if (prefixes.length) {
    // `any of (Name*)` may name rules in any file: keep every file with such a rule set together with those it names.
    loaded.forEach((l, i) => {
      for (const r of l.layout.rules) {
        for (const p of prefixes) {
          if (r.name.startsWith(p)) {
            referenced.add(r.name);
            loaded.forEach((m, k) => {
              if (m.layout.rules.some((x) => identifiersOf(x.condition).prefixes.includes(p))) unit.join(i, k);
            });
          }
        }
      }
    });
  }

  // Pieces: per unit the ungated rules, per file and gate the gated ones.
  interface Piece {
    gate: Gate | undefined;
    text: string;
    rules: number;
  }
  const pieces: Piece[] = [];
  const ungated = new Map<number, Piece>();
  const optional: OptionalRule[] = [];
  const literals: string[] = [];
  const literalIds = new Map<string, number>();
  let gatedRules = 0;
  loaded.forEach((l, i) => {
    const imports = l.layout.imports;
    const byGate = new Map<string, Piece>();
    const plain: string[] = [];
    for (const r of l.layout.rules) {
      const gate = gateOf(r.condition);
      const refersToOthers = [...identifiersOf(r.condition).names].some((n) => n !== r.name && fileOf.has(n));
      const text = l.file.text.slice(r.start, r.end + 1);
      if (gate && !referenced.has(r.name) && !refersToOthers) {
        gatedRules++;
        const p = byGate.get(gate.key) ?? { gate, text: '', rules: 0 };
        p.text += '\n' + text;
        p.rules++;
        byGate.set(gate.key, p);
      } else if (options.prefilter !== false && !referenced.has(r.name) && !refersToOthers) {
        const lits = literalsRequired(text, r.condition);
        if (!lits) plain.push(text);
        else {
          const ids = lits.map((b) => {
            const hex = Buffer.from(b).toString('hex');
            let id = literalIds.get(hex);
            if (id === undefined) {
              id = literals.push(hex) - 1;
              literalIds.set(hex, id);
            }
            return id;
          });
          optional.push({ source: withImports(imports, text), literals: ids });
        }
      } else plain.push(text);
    }
    for (const p of byGate.values()) p.text = withImports(imports, p.text);
    pieces.push(...byGate.values());
    if (plain.length) {
      const root = unit.find(i);
      const p = ungated.get(root) ?? { gate: undefined, text: '', rules: 0 };
      p.text += `\n${withImports(imports, plain.join('\n'))}`;
      p.rules += plain.length;
      ungated.set(root, p);
    }
  });
  pieces.push(...ungated.values());

  // Largest first to the least loaded shard: compile time grows with the text.
  const n = Math.max(1, options.shards);
  const load = new Array<number>(n).fill(0);
  const parts: Piece[][] = Array.from({ length: n }, () => []);
  for (const p of pieces.sort((a, b) => b.text.length - a.text.length)) {
    let best = 0;
    // Ungated rules that use a file parser (pe, elf, …) all go to the first share, so only one worker parses every file.
    if (!(!p.gate && usesParser(p.text))) for (let k = 1; k < n; k++) if (load[k]! < load[best]!) best = k;
    load[best]! += p.gate ? p.text.length / 4 : p.text.length; // gated groups are compiled only where needed
    parts[best]!.push(p);
  }
  // Optional rules round robin: only the few whose literals are seen get compiled, wherever they are.
  const optionalOf: OptionalRule[][] = Array.from({ length: n }, () => []);
  optional.forEach((o, i) => optionalOf[i % n]!.push(o));
  const shards: YaraShard[] = parts
    .map((ps, k) => {
      const groups = new Map<string, RuleGroup>();
      for (const p of ps) {
        const key = p.gate?.key ?? '';
        const g = groups.get(key) ?? { gate: p.gate, source: '', rules: 0 };
        g.source += p.text + '\n';
        g.rules += p.rules;
        groups.set(key, g);
      }
      return { groups: [...groups.values()], optional: optionalOf[k]! };
    })
    .filter((s) => s.groups.length > 0 || s.optional.length > 0);
  return { shards: shards.length ? shards : [{ groups: [], optional: [] }], origins, rules, gatedRules, literals, files: loaded.length, failed };
}

/**
 * Modules that parse the whole file on every scan of a set that imports them (about 80 µs a file for `pe`, whether
 * or not the file is a PE). Their rules are kept together, so that only one set parses.
 */
const PARSERS = ['pe', 'elf', 'macho', 'dotnet', 'lnk', 'dex'];

/** The modules a text uses (`pe.imphash()`, `math.entropy(…)`), by the `name.` it writes. */
function modulesUsed(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/\b([a-z_][a-z0-9_]*)\s*\./g)) out.add(m[1]!);
  return out;
}

/** Does a rule text use a module that parses every file? */
export function usesParser(text: string): boolean {
  const used = modulesUsed(text);
  return PARSERS.some((m) => used.has(m));
}

/**
 * A file's rules with only the imports they use: an imported module runs on every scan whether a rule reads it or
 * not (signature-base's gen_webshells.yar imports `pe` and never uses it), and a rule cannot use what it does not
 * name, so the results are the same.
 */
function withImports(imports: readonly string[], text: string): string {
  const used = modulesUsed(text);
  const keep = imports.filter((statement) => {
    const name = /"([^"]*)"/.exec(statement)?.[1];
    return name === undefined || used.has(name);
  });
  return keep.length ? `${keep.join('\n')}\n${text}` : text;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  join(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}
