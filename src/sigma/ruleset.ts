/**
 * Loaded rules bound to a mapping and compiled into a RuleSet: each rule is placed on the event-log sources of its
 * logsource (channel or provider, and the event ids its detection and the mapping allow), compiled once per source
 * (field renames differ), and indexed by (channel, event id) so an event meets only its candidate rules. Events that
 * are not Windows logs carry a logsource hint and meet the rules whose logsource fits it.
 *
 * Filters are applied here (a filter excludes what it matches from the rules it names), and correlations are
 * resolved (their rules found by id or name). What only the mapping can tell — an unknown Windows logsource, a
 * correlation naming a rule that is not loaded — is added to the files' results.
 */
import type { EventRecord, FieldValue, LogsourceHint } from '../events/event.js';
import type { RuleRef } from '../findings/finding.js';
import { compileExpr, type CompiledMatcher } from './codegen.js';
import { getField, MatchContext, SlotTable } from './context.js';
import { and, eventIdsOf, FALSE, mapFields, not, simplify, TRUE, type Expr } from './expr.js';
import { evaluate } from './interpret.js';
import { Prefilter, requirementOf, type Requirement } from './prefilter.js';
import type { FileResult } from './load.js';
import { findLogsource, readerFor, type Mapping, type SourceSpec } from './mapping.js';
import type { Logsource, RuleIssue, SigmaCorrelation, SigmaFilter, SigmaRule } from './model.js';

/** A compiled detection rule. */
export interface CompiledRule {
  index: number;
  ref: RuleRef;
  rule: SigmaRule;
  /** False when the rule only feeds correlations (`generate` not set): its matches are not findings on their own. */
  report: boolean;
  /** The correlations that use this rule's matches. */
  correlations: number[];
  placements: Placement[];
}

/** A rule on one source: its expression bound to that source's field names, and the compiled matcher. */
export interface Placement {
  rule: CompiledRule;
  /** The mapping source's name (`sysmon`, `security-4688`), or `hint` for events placed by a logsource hint. */
  source: string;
  spec: SourceSpec | undefined;
  expr: Expr<number>;
  matcher: CompiledMatcher;
  /** Slot → the rule's own name for the field. */
  sigmaNames: Map<number, string>;
  /** Literals one of which must occur for the rule to match (prefilter.ts), or null. */
  requirement: Requirement;
}

export interface MatchedField {
  /** The field as the rule names it. */
  field: string;
  /** The event field it was read from (after mapping). */
  source: string;
  value: FieldValue;
}

export interface RuleMatch {
  rule: CompiledRule;
  source: string;
  /** The fields whose tests made the rule match, for a finding's evidence. */
  fields: MatchedField[];
  event: EventRecord;
  /** A field of the matched event, read through the same mapping as the rule (correlation group-by, evidence). */
  value(field: string): FieldValue;
}

/** A resolved correlation: the compiled rules (or correlations) it uses, by index. */
export interface CompiledCorrelation {
  index: number;
  ref: RuleRef;
  correlation: SigmaCorrelation;
  /** Parallel to `correlation.rules`: each a detection rule or another correlation. */
  inputs: ({ kind: 'rule'; index: number } | { kind: 'correlation'; index: number })[];
  /** Whether this correlation's own matches are findings (false when another correlation uses it without generate). */
  report: boolean;
  /** Correlations that use this one's matches. */
  parents: number[];
}

export interface CompileOptions {
  mapping: Mapping;
  /** Instrument compiled matchers (MatchContext.compiledHits), for the differential test. */
  instrument?: boolean;
  /** Interpret every rule instead of generating code (for comparison). */
  interpretOnly?: boolean;
  /** Skip rules whose required literals are absent (default true; off for comparison). */
  prefilter?: boolean;
}

const EMPTY: readonly RuleMatch[] = Object.freeze([]) as readonly RuleMatch[];
const MAX_MEMO = 50_000;

