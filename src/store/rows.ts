/**
 * Rows back into Findings. Backends return a row as cells keyed by column name, timestamps as microseconds (bigint)
 * and JSON as text, whatever the engine; this turns them into the Finding of docs/findings.md, restoring what the
 * columns cannot hold exactly from `extra`.
 */
import type { EvidenceValue, Finding, FindingKind, Match } from '../findings/finding.js';
import { parseLevel, type Level } from '../findings/level.js';
import { microsToIso } from './time.js';

export type Cells = Record<string, unknown>;

function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function num(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function parseJson<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined) return fallback;
  if (typeof v !== 'string') return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

function time(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return microsToIso(typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))));
}

function level(v: unknown): Level {
  return parseLevel(String(v ?? '')) ?? 'informational';
}

/** A findings row (the columns of FINDING_COLUMNS, timestamps as microseconds) as a Finding. */
export function findingFromCells(c: Cells): Finding {
  const extra = parseJson<Record<string, unknown>>(c['extra'], {});
  const f: Finding = {
    kind: String(c['kind']) as FindingKind,
    time: time(c['time']),
    host: text(c['host']),
    source: String(c['source'] ?? ''),
    level: level(c['level']),
    rule: {
      id: String(c['rule_id'] ?? ''),
      title: String(c['rule_title'] ?? ''),
      level: level(c['rule_level']),
      status: text(c['rule_status']),
      author: text(c['rule_author']),
      references: parseJson<string[]>(c['rule_references'], []),
      tags: parseJson<string[]>(c['rule_tags'], []),
    },
    attack: parseJson<string[]>(c['attack'], []),
    tactics: parseJson<string[]>(c['tactics'], []),
    summary: String(c['summary'] ?? ''),
    evidence: parseJson<Record<string, EvidenceValue>>(c['evidence'], {}),
    origin: { engine: String(c['origin_engine'] ?? ''), command: String(c['origin_command'] ?? ''), version: String(c['origin_version'] ?? '') },
  };
  const description = text(c['rule_description']);
  if (description !== null) f.rule.description = description;
  const record = num(c['record']);
  if (record !== undefined) f.record = record;
  const channel = text(c['channel']);
  if (channel !== null) f.channel = channel;
  const eventId = num(c['event_id']);
  if (eventId !== undefined) f.event_id = eventId;
  const path = text(c['path']);
  if (path !== null) f.path = path;
  const sha256 = text(c['sha256']);
  if (sha256 !== null) f.sha256 = sha256;
  const size = num(c['size']);
  if (size !== undefined) f.size = size;
  const mtime = time(c['mtime']);
  if (mtime !== null) f.mtime = mtime;
  const score = num(c['score']);
  if (score !== undefined) f.score = score;
  const matches = parseJson<Match[] | null>(c['matches'], null);
  if (matches !== null) f.matches = matches;
  const count = num(c['count']);
  if (count !== undefined && count !== 1) f.count = count;
  // What the columns could not hold exactly (time text with nanoseconds, fields added to the Finding later).
  const { rule: ruleExtra, origin: originExtra, ...rest } = extra as { rule?: object; origin?: object };
  if (ruleExtra) Object.assign(f.rule, ruleExtra);
  if (originExtra) Object.assign(f.origin, originExtra);
  Object.assign(f, rest);
  return f;
}
