/**
 * The correlation engine (Sigma correlation rules specification v2.1): fed with the matches of the rules that
 * correlations use, in time order, it reports when a group of them meets a correlation's condition.
 *
 * - `event_count`, `value_count`, `value_sum` with a lower bound only (`gt`, `gte`): a sliding window of `timespan`
 *   per group; the correlation fires as soon as the window meets the condition, then the group starts afresh.
 * - Conditions with an upper bound (`lt`, `lte`, `eq`, `neq`), `value_avg` and `value_percentile` can only be decided
 *   once a window is over: the window opens at a group's first event, closes `timespan` later, and is judged then.
 *   `value_percentile` judges each distinct value's share of the window's events, in percent (so `lte: 1` finds
 *   values seen in at most 1% of the group's events).
 * - `temporal`: every rule (or, with a condition, that many distinct rules) matched within `timespan`;
 *   `temporal_ordered`: and in the order the correlation lists them.
 *
 * Correlations may use correlations; `aliases` name a group-by field differently per rule. Memory is bounded: state
 * outside the timespan is dropped, per-group storage is capped by the condition's threshold, and the number of groups
 * per correlation is capped (the least recently seen go first, counted in `dropped`).
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import type { RuleRef } from '../findings/finding.js';
import { textOf } from './context.js';
import { compare, numberOf } from './interpret.js';
import type { CompareOp } from './model.js';
import type { CompiledCorrelation, RuleMatch, RuleSet } from './ruleset.js';

/** A rule match reduced to what correlations need: serialisable, so worker threads can send it to the main one. */
export interface CorrelationEvent {
  /** The compiled rule's index in its RuleSet. */
  rule: number;
  /** Milliseconds since the epoch. */
  time: number;
  /** The fields the rule's correlations read, by the rule's own field names. */
  values: Record<string, FieldValue>;
  ref: EventRef;
}

export interface EventRef {
  time: string;
  host?: string;
  recordId?: number;
  /** Whatever the caller attached (the evidence file, say), passed back in matches. */
  tag?: string;
}

export interface CorrelationMatch {
  correlation: CompiledCorrelation;
  rule: RuleRef;
  /** False when the correlation only feeds another correlation (no `generate`). */
  report: boolean;
  /** When the condition was met: the last event's time, ISO 8601. */
  time: string;
  /** When the correlated events began. */
  first: string;
  /** The group-by values. */
  group: Record<string, FieldValue>;
  /** The figure the condition was met with: a count, a distinct count, a sum, an average, a percentage. */
  value: number;
  /** For value_percentile: the value whose share met the condition. */
  fieldValue?: string;
  /** How many rule matches took part. */
  events: number;
  /** A few of the events that took part (the most recent), for the finding's evidence. */
  samples: EventRef[];
  host?: string;
}

const MAX_GROUPS = 100_000;
const MAX_SAMPLES = 5;
/** Per-group storage cap for windows that keep every value (value_sum, closed-window aggregates). */
const MAX_PER_GROUP = 100_000;

type Input = { kind: 'rule' | 'correlation'; index: number };

interface Group {
  key: string;
  values: Record<string, FieldValue>;
  /** Last time the group was fed (for expiry). */
  last: number;
  first: number;
  samples: EventRef[];
  events: number;
  // sliding event_count
  times?: number[];
  // sliding value_count: value → last seen
  seen?: Map<string, number>;
  // sliding value_sum
  sums?: { t: number; n: number }[];
  // closed windows: counts per value (value_percentile, value_count), running sum and count
  freq?: Map<string, number>;
  sum?: number;
  count?: number;
  // temporal: input position → last time
  lastBy?: Map<number, number>;
  // temporal_ordered: starts[k] = latest start of a partial sequence that matched positions 0..k-1
  starts?: number[];
}

interface State {
  c: CompiledCorrelation;
  sliding: boolean;
  groups: Map<string, Group>;
  /** Positions of each input in the correlation's rule list (a rule may be listed twice). */
  positions: Map<string, number[]>;
  /** Per input position: the field each group-by field and each value field is read from. */
  groupFields: string[][];
  valueFields: string[][];
  threshold: number;
}

const lowerOnly = (cond: { op: CompareOp }[]) => cond.length > 0 && cond.every((c) => c.op === 'gt' || c.op === 'gte');