class Bucket {
  readonly byId = new Map<number, Placement[]>();
  readonly any: Placement[] = [];
  add(p: Placement, ids: Set<number> | undefined): void {
    if (!ids) {
      this.any.push(p);
      return;
    }
    for (const id of ids) {
      let l = this.byId.get(id);
      if (!l) this.byId.set(id, (l = []));
      l.push(p);
    }
  }
  lookup(id: number, out: Placement[]): void {
    const l = this.byId.get(id);
    if (l) out.push(...l);
    out.push(...this.any);
  }
}

export class RuleSet {
  readonly rules: CompiledRule[] = [];
  readonly correlations: CompiledCorrelation[] = [];
  readonly slots = new SlotTable();
  private readonly channels = new Map<string, Bucket>();
  private readonly providers = new Map<string, Bucket>();
  private readonly everywhere = new Bucket();
  private readonly hinted: { rule: CompiledRule; logsource: Logsource }[] = [];
  private readonly memo = new Map<string, Map<string, Map<number, Placement[]>>>();
  private memoSize = 0;
  private readonly hintMemo = new Map<string, Placement[]>();
  private readonly hintObjMemo = new WeakMap<LogsourceHint, Placement[]>();
  private ctx!: MatchContext;
  private fired = new Int32Array(0);
  private eventNo = 0;
  private readonly options: CompileOptions;

  /** Channels the mapping gives to other products (Sysmon for Linux): `product: windows` alone does not cover them. */
  private readonly foreign = new Set<string>();

  constructor(options: CompileOptions) {
    this.options = options;
    for (const l of options.mapping.logsources) {
      if (l.product !== undefined && l.product !== 'windows') for (const s of l.sources) for (const ch of s.channels) if (ch !== '*') this.foreign.add(ch);
    }
  }

  /**
   * The rules an event meets (after indexing): by channel, provider and event id for event-log records, by logsource
   * hint for other sources, both when an event has both (a Linux Sysmon record with a hint, say).
   */
  candidates(ev: EventRecord): readonly Placement[] {
    const hinted = ev.logsource ? this.hintCandidates(ev.logsource) : undefined;
    const placed = ev.channel !== undefined || ev.provider !== undefined ? this.windowsCandidates(ev) : undefined;
    if (!hinted) return placed ?? [];
    if (!placed?.length) return hinted;
    return [...placed, ...hinted];
  }

  /** Match one event against every candidate rule. The result is empty (and shared) when nothing matches. */
  match(ev: EventRecord): readonly RuleMatch[] {
    const hinted = ev.logsource ? this.hintCandidates(ev.logsource) : undefined;
    const placed = ev.channel !== undefined || ev.provider !== undefined ? this.windowsCandidates(ev) : undefined;
    if (!hinted?.length && !placed?.length) return EMPTY;
    const c = this.ctx;
    c.begin(ev);
    const stamp = ++this.eventNo;
    let out = placed ? this.run(placed, ev, c, stamp, undefined) : undefined;
    if (hinted) out = this.run(hinted, ev, c, stamp, out);
    return out ?? EMPTY;
  }

  private run(list: readonly Placement[], ev: EventRecord, c: MatchContext, stamp: number, out: RuleMatch[] | undefined): RuleMatch[] | undefined {
    const pf = this.prefilterOf(list);
    const n = pf ? pf.run(c) : list.length;
    const selected = pf?.selected;
    for (let k = 0; k < n; k++) {
      const p = list[selected ? selected[k]! : k]!;
      if (!p.matcher.fn(c)) continue;
      // A rule placed on two sources an event belongs to (its channel and its provider, say) fires once.
      if (this.fired[p.rule.index] === stamp) continue;
      this.fired[p.rule.index] = stamp;
      (out ??= []).push(this.describe(p, ev, c));
    }
    return out;
  }

  /** How many rules an event meets after indexing, and how many of those the prefilter lets through (diagnostics). */
  work(ev: EventRecord): { candidates: number; evaluated: number } {
    let candidates = 0;
    let evaluated = 0;
    const hinted = ev.logsource ? this.hintCandidates(ev.logsource) : undefined;
    const placed = ev.channel !== undefined || ev.provider !== undefined ? this.windowsCandidates(ev) : undefined;
    this.ctx.begin(ev);
    for (const list of [placed, hinted]) {
      if (!list) continue;
      candidates += list.length;
      const pf = this.prefilterOf(list);
      pf?.run(this.ctx);
      for (let i = 0; i < list.length; i++) if (!pf || pf.wanted(i)) evaluated++;
    }
    return { candidates, evaluated };
  }

