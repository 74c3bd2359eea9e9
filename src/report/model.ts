/**
 * The report's content, built in one pass over a case's findings (streamed, never all held as Findings): the board's
 * verdict and figures, the tradecraft seen, per-host and per-rule summaries, the ATT&CK heat map, the timeline, and
 * the compact table of every finding that the page embeds for the engineers' views. Pure: no files, no clock.
 */
import type { Finding } from '../findings/finding.js';
import { LEVELS, levelRank, type Level } from '../findings/level.js';
import type { HostRow, RunRow } from '../store/store.js';
import { canonicalTechnique, tacticOrder, techniqueInfo } from './attack.js';
import { BOARD_QUESTIONS, CONTACTS, nextSteps, type Action, type Contact } from './actions.js';
import { classify, OTHER, TRADECRAFT, type Tradecraft } from './tradecraft.js';

export interface ReportContext {
  /** The case file or location, as the user named it. */
  location: string;
  caseId?: string | undefined;
  /** The organisation the report is for (the board page's title). */
  org?: string | undefined;
  generatedAt: Date;
  hardnutVersion: string;
  runs: readonly RunRow[];
  hosts: readonly HostRow[];
}

export type Verdict = 'compromise' | 'suspicious' | 'clear' | 'empty';

export interface HostSummary {
  name: string;
  crownJewel: boolean;
  maxLevel: Level;
  count: number;
  levels: Record<Level, number>;
  tradecraft: string[];
  first: string | null;
  last: string | null;
}

export interface TradecraftSeen {
  tradecraft: Tradecraft;
  count: number;
  maxLevel: Level;
  hosts: string[];
  rules: string[];
}

export interface RuleSummary {
  id: string;
  title: string;
  level: Level;
  kind: string;
  author: string | null;
  status: string | null;
  description: string | undefined;
  references: string[];
  tags: string[];
  attack: string[];
  count: number;
  hosts: string[];
  first: string | null;
  last: string | null;
}

export interface HeatCell {
  technique: string;
  name: string;
  count: number;
  maxLevel: Level;
}

export interface HeatColumn {
  tactic: string;
  total: number;
  cells: HeatCell[];
}

export interface TimelineBucket {
  start: string;
  counts: number[];
}

export interface StoryLine {
  time: string;
  host: string;
  level: Level;
  rule: string;
  summary: string;
  count: number;
}

export interface BoardView {
  verdict: Verdict;
  headline: string;
  lead: string;
  levels: Record<Level, number>;
  total: number;
  hostsExamined: number;
  hosts: HostSummary[];
  crownJewels: number;
  crownJewelsAffected: string[];
  first: string | null;
  last: string | null;
  tradecraft: TradecraftSeen[];
  actions: Action[];
  contacts: readonly Contact[];
  questions: readonly [string, string][];
  incompleteRuns: number;
}

export interface Report {
  context: ReportContext;
  board: BoardView;
  rules: RuleSummary[];
  heat: HeatColumn[];
  timeline: { unit: 'hour' | 'day' | 'week'; buckets: TimelineBucket[] };
  story: StoryLine[];
  /** What the page embeds for its interactive views (see client.ts for the shape). */
  data: EmbeddedData;
}

/** The compact, interned form of every finding that the page embeds as JSON. */
export interface EmbeddedData {
  v: 1;
  levels: readonly string[];
  kinds: string[];
  hosts: string[];
  sources: string[];
  channels: string[];
  keys: string[];
  strs: string[];
  /** [id, title, level index, status, author, description, references, tags, kind index, attack] */
  rules: unknown[][];
  /** technique id → [name, tactics] for the techniques that appear */
  tech: Record<string, [string, string[]]>;
  /** tradecraft id → title */
  trade: Record<string, string>;
  /** one row a finding: [time, level, host, rule, summary (string index), source, kind, details or 0] */
  f: unknown[][];
  truncated: number;
}

const MAX_VALUE = 4000;
const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const MAX_EVIDENCE = 16_000;
const MAX_STORY = 200;