export class CorrelationEngine {
  private readonly states: State[];
  private now = -Infinity;
  private nextSweep = -Infinity;
  private readonly sweepEvery: number;
  /** Groups dropped because a correlation had too many at once. */
  dropped = 0;
  /** Rule matches without a usable time (they cannot be correlated). */
  untimed = 0;

  constructor(private readonly ruleSet: RuleSet) {
    this.states = ruleSet.correlations.map((c) => this.prepare(c));
    const spans = ruleSet.correlations.map((c) => c.correlation.timespanMs);
    this.sweepEvery = Math.max(1000, Math.min(...spans, 3600e3) / 8);
  }

  private prepare(c: CompiledCorrelation): State {
    const corr = c.correlation;
    const positions = new Map<string, number[]>();
    const groupFields: string[][] = [];
    const valueFields: string[][] = [];
    c.inputs.forEach((inp, pos) => {
      const k = `${inp.kind}:${inp.index}`;
      positions.set(k, [...(positions.get(k) ?? []), pos]);
      const names = this.namesOf(inp);
      const resolve = (f: string) => {
        const per = corr.aliases.get(f);
        if (per) for (const n of names) if (per.has(n)) return per.get(n)!;
        return f;
      };
      groupFields.push(corr.groupBy.map(resolve));
      valueFields.push(corr.field.map(resolve));
    });
    const t = corr.type;
    const sliding =
      (t === 'event_count' || t === 'value_count' || t === 'value_sum') ? lowerOnly(corr.condition) : t === 'temporal' || t === 'temporal_ordered';
    const threshold = Math.max(1, ...corr.condition.map((x) => Math.ceil(x.value) + 1));
    return { c, sliding, groups: new Map(), positions, groupFields, valueFields, threshold };
  }

  private namesOf(inp: Input): string[] {
    const meta =
      inp.kind === 'rule' ? this.ruleSet.rules[inp.index]!.rule.meta : this.ruleSet.correlations[inp.index]!.correlation.meta;
    return [meta.name, meta.id].filter((x): x is string => x !== undefined);
  }

  /** The fields a rule's matches must carry for the correlations that use it (rule's own names). */
  fieldsFor(rule: number): string[] {
    const out = new Set<string>();
    for (const s of this.states) {
      const positions = s.positions.get(`rule:${rule}`);
      if (!positions) continue;
      for (const p of positions) for (const f of [...s.groupFields[p]!, ...s.valueFields[p]!]) out.add(f);
    }
    return [...out];
  }

  /** A rule match as a CorrelationEvent, or undefined when no correlation uses the rule or the event has no time. */
  toEvent(match: RuleMatch, tag?: string): CorrelationEvent | undefined {
    if (!match.rule.correlations.length) return undefined;
    const ev: EventRecord = match.event;
    const time = ev.time === undefined ? NaN : Date.parse(ev.time);
    if (!Number.isFinite(time)) {
      this.untimed++;
      return undefined;
    }
    const values: Record<string, FieldValue> = {};
    for (const f of this.fieldsFor(match.rule.index)) values[f] = match.value(f);
    const ref: EventRef = { time: new Date(time).toISOString() };
    if (ev.host !== undefined) ref.host = ev.host;
    if (ev.recordId !== undefined) ref.recordId = ev.recordId;
    if (tag !== undefined) ref.tag = tag;
    return { rule: match.rule.index, time, values, ref };
  }

  /** Feed a rule match (in time order); returns the correlations it completes (and windows it closes). */
  feedMatch(match: RuleMatch, tag?: string): CorrelationMatch[] {
    const e = this.toEvent(match, tag);
    return e ? this.feed(e) : [];
  }

  /** Feed a CorrelationEvent (from `toEvent`, possibly made in a worker thread), in time order. */
  feed(e: CorrelationEvent): CorrelationMatch[] {
    const out: CorrelationMatch[] = [];
    this.advance(e.time, out);
    this.deliver({ kind: 'rule', index: e.rule }, e.time, e.values, e.ref, out);
    return out;
  }

  /** Close every open window (end of input): returns what those windows decide. */
  flush(): CorrelationMatch[] {
    const out: CorrelationMatch[] = [];
    for (const s of this.states) {
      for (const g of [...s.groups.values()]) this.close(s, g, out);
      s.groups.clear();
    }
    return out;
  }

  /** Open groups across all correlations (for tests of bounded memory). */
  get openGroups(): number {
    return this.states.reduce((n, s) => n + s.groups.size, 0);
  }