  private readonly prefilters = new WeakMap<readonly Placement[], Prefilter | null>();

  /** The prefilter of a candidate list, built the first time the list is used (null when it would not help). */
  private prefilterOf(list: readonly Placement[]): Prefilter | null {
    let pf = this.prefilters.get(list);
    if (pf === undefined) {
      const filtered = list.filter((p) => p.requirement).length;
      pf = this.options.prefilter === false || list.length < 8 || filtered < list.length / 4 ? null : new Prefilter(list.map((p) => p.requirement));
      this.prefilters.set(list, pf);
    }
    return pf;
  }

  private describe(p: Placement, ev: EventRecord, c: MatchContext): RuleMatch {
    const slots = new Set<number>();
    explain(p.expr, c, slots);
    const fields: MatchedField[] = [];
    for (const s of slots) fields.push({ field: p.sigmaNames.get(s) ?? this.slots.names[s]!, source: this.slots.names[s]!, value: c.V(s) });
    const spec = p.spec;
    return {
      rule: p.rule,
      source: p.source,
      fields,
      event: ev,
      value: (field: string) => {
        const fs = spec?.fields.get(field);
        return fs ? readerFor(fs).read(ev) : getField(ev, field);
      },
    };
  }

  private windowsCandidates(ev: EventRecord): readonly Placement[] {
    const channel = ev.channel ?? '';
    const provider = ev.provider ?? '';
    const id = ev.eventId ?? -1;
    let byProvider = this.memo.get(channel);
    let byId = byProvider?.get(provider);
    const hit = byId?.get(id);
    if (hit) return hit;
    const out: Placement[] = [];
    if (channel) {
      const lower = channel.toLowerCase();
      this.channels.get(lower)?.lookup(id, out);
      if (!this.foreign.has(lower)) this.everywhere.lookup(id, out);
    }
    const before = out.length;
    if (provider) this.providers.get(provider.toLowerCase())?.lookup(id, out);
    // Rules run in load order whichever bucket they came from.
    if (before && out.length > before) out.sort((a, b) => a.rule.index - b.rule.index);
    if (this.memoSize < MAX_MEMO) {
      if (!byProvider) this.memo.set(channel, (byProvider = new Map()));
      if (!byId) byProvider.set(provider, (byId = new Map()));
      byId.set(id, out);
      this.memoSize++;
    }
    return out;
  }

  private hintCandidates(hint: LogsourceHint): readonly Placement[] {
    const byObj = this.hintObjMemo.get(hint);
    if (byObj) return byObj;
    const key = `${hint.product ?? ''}|${hint.category ?? ''}|${hint.service ?? ''}`.toLowerCase();
    let list = this.hintMemo.get(key);
    if (!list) {
      list = [];
      const h = { product: hint.product?.toLowerCase(), category: hint.category?.toLowerCase(), service: hint.service?.toLowerCase() };
      for (const { rule, logsource } of this.hinted) {
        if (logsource.product !== undefined && logsource.product !== h.product) continue;
        if (logsource.category !== undefined && logsource.category !== h.category) continue;
        if (logsource.service !== undefined && logsource.service !== h.service) continue;
        const p = this.place(rule, undefined, this.ruleExpr(rule));
        if (p) list.push(p);
      }
      if (this.hintMemo.size < 1000) this.hintMemo.set(key, list);
    }
    this.hintObjMemo.set(hint, list);
    return list;
  }

  // ---- building ----

  private readonly filtersFor = new Map<number, Expr<string>[]>();

  /** The rule's condition with the filters that apply to it. */
  ruleExpr(rule: CompiledRule): Expr<string> {
    const fs = this.filtersFor.get(rule.index);
    const cond = rule.rule.detection.condition;
    return fs?.length ? and([cond, ...fs.map((f) => not(f))]) : cond;
  }

