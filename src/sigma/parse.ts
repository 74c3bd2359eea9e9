/**
 * One Sigma document (a YAML map) → a detection rule, a correlation rule or a filter, per the v2.1 specifications
 * and JSON schemas. Every problem is a RuleProblem with the line it is on.
 */
import { parseLevel } from '../findings/level.js';
import { parseCondition } from './condition.js';
import { and, or, type Expr } from './expr.js';
import {
  invalid,
  RuleProblem,
  unsupported,
  type CompareOp,
  type CorrelationType,
  type Detection,
  type Logsource,
  type RuleMeta,
  type SigmaCorrelation,
  type SigmaDocument,
  type SigmaFilter,
  type SigmaRule,
} from './model.js';
import { fieldExpr, type ValueContext } from './modifiers.js';
import { entry, scalarText, type YMap, type YValue } from './yaml-tree.js';

export interface ParseOptions {
  placeholder: (name: string) => readonly string[] | undefined;
  /** Further problems of the same document (each search identifier is checked even after one fails). */
  also?: RuleProblem[];
}

export interface ParsedDocument {
  document: SigmaDocument;
  /** Placeholders without values (the rule loads; those values match nothing). */
  missingPlaceholders: string[];
}

const CORRELATION_TYPES: readonly CorrelationType[] = [
  'event_count',
  'value_count',
  'value_sum',
  'value_avg',
  'value_percentile',
  'temporal',
  'temporal_ordered',
];
const COMPARE_OPS: readonly CompareOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];
const NEEDS_FIELD = new Set<CorrelationType>(['value_count', 'value_sum', 'value_avg', 'value_percentile']);
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, M: 30 * 86400e3, y: 365 * 86400e3 };

export function parseDocument(root: YMap, file: string, doc: number, line: number, options: ParseOptions): ParsedDocument {
  const missing = new Set<string>();
  const at = { file, doc, line };
  const meta = parseMeta(root, file, doc);
  let document: SigmaDocument;
  const correlation = entry(root, 'correlation');
  const filter = entry(root, 'filter');
  const detection = entry(root, 'detection');
  if (correlation) {
    document = { kind: 'correlation', ...at, meta, ...parseCorrelation(root, correlation.value) } satisfies SigmaCorrelation;
  } else if (filter) {
    const f = mapOf(filter.value, 'filter');
    const rulesEntry = entry(f, 'rules');
    if (!rulesEntry) throw invalid("a filter needs 'rules': the ids or names of the rules it applies to", filter.keyLine);
    const body: YMap = { ...f, entries: f.entries.filter((e) => e.key !== 'rules') };
    document = {
      kind: 'filter',
      ...at,
      meta,
      logsource: parseLogsource(root),
      rules: stringList(rulesEntry.value, 'rules'),
      detection: parseDetection(body, filter.keyLine, options, missing),
    } satisfies SigmaFilter;
  } else if (detection) {
    document = {
      kind: 'rule',
      ...at,
      meta,
      logsource: parseLogsource(root),
      detection: parseDetection(mapOf(detection.value, 'detection'), detection.keyLine, options, missing),
    } satisfies SigmaRule;
  } else {
    throw invalid("not a Sigma rule: it has no 'detection', 'correlation' or 'filter' section", line);
  }
  return { document, missingPlaceholders: [...missing] };
}

function parseMeta(root: YMap, file: string, doc: number): RuleMeta {
  const title = optString(root, 'title');
  if (title === undefined) throw invalid("a Sigma rule needs a 'title'", root.line);
  const id = optString(root, 'id');
  const name = optString(root, 'name');
  const levelEntry = entry(root, 'level');
  const levelText = levelEntry ? scalarText(levelEntry.value) : undefined;
  const level = levelText === undefined ? undefined : parseLevel(levelText);
  if (levelEntry && level === undefined) {
    throw invalid(`level '${levelText ?? ''}' is not one of informational, low, medium, high, critical`, levelEntry.keyLine);
  }
  const authorEntry = entry(root, 'author');
  const author = authorEntry
    ? authorEntry.value.kind === 'seq'
      ? stringList(authorEntry.value, 'author').join(', ')
      : (scalarText(authorEntry.value) ?? null)
    : null;
  const meta: RuleMeta = {
    id: id ?? name ?? `${file}#${doc + 1}`,
    title,
    status: optString(root, 'status') ?? null,
    level: level ?? 'medium',
    levelDefaulted: level === undefined,
    author,
    references: optList(root, 'references'),
    tags: optList(root, 'tags'),
    falsepositives: optList(root, 'falsepositives'),
    fields: optList(root, 'fields'),
  };
  if (name !== undefined) meta.name = name;
  const description = optString(root, 'description');
  if (description !== undefined) meta.description = description;
  const date = optString(root, 'date');
  if (date !== undefined) meta.date = date;
  const modified = optString(root, 'modified');
  if (modified !== undefined) meta.modified = modified;
  return meta;
}

