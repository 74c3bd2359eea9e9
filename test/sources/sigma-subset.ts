/**
 * Test-only: just enough of Sigma to check that the built-in Exchange and web rules and the readers agree on field
 * names, values and logsource hints (the real engine lives in src/sigma). Supports field maps and lists of maps,
 * the modifiers contains/startswith/endswith/all/re, plain keyword lists with wildcards, and conditions built of
 * and/or/not, parentheses, `1 of x*` and `all of x*`. Anything else throws, so a test cannot pass by ignoring it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EventRecord, FieldValue, LogsourceHint } from '../../src/events/event.js';

export interface SubsetRule {
  title: string;
  logsource: LogsourceHint;
  matches(e: EventRecord): boolean;
  /** Field names the detection reads. */
  fields: string[];
}

type Matcher = (e: EventRecord) => boolean;

const text = (v: FieldValue): string[] =>
  v === undefined ? [] : v === null ? [''] : Array.isArray(v) ? v.flatMap(text) : [String(v)];

function wildcard(pattern: string): RegExp {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'is');
}

function valueMatcher(field: string, mods: string[], values: unknown[], all: boolean): Matcher {
  const tests = values.map((raw) => {
    if (raw === null) return (v: FieldValue) => v === undefined || v === null || v === '';
    const want = String(raw);
    const lower = want.toLowerCase();
    if (mods.includes('re')) {
      const re = new RegExp(want);
      return (v: FieldValue) => text(v).some((s) => re.test(s));
    }
    for (const m of mods) if (!['contains', 'startswith', 'endswith', 'all', 're'].includes(m)) throw new Error(`modifier ${m} not in the test subset`);
    const op = mods.includes('contains') ? 'c' : mods.includes('startswith') ? 's' : mods.includes('endswith') ? 'e' : 'eq';
    return (v: FieldValue) =>
      text(v).some((s) => {
        const l = s.toLowerCase();
        if (op === 'c') return l.includes(lower);
        if (op === 's') return l.startsWith(lower);
        if (op === 'e') return l.endsWith(lower);
        return want.includes('*') || want.includes('?') ? wildcard(want).test(s) : l === lower;
      });
  });
  return (e) => {
    const v = e.get(field);
    return all ? tests.every((t) => t(v)) : tests.some((t) => t(v));
  };
}

function mapMatcher(map: Record<string, unknown>, fields: string[]): Matcher {
  const parts = Object.entries(map).map(([key, value]) => {
    const [field, ...mods] = key.split('|');
    fields.push(field!);
    const values = Array.isArray(value) ? value : [value];
    return valueMatcher(field!, mods, values, mods.includes('all'));
  });
  return (e) => parts.every((p) => p(e));
}

function keywordMatcher(words: unknown[]): Matcher {
  const res = words.map((w) => wildcard(String(w).includes('*') ? String(w) : `*${String(w)}*`));
  return (e) => {
    for (const [, v] of e.entries()) for (const s of text(v)) if (res.some((r) => r.test(s))) return true;
    return false;
  };
}

function condition(expr: string, ids: Map<string, Matcher>): Matcher {
  const tokens = expr.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const primary = (): Matcher => {
    const t = tokens[i++];
    if (t === '(') {
      const m = or();
      if (tokens[i++] !== ')') throw new Error(`bad condition ${expr}`);
      return m;
    }
    if (t === 'not') {
      const m = primary();
      return (e) => !m(e);
    }
    if (t === '1' || t === 'all') {
      if (tokens[i++] !== 'of') throw new Error(`bad condition ${expr}`);
      const pat = tokens[i++]!;
      const re = wildcard(pat === 'them' ? '*' : pat);
      const ms = [...ids].filter(([k]) => re.test(k)).map(([, m]) => m);
      return t === '1' ? (e) => ms.some((m) => m(e)) : (e) => ms.every((m) => m(e));
    }
    const m = ids.get(t!);
    if (!m) throw new Error(`unknown identifier ${t} in ${expr}`);
    return m;
  };
  const and = (): Matcher => {
    let m = primary();
    while (peek() === 'and') {
      i++;
      const a = m,
        b = primary();
      m = (e) => a(e) && b(e);
    }
    return m;
  };
  const or = (): Matcher => {
    let m = and();
    while (peek() === 'or') {
      i++;
      const a = m,
        b = and();
      m = (e) => a(e) || b(e);
    }
    return m;
  };
  return or();
}

export function loadSubsetRule(path: string): SubsetRule {
  const doc = parse(readFileSync(path, 'utf8')) as { title: string; logsource: LogsourceHint; detection: Record<string, unknown> };
  const fields: string[] = [];
  const ids = new Map<string, Matcher>();
  for (const [id, body] of Object.entries(doc.detection)) {
    if (id === 'condition') continue;
    if (Array.isArray(body) && body.every((b) => typeof b === 'string' || typeof b === 'number')) ids.set(id, keywordMatcher(body));
    else if (Array.isArray(body)) {
      const ms = body.map((b) => mapMatcher(b as Record<string, unknown>, fields));
      ids.set(id, (e) => ms.some((m) => m(e)));
    } else ids.set(id, mapMatcher(body as Record<string, unknown>, fields));
  }
  const cond = condition(String(doc.detection['condition']), ids);
  const ls = doc.logsource;
  const placed = (e: EventRecord) => {
    const h = e.logsource;
    if (!h) return false;
    return (['product', 'category', 'service'] as const).every((k) => ls[k] === undefined || ls[k] === h[k]);
  };
  return { title: doc.title, logsource: ls, fields: [...new Set(fields)], matches: (e) => placed(e) && cond(e) };
}