  /** Bind an expression to a source's field names and compile it; undefined when it can never match there. */
  place(rule: CompiledRule, spec: SourceSpec | undefined, e: Expr<string>, ids?: Set<number>): Placement | undefined {
    const sigmaNames = new Map<number, string>();
    const bound = simplify(
      mapFields<string, number>(e, (field, _node, negated) => {
        if (spec?.unavailable.has(field)) return negated ? TRUE : FALSE;
        const fs = spec?.fields.get(field) ?? { kind: 'field' as const, field };
        const r = readerFor(fs);
        const slot = this.slots.slot(r.key, r.name, r.read);
        if (!sigmaNames.has(slot)) sigmaNames.set(slot, field);
        return slot;
      }),
    );
    if (bound.k === 'const' && !bound.value) return undefined;
    if (ids && ids.size === 0) return undefined;
    const matcher = this.options.interpretOnly
      ? { fn: (c: MatchContext) => evaluate(bound, c), source: '', fallbacks: 1, compiled: false }
      : compileExpr(bound, this.options.instrument ? { instrument: true } : {});
    const requirement = requirementOf(bound, this.indexedSlots());
    const p: Placement = { rule, source: spec?.name ?? 'hint', spec, expr: bound, matcher, sigmaNames, requirement };
    if (this.ctx) this.grow();
    return p;
  }

  /** Place a rule on every source of its logsource. Returns a problem when the logsource is unknown. */
  placeWindows(rule: CompiledRule): string | undefined {
    const ls = rule.rule.logsource;
    const spec = findLogsource(this.options.mapping, ls);
    this.hinted.push({ rule, logsource: ls });
    if (!spec) {
      if (ls.product === 'windows') {
        return `no mapping for logsource ${describeLogsource(ls)}: add it to a mapping file (see docs/sigma.md)`;
      }
      return undefined; // not a Windows log: matched by logsource hint only
    }
    const e = this.ruleExpr(rule);
    for (const src of spec.sources) {
      const cond = src.conditions.map((c) => ({ k: 'test', field: c.field, test: { t: 'str', op: 'eq', values: c.values.map((v) => v.toLowerCase()), cased: false } }) as Expr<string>);
      const full = cond.length ? and([...cond, e]) : e;
      // Which event ids: the source's, narrowed by the rule's own EventID tests.
      const probe = simplify(mapFields<string, string>(full, (f, _n, neg) => (src.unavailable.has(f) ? (neg ? TRUE : FALSE) : f)));
      const ruleIds = eventIdsOf(probe, (f) => f === 'EventID');
      let ids: Set<number> | undefined = src.eventIds ? new Set(src.eventIds) : undefined;
      if (ruleIds) ids = ids ? new Set([...ids].filter((x) => ruleIds.has(x))) : ruleIds;
      const p = this.place(rule, src, full, ids);
      if (!p) continue;
      rule.placements.push(p);
      const buckets: Bucket[] = [];
      for (const ch of src.channels) buckets.push(ch === '*' ? this.everywhere : this.bucket(this.channels, ch));
      for (const pr of src.providers) buckets.push(this.bucket(this.providers, pr));
      for (const b of buckets) b.add(p, ids);
    }
    return undefined;
  }

  private bucket(m: Map<string, Bucket>, key: string): Bucket {
    let b = m.get(key);
    if (!b) m.set(key, (b = new Bucket()));
    return b;
  }

  /** Slots the index already decides (scanning them for literals would select nothing). */
  private indexedSlots(): Set<number> {
    const out = new Set<number>();
    for (const f of ['EventID', 'Channel', 'Provider_Name']) {
      const s = this.slots.find(f);
      if (s !== undefined) out.add(s);
    }
    return out;
  }

  addFilter(ruleIndex: number, e: Expr<string>): void {
    const l = this.filtersFor.get(ruleIndex) ?? [];
    l.push(e);
    this.filtersFor.set(ruleIndex, l);
  }

  /** Freeze: size the per-event caches to the slot table. */
  seal(): void {
    this.grow();
  }

  private readonly spacedByKind = new Map<string, boolean>();

  private grow(): void {
    this.ctx = new MatchContext(this.slots, this.spacedByKind);
    if (this.fired.length < this.rules.length) this.fired = new Int32Array(this.rules.length);
  }
}