  /** Move time forward: groups whose window has passed are closed (and judged, for closed-window types). */
  private advance(t: number, out: CorrelationMatch[]): void {
    if (t <= this.now) return;
    this.now = t;
    // Sweeping is amortised: a window found over by a sweep is judged from its own data, so sweeping a little late
    // only delays when its match is reported, never what it decides.
    if (t < this.nextSweep) return;
    this.nextSweep = t + this.sweepEvery;
    for (const s of this.states) {
      const span = s.c.correlation.timespanMs;
      // Groups are kept in least-recently-fed order, so the expired ones are at the front.
      for (const g of s.groups.values()) {
        const end = s.sliding ? g.last + span : g.first + span;
        if (end >= t && s.sliding) break;
        if (end >= t) continue;
        s.groups.delete(g.key);
        this.close(s, g, out);
      }
    }
  }

  private deliver(inp: Input, t: number, values: Record<string, FieldValue>, ref: EventRef, out: CorrelationMatch[]): void {
    for (const s of this.states) {
      const positions = s.positions.get(`${inp.kind}:${inp.index}`);
      if (!positions) continue;
      // Later positions first, so one event never counts twice in one ordered sequence.
      for (let i = positions.length - 1; i >= 0; i--) this.update(s, positions[i]!, t, values, ref, out);
    }
  }

  private update(s: State, pos: number, t: number, values: Record<string, FieldValue>, ref: EventRef, out: CorrelationMatch[]): void {
    const corr = s.c.correlation;
    const groupValues: Record<string, FieldValue> = {};
    const keyParts: string[] = [];
    for (let i = 0; i < corr.groupBy.length; i++) {
      const v = values[s.groupFields[pos]![i]!];
      const text = textOf(v);
      if (text === undefined || text === '') return; // no value to group by: this event cannot take part
      groupValues[corr.groupBy[i]!] = v;
      keyParts.push(typeof text === 'string' ? text : text.join('\u0001'));
    }
    const key = keyParts.join('\u0000');
    let g = s.groups.get(key);
    if (g && !s.sliding && t > g.first + corr.timespanMs) {
      s.groups.delete(key);
      this.close(s, g, out);
      g = undefined;
    }
    if (!g) {
      if (s.groups.size >= MAX_GROUPS) {
        const oldest = s.groups.values().next().value as Group;
        s.groups.delete(oldest.key);
        this.dropped++;
      }
      g = { key, values: groupValues, last: t, first: t, samples: [], events: 0 };
    } else s.groups.delete(key);
    s.groups.set(key, g); // most recently fed last
    g.last = t;
    g.events++;
    g.samples.push(ref);
    if (g.samples.length > MAX_SAMPLES) g.samples.shift();

    const span = corr.timespanMs;
    const valueOf = () => {
      const parts = s.valueFields[pos]!.map((f) => textOf(values[f]));
      if (parts.some((p) => p === undefined)) return undefined;
      return parts.map((p) => (typeof p === 'string' ? p : p!.join('\u0001'))).join('\u0000');
    };
    const holds = (x: number) => corr.condition.every((c) => compare(x, c.op, c.value));
    const fire = (value: number, first: number, events: number) => {
      s.groups.delete(key);
      this.emit(s, g, value, first, events, out);
    };

    switch (corr.type) {
      case 'event_count':
      case 'value_count':
      case 'value_sum':
      case 'value_avg':
      case 'value_percentile':
        if (!s.sliding) {
          // A closed window: accumulate, judge at the end.
          const v = corr.type === 'event_count' ? '' : valueOf();
          if (v === undefined) return;
          g.count = (g.count ?? 0) + 1;
          if (corr.type === 'value_sum' || corr.type === 'value_avg') {
            const n = numberOf(values[s.valueFields[pos]![0]!] as FieldValue);
            if (Number.isFinite(n)) g.sum = (g.sum ?? 0) + n;
            else g.count--;
          } else if (corr.type !== 'event_count') {
            g.freq ??= new Map();
            if (g.freq.size < MAX_PER_GROUP || g.freq.has(v)) g.freq.set(v, (g.freq.get(v) ?? 0) + 1);
          }
          return;
        }
        if (corr.type === 'event_count') {
          const times = (g.times ??= []);
          times.push(t);
          while (times.length && times[0]! < t - span) times.shift();
          if (times.length > s.threshold) times.shift();
          if (holds(times.length)) fire(times.length, times[0]!, times.length);
        } else if (corr.type === 'value_count') {
          const v = valueOf();
          if (v === undefined) return;
          const seen = (g.seen ??= new Map());
          seen.delete(v);
          seen.set(v, t);
          for (const [k, at] of seen) {
            if (at >= t - span) break;
            seen.delete(k);
          }
          if (holds(seen.size)) fire(seen.size, seen.values().next().value as number, g.events);
        } else {
          const n = numberOf(values[s.valueFields[pos]![0]!] as FieldValue);
          if (!Number.isFinite(n)) return;
          const sums = (g.sums ??= []);
          sums.push({ t, n });
          while (sums.length && (sums[0]!.t < t - span || sums.length > MAX_PER_GROUP)) sums.shift();
          const total = sums.reduce((a, b) => a + b.n, 0);
          if (holds(total)) fire(total, sums[0]!.t, sums.length);
        }
        return;
      case 'temporal': {
        const lastBy = (g.lastBy ??= new Map());
        lastBy.set(pos, t);
        for (const [p, at] of lastBy) if (at < t - span) lastBy.delete(p);
        // Distinct rules, not positions: a rule listed twice counts once.
        const distinct = new Set([...lastBy.keys()].map((p) => `${s.c.inputs[p]!.kind}:${s.c.inputs[p]!.index}`)).size;
        const need = new Set(s.c.inputs.map((x) => `${x.kind}:${x.index}`)).size;
        if (corr.condition.length ? holds(distinct) : distinct === need) fire(distinct, Math.min(...lastBy.values()), g.events);
        return;
      }
      case 'temporal_ordered': {
        const n = s.c.inputs.length;
        const starts = (g.starts ??= new Array<number>(n + 1).fill(-Infinity));
        for (let k = 1; k <= n; k++) if (starts[k]! < t - span) starts[k] = -Infinity;
        if (pos === 0) starts[1] = Math.max(starts[1]!, t);
        else if (starts[pos]! > -Infinity) starts[pos + 1] = Math.max(starts[pos + 1]!, starts[pos]!);
        if (starts[n]! > -Infinity) fire(n, starts[n]!, g.events);
        return;
      }
    }
  }