function emptyLevels(): Record<Level, number> {
  return { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

class Interner {
  readonly list: string[] = [];
  private readonly map = new Map<string, number>();
  id(s: string): number {
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.map.set(s, i);
    }
    return i;
  }
}

function truncate(s: string, max: number): [string, boolean] {
  return s.length <= max ? [s, false] : [s.slice(0, max) + `… [${s.length - max} more characters in the case store]`, true];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class ReportBuilder {
  private readonly levels = emptyLevels();
  private total = 0;
  private readonly hostStats = new Map<string, HostSummary & { trade: Set<string> }>();
  private readonly ruleStats = new Map<string, RuleSummary & { hostSet: Set<string>; index: number }>();
  private readonly trade = new Map<string, { count: number; max: number; hosts: Set<string>; rules: Set<string> }>();
  private readonly heat = new Map<string, Map<string, { count: number; max: number }>>();
  private readonly story = new Map<string, StoryLine>();
  private readonly times: number[] = [];
  private readonly timeLevels: number[] = [];
  private readonly timeCounts: number[] = [];
  private first: string | null = null;
  private last: string | null = null;

  private readonly kinds = new Interner();
  private readonly hostNames = new Interner();
  private readonly sources = new Interner();
  private readonly channels = new Interner();
  private readonly keys = new Interner();
  private readonly strs = new Interner();
  private readonly rows: unknown[][] = [];
  private readonly ruleRows: unknown[][] = [];
  private readonly techniques = new Map<string, [string, string[]]>();
  private truncated = 0;

  constructor(private readonly context: ReportContext) {}

  add(f: Finding): void {
    const n = f.count ?? 1;
    const rank = Math.max(0, levelRank(f.level));
    const level = LEVELS[rank]!;
    this.levels[level] += n;
    this.total += n;
    const trades = classify(f);
    const host = f.host ?? '(unknown host)';
    // Only ATT&CK-shaped ids: a malformed rule's tag text is not a technique (and has no place in the heat map).
    const attack = f.attack.map(canonicalTechnique).filter((t) => TECHNIQUE_ID.test(t));

    if (f.time !== null) {
      if (this.first === null || f.time < this.first) this.first = f.time;
      if (this.last === null || f.time > this.last) this.last = f.time;
      const ms = Date.parse(f.time);
      if (Number.isFinite(ms)) {
        this.times.push(ms);
        this.timeLevels.push(rank);
        this.timeCounts.push(n);
      }
    }

    let h = this.hostStats.get(host);
    if (!h) {
      h = { name: host, crownJewel: false, maxLevel: level, count: 0, levels: emptyLevels(), tradecraft: [], trade: new Set(), first: f.time, last: f.time };
      this.hostStats.set(host, h);
    }
    h.count += n;
    h.levels[level] += n;
    if (rank > levelRank(h.maxLevel)) h.maxLevel = level;
    if (f.time !== null) {
      if (h.first === null || f.time < h.first) h.first = f.time;
      if (h.last === null || f.time > h.last) h.last = f.time;
    }
    for (const t of trades) h.trade.add(t);

    let r = this.ruleStats.get(f.rule.id);
    if (!r) {
      const kind = this.kinds.id(f.kind);
      r = {
        id: f.rule.id,
        title: f.rule.title,
        level,
        kind: f.kind,
        author: f.rule.author,
        status: f.rule.status,
        description: f.rule.description,
        references: f.rule.references,
        tags: f.rule.tags,
        attack,
        count: 0,
        hosts: [],
        hostSet: new Set(),
        first: f.time,
        last: f.time,
        index: this.ruleRows.length,
      };
      this.ruleStats.set(f.rule.id, r);
      this.ruleRows.push([f.rule.id, f.rule.title, rank, f.rule.status, f.rule.author, f.rule.description ?? null, f.rule.references, f.rule.tags, kind, attack]);
    }
    r.count += n;
    r.hostSet.add(host);
    if (rank > levelRank(r.level)) r.level = level;
    if (f.time !== null) {
      if (r.first === null || f.time < r.first) r.first = f.time;
      if (r.last === null || f.time > r.last) r.last = f.time;
    }

    for (const t of trades) {
      let s = this.trade.get(t);
      if (!s) this.trade.set(t, (s = { count: 0, max: 0, hosts: new Set(), rules: new Set() }));
      s.count += n;
      s.max = Math.max(s.max, rank);
      s.hosts.add(host);
      s.rules.add(f.rule.title);
    }

    this.addHeat(f, attack, rank, n);

    if (f.time !== null) {
      const key = `${f.rule.id}\u0000${host}`;
      const s = this.story.get(key);
      if (!s) this.story.set(key, { time: f.time, host, level, rule: f.rule.title, summary: truncate(f.summary, 300)[0], count: n });
      else {
        s.count += n;
        if (f.time < s.time) {
          s.time = f.time;
          s.summary = truncate(f.summary, 300)[0];
        }
      }
    }

    this.rows.push(this.row(f, r, rank, host, attack));
  }

  private addHeat(f: Finding, attack: string[], rank: number, n: number): void {
    const put = (tactic: string, technique: string) => {
      let col = this.heat.get(tactic);
      if (!col) this.heat.set(tactic, (col = new Map()));
      const c = col.get(technique) ?? { count: 0, max: 0 };
      c.count += n;
      c.max = Math.max(c.max, rank);
      col.set(technique, c);
    };
    for (const id of attack) {
      const info = techniqueInfo(id);
      if (!this.techniques.has(info.id)) this.techniques.set(info.id, [info.name ?? info.id, info.tactics]);
      // A technique sits under the tactics the finding names, where ATT&CK agrees; else under ATT&CK's own.
      const both = info.tactics.filter((t) => f.tactics.includes(t));
      const tactics = both.length ? both : info.tactics.length ? info.tactics : f.tactics.length ? f.tactics : ['unknown'];
      for (const t of tactics) put(t, info.id);
    }
    if (attack.length === 0) for (const t of f.tactics) put(t, '');
  }

  private row(f: Finding, r: { index: number; attack: string[] }, rank: number, host: string, attack: string[]): unknown[] {
    const [summary, cut] = truncate(f.summary, 2000);
    if (cut) this.truncated++;
    const d: Record<string, unknown> = {};
    if (f.record !== undefined) d['r'] = f.record;
    if (f.channel !== undefined) d['c'] = this.channels.id(f.channel);
    if (f.event_id !== undefined) d['e'] = f.event_id;
    if (f.path !== undefined) d['p'] = f.path;
    if (f.sha256 !== undefined) d['h'] = f.sha256;
    if (f.size !== undefined) d['z'] = f.size;
    if (f.score !== undefined) d['s'] = f.score;
    if (f.mtime !== undefined) d['mt'] = f.mtime;
    if (f.count !== undefined && f.count !== 1) d['n'] = f.count;
    if (f.matches?.length) d['m'] = f.matches.slice(0, 50).map((m) => [m.identifier, m.offset, m.length, truncate(m.excerpt, 500)[0]]);
    if (!sameList(attack, r.attack)) d['a'] = attack;
    if (f.tactics.length) d['t'] = f.tactics;
    const ev: unknown[] = [];
    let budget = MAX_EVIDENCE;
    for (const [k, v] of Object.entries(f.evidence)) {
      if (typeof v === 'string') {
        const [text, cutValue] = truncate(v, Math.max(64, Math.min(MAX_VALUE, budget)));
        if (cutValue) this.truncated++;
        budget -= text.length;
        ev.push(this.keys.id(k), this.strs.id(text));
      } else {
        ev.push(this.keys.id(k), [v]);
      }
    }
    if (ev.length) d['ev'] = ev;
    d['o'] = `${f.origin.engine}/${f.origin.command}`;
    return [f.time, rank, this.hostNames.id(host), r.index, this.strs.id(summary), this.sources.id(f.source), this.kinds.id(f.kind), d];
  }

  build(): Report {
    const known = new Map(this.context.hosts.map((h) => [h.name, h]));
    const hosts = [...this.hostStats.values()]
      .map(({ trade, ...h }) => ({ ...h, crownJewel: known.get(h.name)?.crownJewel ?? false, tradecraft: order(trade) }))
      .sort(
        (a, b) =>
          Number(b.crownJewel) - Number(a.crownJewel) || levelRank(b.maxLevel) - levelRank(a.maxLevel) || b.count - a.count || a.name.localeCompare(b.name),
      );
    const verdict = this.verdict();
    const tradecraft = [...this.trade]
      .map(([id, s]) => ({
        tradecraft: TRADECRAFT.find((t) => t.id === id) ?? OTHER,
        count: s.count,
        maxLevel: LEVELS[s.max]!,
        hosts: [...s.hosts],
        rules: [...s.rules],
      }))
      // The order of an intrusion (in through a server, a webshell, credentials, living off the land…), which reads as
      // a story; what reached only low severity after, and "other" last.
      .sort((a, b) => {
        if (a.tradecraft.id === 'other' || b.tradecraft.id === 'other') return a.tradecraft.id === 'other' ? 1 : -1;
        const serious = Number(levelRank(b.maxLevel) >= 2) - Number(levelRank(a.maxLevel) >= 2);
        return serious || TRADECRAFT.indexOf(a.tradecraft) - TRADECRAFT.indexOf(b.tradecraft);
      });
    const serious = hosts.filter((h) => levelRank(h.maxLevel) >= 3).map((h) => h.name);
    const affected = serious.length ? serious : hosts.filter((h) => levelRank(h.maxLevel) >= 2).map((h) => h.name);
    const crownJewelsAffected = hosts.filter((h) => h.crownJewel && levelRank(h.maxLevel) >= 2).map((h) => h.name);
    const examined = new Set([...this.context.hosts.map((h) => h.name), ...this.hostStats.keys()]);
    const board: BoardView = {
      verdict,
      ...this.words(verdict, hosts, examined.size, tradecraft, crownJewelsAffected),
      levels: this.levels,
      total: this.total,
      hostsExamined: examined.size,
      hosts,
      crownJewels: this.context.hosts.filter((h) => h.crownJewel).length,
      crownJewelsAffected,
      first: this.first,
      last: this.last,
      tradecraft,
      actions: nextSteps({ verdict, tradecraft: new Set(tradecraft.map((t) => t.tradecraft.id)), affected, caseFile: this.context.location }),
      contacts: CONTACTS,
      questions: BOARD_QUESTIONS,
      incompleteRuns: this.context.runs.filter((r) => !r.completed).length,
    };
    const rules = [...this.ruleStats.values()]
      .map(({ hostSet, index: _index, ...r }) => ({ ...r, hosts: [...hostSet] }))
      .sort((a, b) => levelRank(b.level) - levelRank(a.level) || b.count - a.count || a.title.localeCompare(b.title));
    return {
      context: this.context,
      board,
      rules,
      heat: this.heatColumns(),
      timeline: this.timelineBuckets(),
      story: this.storyLines(),
      data: {
        v: 1,
        levels: LEVELS,
        kinds: this.kinds.list,
        hosts: this.hostNames.list,
        sources: this.sources.list,
        channels: this.channels.list,
        keys: this.keys.list,
        strs: this.strs.list,
        rules: this.ruleRows,
        tech: Object.fromEntries(this.techniques),
        trade: Object.fromEntries([...TRADECRAFT, OTHER].map((t) => [t.id, t.title])),
        f: this.rows,
        truncated: this.truncated,
      },
    };
  }

  private verdict(): Verdict {
    if (this.context.runs.length === 0 && this.total === 0) return 'empty';
    const l = this.levels;
    if (l.critical > 0) return 'compromise';
    // High findings from two different rules on one host corroborate each other.
    if (l.high > 0) {
      const highRules = new Map<string, Set<string>>();
      for (const r of this.ruleStats.values()) {
        if (levelRank(r.level) < 3) continue;
        for (const h of r.hostSet) (highRules.get(h) ?? highRules.set(h, new Set()).get(h)!).add(r.id);
      }
      if ([...highRules.values()].some((s) => s.size >= 2)) return 'compromise';
      return 'suspicious';
    }
    if (l.medium > 0) return 'suspicious';
    return 'clear';
  }

  private words(verdict: Verdict, hosts: HostSummary[], examined: number, trade: TradecraftSeen[], jewels: string[]): { headline: string; lead: string } {
    const l = this.levels;
    const serious = l.critical + l.high;
    const seriousHosts = hosts.filter((h) => levelRank(h.maxLevel) >= 3).length;
    const period = this.first && this.last ? (day(this.first) === day(this.last) ? ` on ${day(this.first)}` : ` between ${day(this.first)} and ${day(this.last)}`) : '';
    const kinds = trade.filter((t) => t.tradecraft.id !== 'other').slice(0, 4).map((t) => t.tradecraft.title.split(':')[0]!.toLowerCase());
    const jewelText = jewels.length ? ` Crown-jewel machines are among them: ${jewels.join(', ')}.` : '';
    switch (verdict) {
      case 'empty':
        return { headline: 'Nothing has been examined yet', lead: 'This case holds no runs. Hunt and sweep the evidence into it, then write the report again.' };
      case 'compromise':
        return {
          headline: 'Evidence of compromise found',
          lead:
            `hardnut found ${count(serious, 'sign')} of serious intrusion (${l.critical} critical, ${l.high} high) on ` +
            `${seriousHosts} of the ${examined} machines examined${period}.` +
            (kinds.length ? ` What was seen matches the tradecraft MI5 and the FBI have warned about: ${joinWords(kinds)}.` : '') +
            jewelText,
        };
      case 'suspicious':
        return {
          headline: 'Suspicious activity that needs investigating',
          lead:
            `hardnut found ${count(l.high + l.medium, 'finding')} that may be an intrusion or may be unusual administration ` +
            `(${l.high} high, ${l.medium} medium) on ${hosts.filter((h) => levelRank(h.maxLevel) >= 2).length} of the ${examined} machines examined${period}. ` +
            'Someone who knows these systems should check them this week.' +
            jewelText,
        };
      case 'clear':
        return {
          headline: 'No evidence of compromise in what was examined',
          lead:
            `hardnut examined ${count(examined, 'machine')} and found nothing above low severity` +
            (this.total ? ` (${count(this.total, 'minor finding')}, listed for the engineers)` : '') +
            '. This covers only the evidence collected; it is not proof that nothing happened.',
        };
    }
  }

  private heatColumns(): HeatColumn[] {
    return [...this.heat]
      .map(([tactic, cells]) => ({
        tactic,
        total: [...cells.values()].reduce((a, c) => a + c.count, 0),
        cells: [...cells]
          .map(([technique, c]) => ({
            technique,
            name: technique ? (this.techniques.get(technique)?.[0] ?? technique) : '(no technique id)',
            count: c.count,
            maxLevel: LEVELS[c.max]!,
          }))
          .sort((a, b) => b.count - a.count || a.technique.localeCompare(b.technique)),
      }))
      .sort((a, b) => tacticOrder(a.tactic) - tacticOrder(b.tactic));
  }

  private timelineBuckets(): Report['timeline'] {
    if (this.times.length === 0) return { unit: 'day', buckets: [] };
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of this.times) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    const span = hi - lo;
    const unit = span <= 3 * 86400_000 ? 'hour' : span <= 120 * 86400_000 ? 'day' : 'week';
    const size = unit === 'hour' ? 3600_000 : unit === 'day' ? 86400_000 : 7 * 86400_000;
    const start = Math.floor(lo / size) * size;
    const n = Math.floor((hi - start) / size) + 1;
    const buckets: TimelineBucket[] = Array.from({ length: n }, (_, i) => ({ start: new Date(start + i * size).toISOString(), counts: [0, 0, 0, 0, 0] }));
    for (let i = 0; i < this.times.length; i++) {
      buckets[Math.floor((this.times[i]! - start) / size)]!.counts[this.timeLevels[i]!]! += this.timeCounts[i]!;
    }
    return { unit, buckets };
  }

  private storyLines(): StoryLine[] {
    let lines = [...this.story.values()];
    if (lines.length > MAX_STORY) {
      lines = lines.sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.time.localeCompare(b.time)).slice(0, MAX_STORY);
    }
    return lines.sort((a, b) => a.time.localeCompare(b.time) || levelRank(b.level) - levelRank(a.level));
  }
}

function order(ids: Set<string>): string[] {
  const all = [...TRADECRAFT, OTHER].map((t) => t.id);
  return [...ids].sort((a, b) => all.indexOf(a) - all.indexOf(b));
}

function count(n: number, word: string): string {
  return `${n.toLocaleString('en-GB')} ${word}${n === 1 ? '' : 's'}`;
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** `2021-03-02T22:14:09Z` → `2 March 2021` */
export function day(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Build the report of a case from its context and its findings, streamed in batches. */
export async function buildReport(context: ReportContext, findings: AsyncIterable<Finding[]>): Promise<Report> {
  const b = new ReportBuilder(context);
  for await (const batch of findings) for (const f of batch) b.add(f);
  return b.build();
}