function parseLogsource(root: YMap): Logsource {
  const e = entry(root, 'logsource');
  if (!e) throw invalid("a Sigma rule needs a 'logsource'", root.line);
  const m = mapOf(e.value, 'logsource');
  const ls: Logsource = {};
  for (const k of ['product', 'category', 'service', 'definition'] as const) {
    const v = entry(m, k);
    if (!v || (v.value.kind === 'scalar' && v.value.value === null)) continue;
    const t = scalarText(v.value);
    if (t === undefined) throw invalid(`logsource '${k}' must be a plain value`, v.keyLine);
    ls[k] = k === 'definition' ? t : t.toLowerCase();
  }
  return ls;
}

function parseDetection(m: YMap, line: number, options: ParseOptions, missing: Set<string>): Detection {
  const searches = new Map<string, Expr<string>>();
  let conditionEntry: YMap['entries'][number] | undefined;
  const problems: RuleProblem[] = [];
  for (const e of m.entries) {
    if (e.key === 'condition') {
      conditionEntry = e;
      continue;
    }
    if (e.key === 'timeframe') continue; // Sigma 1: only meaningful with an aggregation, which the condition rejects
    const ctx: ValueContext = { line: e.keyLine, placeholder: options.placeholder, missing };
    try {
      searches.set(e.key, searchExpr(e.value, ctx));
    } catch (err) {
      if (!(err instanceof RuleProblem)) throw err;
      problems.push(err);
    }
  }
  if (problems.length) {
    options.also?.push(...problems.slice(1));
    throw problems[0]!;
  }
  if (!conditionEntry) throw invalid("the detection has no 'condition'", line);
  const cv = conditionEntry.value;
  const texts: { text: string; line: number }[] = [];
  if (cv.kind === 'seq') {
    for (const i of cv.items) {
      const t = scalarText(i);
      if (t === undefined) throw invalid('each condition in the list must be a string', i.line);
      texts.push({ text: t, line: i.line });
    }
  } else {
    const t = scalarText(cv);
    if (t === undefined) throw invalid('the condition must be a string', conditionEntry.keyLine);
    texts.push({ text: t, line: cv.line });
  }
  if (!texts.length) throw invalid('the condition list is empty', conditionEntry.keyLine);
  const condition = or(texts.map((t) => parseCondition(t.text, searches, t.line)));
  return { line, searches, condition };
}

/** A search identifier: a map (AND), a list of maps (OR), or keywords (a list of values, OR). */
function searchExpr(v: YValue, ctx: ValueContext): Expr<string> {
  if (v.kind === 'map') return mapExpr(v, ctx);
  if (v.kind === 'scalar') {
    if (v.value === null) throw invalid('a search identifier has no value', v.line);
    return fieldExpr('', v, { ...ctx, line: v.line });
  }
  if (!v.items.length) throw invalid('a search identifier is an empty list', v.line);
  const alts: Expr<string>[] = [];
  const keywords: YValue[] = [];
  for (const item of v.items) {
    if (item.kind === 'map') alts.push(mapExpr(item, ctx));
    else if (item.kind === 'scalar') keywords.push(item);
    else throw invalid('a search identifier list may hold maps or keywords, not nested lists', item.line);
  }
  if (keywords.length) alts.unshift(fieldExpr('', { kind: 'seq', line: v.line, items: keywords }, { ...ctx, line: v.line }));
  return or(alts);
}

function mapExpr(m: YMap, ctx: ValueContext): Expr<string> {
  if (!m.entries.length) throw invalid('a search identifier is an empty map', m.line);
  return and(m.entries.map((e) => fieldExpr(e.key, e.value, { ...ctx, line: e.keyLine })));
}