  /** A window ends: closed-window types are judged now; sliding ones have nothing left to say. */
  private close(s: State, g: Group, out: CorrelationMatch[]): void {
    if (s.sliding) return;
    const corr = s.c.correlation;
    const holds = (x: number) => corr.condition.every((c) => compare(x, c.op, c.value));
    const count = g.count ?? 0;
    if (count === 0) return;
    switch (corr.type) {
      case 'event_count':
        if (holds(count)) this.emit(s, g, count, g.first, count, out);
        return;
      case 'value_count': {
        const n = g.freq?.size ?? 0;
        if (holds(n)) this.emit(s, g, n, g.first, count, out);
        return;
      }
      case 'value_sum':
        if (holds(g.sum ?? 0)) this.emit(s, g, g.sum ?? 0, g.first, count, out);
        return;
      case 'value_avg': {
        const avg = (g.sum ?? 0) / count;
        if (holds(avg)) this.emit(s, g, avg, g.first, count, out);
        return;
      }
      case 'value_percentile':
        for (const [v, n] of g.freq ?? []) {
          const pct = (100 * n) / count;
          if (holds(pct)) this.emit(s, g, pct, g.first, count, out, v);
        }
        return;
      default:
        return;
    }
  }

  private emit(s: State, g: Group, value: number, first: number, events: number, out: CorrelationMatch[], fieldValue?: string): void {
    const c = s.c;
    const last = g.samples[g.samples.length - 1];
    const m: CorrelationMatch = {
      correlation: c,
      rule: c.ref,
      report: c.report,
      time: new Date(s.sliding ? g.last : Math.min(g.last, g.first + c.correlation.timespanMs)).toISOString(),
      first: new Date(first).toISOString(),
      group: g.values,
      value,
      events,
      samples: [...g.samples],
    };
    if (fieldValue !== undefined) m.fieldValue = fieldValue;
    if (last?.host !== undefined) m.host = last.host;
    out.push(m);
    // Correlations that use this one receive its match as an event at the time it was decided.
    if (c.parents.length) {
      const ref: EventRef = { time: m.time };
      if (m.host !== undefined) ref.host = m.host;
      const values: Record<string, FieldValue> = { ...g.values };
      this.deliver({ kind: 'correlation', index: c.index }, Date.parse(m.time), values, ref, out);
    }
  }
}