/**
 * Slots of the leaves that made a matching expression true (not under `not`). `e` is known to be true: an `and`'s
 * parts all are, so only the alternatives of an `or` need evaluating again.
 */
function explain(e: Expr<number>, c: MatchContext, out: Set<number>): void {
  switch (e.k) {
    case 'and':
      for (const a of e.args) explain(a, c, out);
      return;
    case 'or':
      for (const a of e.args) if (evaluate(a, c)) explain(a, c, out);
      return;
    case 'test':
    case 'exists':
      out.add(e.field);
      return;
    case 'fieldref':
      out.add(e.field).add(e.other);
      return;
    default:
      return;
  }
}

export function describeLogsource(ls: Logsource): string {
  return (['product', 'category', 'service'] as const)
    .filter((k) => ls[k] !== undefined)
    .map((k) => `${k}: ${ls[k]}`)
    .join(', ') || '(empty)';
}

export function ruleRef(meta: SigmaRule['meta']): RuleRef {
  const ref: RuleRef = {
    id: meta.id,
    title: meta.title,
    level: meta.level,
    status: meta.status,
    author: meta.author,
    references: meta.references,
    tags: meta.tags,
  };
  if (meta.description !== undefined) ref.description = meta.description;
  return ref;
}

/**
 * Compile loaded files into a RuleSet against a mapping. Problems only the rule set can see are added to `files`
 * (so a file that parsed may still not load), and the files are returned for reporting.
 */