function parseCorrelation(root: YMap, v: YValue): Omit<SigmaCorrelation, 'kind' | 'meta' | 'file' | 'doc' | 'line'> {
  const m = mapOf(v, 'correlation');
  const typeEntry = entry(m, 'type');
  const type = typeEntry ? scalarText(typeEntry.value) : undefined;
  if (!typeEntry || type === undefined) throw invalid("a correlation needs a 'type'", m.line);
  if (!CORRELATION_TYPES.includes(type as CorrelationType)) {
    throw unsupported(`correlation type '${type}' is not one of ${CORRELATION_TYPES.join(', ')}`, typeEntry.keyLine);
  }
  const t = type as CorrelationType;
  const rulesEntry = entry(m, 'rules');
  if (!rulesEntry) throw invalid("a correlation needs 'rules': the ids or names of the rules it correlates", m.line);
  const rules = stringList(rulesEntry.value, 'rules');
  if (!rules.length) throw invalid("the correlation's 'rules' list is empty", rulesEntry.keyLine);
  const gb = entry(m, 'group-by');
  const groupBy = gb ? stringList(gb.value, 'group-by') : [];
  const tsEntry = entry(m, 'timespan') ?? entry(m, 'timeframe');
  if (!tsEntry) throw invalid("a correlation needs a 'timespan' (e.g. 10m)", m.line);
  const tsText = scalarText(tsEntry.value) ?? '';
  const tm = /^(\d+)\s*([smhdwMy])$/.exec(tsText.trim());
  if (!tm) throw invalid(`timespan '${tsText}' must be a number and a unit: s, m, h or d (e.g. 90m)`, tsEntry.keyLine);
  const timespanMs = Number(tm[1]) * UNIT_MS[tm[2]!]!;
  if (timespanMs <= 0) throw invalid('the timespan must be longer than zero', tsEntry.keyLine);

  const aliases = new Map<string, Map<string, string>>();
  const al = entry(m, 'aliases');
  if (al) {
    for (const a of mapOf(al.value, 'aliases').entries) {
      const per = new Map<string, string>();
      for (const r of mapOf(a.value, `alias '${a.key}'`).entries) {
        const f = scalarText(r.value);
        if (f === undefined) throw invalid(`alias '${a.key}' must map rule names to field names`, r.keyLine);
        per.set(r.key, f);
      }
      aliases.set(a.key, per);
    }
  }

  const condition: { op: CompareOp; value: number }[] = [];
  let field: string[] = [];
  const ce = entry(m, 'condition');
  if (ce) {
    for (const c of mapOf(ce.value, 'condition').entries) {
      if (c.key === 'field') {
        field = c.value.kind === 'seq' ? stringList(c.value, 'field') : [scalarText(c.value) ?? ''];
        if (field.some((f) => !f)) throw invalid("the condition's 'field' must name a field", c.keyLine);
        continue;
      }
      if (!COMPARE_OPS.includes(c.key as CompareOp)) {
        throw invalid(`'${c.key}' is not a correlation condition (use gt, gte, lt, lte, eq, neq and field)`, c.keyLine);
      }
      const n = c.value.kind === 'scalar' && typeof c.value.value === 'number' ? c.value.value : NaN;
      if (!Number.isFinite(n)) throw invalid(`the correlation condition '${c.key}' needs a number`, c.keyLine);
      condition.push({ op: c.key as CompareOp, value: n });
    }
  }
  if (!condition.length && !t.startsWith('temporal')) throw invalid(`a ${t} correlation needs a condition (e.g. gte: 10)`, ce?.keyLine ?? m.line);
  if (NEEDS_FIELD.has(t) && !field.length) throw invalid(`a ${t} correlation needs 'field' in its condition`, ce?.keyLine ?? m.line);
  if (t === 'value_percentile' && field.length > 1) throw invalid('value_percentile takes one field', ce?.keyLine ?? m.line);
  for (const g of groupBy) {
    if (!g) throw invalid("'group-by' has an empty field name", gb!.keyLine);
  }
  const gen = entry(m, 'generate') ?? entry(root, 'generate');
  let generate = false;
  if (gen) {
    if (gen.value.kind !== 'scalar' || typeof gen.value.value !== 'boolean') throw invalid("'generate' must be true or false", gen.keyLine);
    generate = gen.value.value;
  }
  return { type: t, rules, groupBy, timespanMs, timespanText: tsText.trim(), aliases, condition, field, generate };
}

// ---- small readers ----

function mapOf(v: YValue, what: string): YMap {
  if (v.kind !== 'map') throw invalid(`'${what}' must be a map`, v.line);
  return v;
}

function optString(m: YMap, key: string): string | undefined {
  const e = entry(m, key);
  if (!e || (e.value.kind === 'scalar' && e.value.value === null)) return undefined;
  const t = scalarText(e.value);
  if (t === undefined) throw invalid(`'${key}' must be a plain value`, e.keyLine);
  return t;
}

function optList(m: YMap, key: string): string[] {
  const e = entry(m, key);
  if (!e || (e.value.kind === 'scalar' && e.value.value === null)) return [];
  return stringList(e.value, key);
}

function stringList(v: YValue, key: string): string[] {
  if (v.kind === 'scalar') {
    const t = scalarText(v);
    return t === undefined ? [] : [t];
  }
  if (v.kind === 'map') throw invalid(`'${key}' must be a list`, v.line);
  return v.items.map((i) => {
    const t = scalarText(i);
    if (t === undefined) throw invalid(`'${key}' must be a list of plain values`, i.line);
    return t;
  });
}