export function compileRuleSet(files: readonly FileResult[], options: CompileOptions): { ruleSet: RuleSet; files: FileResult[] } {
  const rs = new RuleSet(options);
  const out = files.map((f) => ({ ...f, issues: [...f.issues], notes: [...f.notes] }));
  const byPath = new Map(out.map((f) => [f.path, f]));
  const issue = (file: string, line: number, code: RuleIssue['code'], message: string) =>
    byPath.get(file)?.issues.push({ code, file, line, message });

  // Only files that loaded whole take part: a file with a problem is reported, not half-used.
  const rules: SigmaRule[] = [];
  const correlations: SigmaCorrelation[] = [];
  const filters: SigmaFilter[] = [];
  for (const f of out) {
    if (f.issues.length) continue;
    for (const d of f.documents) {
      if (d.kind === 'rule') rules.push(d);
      else if (d.kind === 'correlation') correlations.push(d);
      else filters.push(d);
    }
  }

  for (const r of rules) {
    rs.rules.push({ index: rs.rules.length, ref: ruleRef(r.meta), rule: r, report: true, correlations: [], placements: [] });
  }
  const byKey = new Map<string, { kind: 'rule' | 'correlation'; index: number }[]>();
  const addKey = (k: string | undefined, v: { kind: 'rule' | 'correlation'; index: number }) => {
    if (k === undefined) return;
    const l = byKey.get(k) ?? [];
    if (!l.some((x) => x.kind === v.kind && x.index === v.index)) l.push(v);
    byKey.set(k, l);
  };
  rs.rules.forEach((r) => {
    addKey(r.rule.meta.id, { kind: 'rule', index: r.index });
    addKey(r.rule.meta.name, { kind: 'rule', index: r.index });
  });
  correlations.forEach((c, index) => {
    addKey(c.meta.id, { kind: 'correlation', index });
    addKey(c.meta.name, { kind: 'correlation', index });
  });

  // Filters: `rule and not filter` for each rule named, when the logsources agree.
  for (const f of filters) {
    for (const name of f.rules) {
      const targets = (byKey.get(name) ?? []).filter((t) => t.kind === 'rule');
      if (!targets.length) {
        byPath.get(f.file)?.notes.push(`filter '${f.meta.title}': rule '${name}' is not loaded; nothing to filter`);
        continue;
      }
      for (const t of targets) {
        const r = rs.rules[t.index]!;
        if (!logsourceFits(f.logsource, r.rule.logsource)) {
          byPath.get(f.file)?.notes.push(
            `filter '${f.meta.title}' is for ${describeLogsource(f.logsource)}, rule '${name}' for ${describeLogsource(r.rule.logsource)}: not applied`,
          );
          continue;
        }
        rs.addFilter(t.index, f.detection.condition);
      }
    }
  }

  // Correlations: resolve references; a correlation whose inputs are missing does not load.
  const resolved: (CompiledCorrelation | undefined)[] = correlations.map((c, index) => {
    const inputs: CompiledCorrelation['inputs'] = [];
    for (const name of c.rules) {
      const t = byKey.get(name) ?? [];
      if (t.length === 0) {
        issue(c.file, c.line, 'RULE_INVALID', `correlation '${c.meta.title}' uses rule '${name}', which is not loaded`);
        return undefined;
      }
      if (t.length > 1) {
        issue(c.file, c.line, 'RULE_INVALID', `correlation '${c.meta.title}': '${name}' names more than one rule`);
        return undefined;
      }
      inputs.push(t[0]!);
    }
    for (const [alias, per] of c.aliases) {
      for (const rname of per.keys()) {
        if (!c.rules.includes(rname)) issue(c.file, c.line, 'RULE_INVALID', `alias '${alias}' names '${rname}', which the correlation does not use`);
      }
    }
    return { index, ref: ruleRef(c.meta), correlation: c, inputs, report: true, parents: [] };
  });
  // A correlation that uses an unloaded one does not load either; cycles are refused.
  let changed = true;
  while (changed) {
    changed = false;
    resolved.forEach((rc, i) => {
      if (!rc) return;
      const broken = rc.inputs.some((x) => x.kind === 'correlation' && !resolved[x.index]);
      if (broken) {
        resolved[i] = undefined;
        changed = true;
      }
    });
  }
  const cyclic = findCycles(resolved);
  for (const i of cyclic) {
    const c = correlations[i]!;
    issue(c.file, c.line, 'RULE_INVALID', `correlation '${c.meta.title}' refers back to itself through its rules`);
    resolved[i] = undefined;
  }
  const index = new Map<number, number>();
  for (const rc of resolved) {
    if (!rc || byPath.get(rc.correlation.file)?.issues.length) continue;
    index.set(rc.index, rs.correlations.length);
    rs.correlations.push({ ...rc, index: rs.correlations.length });
  }
  for (const cc of rs.correlations) {
    cc.inputs = cc.inputs.map((x) => (x.kind === 'correlation' ? { kind: 'correlation', index: index.get(x.index)! } : x));
    for (const x of cc.inputs) {
      if (x.kind === 'rule') {
        const r = rs.rules[x.index]!;
        if (!r.correlations.includes(cc.index)) r.correlations.push(cc.index);
      } else rs.correlations[x.index]!.parents.push(cc.index);
    }
  }
  // generate: a rule (or correlation) used by correlations reports on its own only if one of them says so.
  for (const r of rs.rules) {
    if (r.correlations.length) r.report = r.correlations.some((i) => rs.correlations[i]!.correlation.generate);
  }
  for (const cc of rs.correlations) {
    if (cc.parents.length) cc.report = cc.parents.some((i) => rs.correlations[i]!.correlation.generate);
  }

  for (const r of rs.rules) {
    const problem = rs.placeWindows(r);
    if (problem) issue(r.rule.file, r.rule.line, 'RULE_UNSUPPORTED', problem);
  }
  rs.seal();
  return { ruleSet: rs, files: out };
}

function logsourceFits(filter: Logsource, rule: Logsource): boolean {
  return (['product', 'category', 'service'] as const).every((k) => filter[k] === undefined || filter[k] === rule[k]);
}

function findCycles(list: (CompiledCorrelation | undefined)[]): number[] {
  const state = new Array<number>(list.length).fill(0); // 0 new, 1 visiting, 2 done
  const bad = new Set<number>();
  const visit = (i: number, path: number[]) => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      for (const j of path.slice(path.indexOf(i))) bad.add(j);
      return;
    }
    state[i] = 1;
    for (const x of list[i]?.inputs ?? []) if (x.kind === 'correlation') visit(x.index, [...path, i]);
    state[i] = 2;
  };
  list.forEach((_, i) => visit(i, []));
  return [...bad];
}

