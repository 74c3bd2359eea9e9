/**
 * The case store's logical schema, shared by every backend (DuckDB now, ClickHouse later): table and column names,
 * logical types, and how a Finding or an event becomes a row. Backends map the logical types to their own
 * (`json` is DuckDB's JSON, ClickHouse's String; `timestamp` is microseconds UTC) and own their DDL and migrations;
 * a test checks that each backend's migrated tables match these columns, so the two cannot drift apart.
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import type { Finding } from '../findings/finding.js';
import { levelRank } from '../findings/level.js';
import { isoToMicros, roundTrips } from './time.js';

/** The schema version this hardnut writes; each backend has migrations from 1 up to it. */
export const SCHEMA_VERSION = 3;

export type LogicalType = 'uuid' | 'text' | 'int8' | 'int32' | 'int64' | 'float64' | 'bool' | 'timestamp' | 'json' | 'text[]';

/** A column value as backends receive it: timestamps as microseconds since the epoch, JSON as its text. */
export type CellValue = string | number | bigint | boolean | null | readonly string[];

export interface Column<T> {
  name: string;
  type: LogicalType;
  doc: string;
  get: (row: T) => CellValue;
}

/** Fields of the Finding that have their own column; anything else a later Finding carries goes to `extra`. */
const FINDING_FIELDS = new Set([
  'kind', 'time', 'host', 'source', 'level', 'rule', 'attack', 'tactics', 'summary', 'evidence', 'origin',
  'record', 'channel', 'event_id', 'path', 'sha256', 'size', 'mtime', 'score', 'matches', 'count',
]);
const RULE_FIELDS = new Set(['id', 'title', 'level', 'status', 'author', 'description', 'references', 'tags']);

const opt = <V>(v: V | undefined): V | null => (v === undefined ? null : v);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A copy with every string (keys too) made well-formed: lone surrogates become U+FFFD, as UTF-8 text columns do. */
function wellFormed(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(v)) return v.map(wellFormed);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k.replace(LONE_SURROGATE, '\ufffd')] = wellFormed(x);
    return out;
  }
  return v;
}

/**
 * JSON text for a JSON column. JSON.stringify writes a lone surrogate as a `\ud800` escape, which is valid JSON
 * grammar but not Unicode, and DuckDB's JSON functions reject the whole value; such values are made well-formed first
 * (checked on the output, so the common case costs one regex test).
 */
function json(v: unknown): string | null {
  if (v === undefined) return null;
  const text = JSON.stringify(v);
  return /\\ud[89a-f]/i.test(text) ? JSON.stringify(wellFormed(v)) : text;
}
const int = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : Math.trunc(v));

/** Time text that does not survive the trip through a microsecond timestamp is kept verbatim in `extra`. */
function timeExact(t: string | null | undefined): boolean {
  return t === null || t === undefined || roundTrips(t);
}

/** Fields with no column of their own (added to the Finding after this schema), kept so nothing is lost. */
export function findingExtra(f: Finding): string | null {
  type Bag = Record<string, unknown>;
  let extra: Bag | undefined;
  const sub = (name: string): Bag => ((extra ??= {})[name] ??= {}) as Bag;
  // for…in rather than Object.entries: this runs for every finding, and almost always finds nothing.
  for (const k in f) if (!FINDING_FIELDS.has(k)) (extra ??= {})[k] = (f as unknown as Bag)[k];
  for (const k in f.rule) if (!RULE_FIELDS.has(k)) sub('rule')[k] = (f.rule as unknown as Bag)[k];
  for (const k in f.origin) if (k !== 'engine' && k !== 'command' && k !== 'version') sub('origin')[k] = (f.origin as unknown as Bag)[k];
  if (!timeExact(f.time)) (extra ??= {})['time'] = f.time;
  if (!timeExact(f.mtime)) (extra ??= {})['mtime'] = f.mtime;
  return extra ? JSON.stringify(extra) : null;
}

/** The columns of `findings` after `run_id` and `seq`, in table order. */
export const FINDING_COLUMNS: readonly Column<Finding>[] = [
  { name: 'kind', type: 'text', doc: 'sigma, correlation, yara, heuristic, ioc, check, device, exposure, programme', get: (f) => f.kind },
  { name: 'time', type: 'timestamp', doc: 'when it happened (UTC)', get: (f) => (f.time === null ? null : isoToMicros(f.time)) },
  { name: 'host', type: 'text', doc: 'the computer the evidence came from', get: (f) => f.host },
  { name: 'source', type: 'text', doc: 'the evidence file', get: (f) => f.source },
  { name: 'level', type: 'text', doc: 'informational, low, medium, high, critical', get: (f) => f.level },
  { name: 'level_rank', type: 'int8', doc: '0 (informational) … 4 (critical), for sorting', get: (f) => levelRank(f.level) },
  { name: 'rule_id', type: 'text', doc: 'the rule or check id', get: (f) => f.rule.id },
  { name: 'rule_title', type: 'text', doc: '', get: (f) => f.rule.title },
  { name: 'rule_level', type: 'text', doc: "the rule's own level", get: (f) => f.rule.level },
  { name: 'rule_status', type: 'text', doc: '', get: (f) => f.rule.status },
  { name: 'rule_author', type: 'text', doc: 'credited in every alert (DRL 1.1)', get: (f) => f.rule.author },
  { name: 'rule_description', type: 'text', doc: '', get: (f) => opt(f.rule.description) },
  { name: 'rule_references', type: 'json', doc: 'list of URLs', get: (f) => json(f.rule.references) },
  { name: 'rule_tags', type: 'json', doc: 'list of tags (attack.t1505.003, cve.2021-26855…)', get: (f) => json(f.rule.tags) },
  { name: 'attack', type: 'json', doc: 'list of ATT&CK technique ids', get: (f) => json(f.attack) },
  { name: 'tactics', type: 'json', doc: 'list of ATT&CK tactic short names', get: (f) => json(f.tactics) },
  { name: 'summary', type: 'text', doc: 'what was seen, in plain words', get: (f) => f.summary },
  { name: 'evidence', type: 'json', doc: 'key fields of the event, or facts about the file', get: (f) => json(f.evidence) },
  { name: 'origin_engine', type: 'text', doc: '', get: (f) => f.origin.engine },
  { name: 'origin_command', type: 'text', doc: '', get: (f) => f.origin.command },
  { name: 'origin_version', type: 'text', doc: '', get: (f) => f.origin.version },
  { name: 'record', type: 'int64', doc: 'event record id, or line number', get: (f) => int(f.record) },
  { name: 'channel', type: 'text', doc: 'event log channel', get: (f) => opt(f.channel) },
  { name: 'event_id', type: 'int32', doc: 'Windows event id', get: (f) => int(f.event_id) },
  { name: 'path', type: 'text', doc: 'the file (sweep)', get: (f) => opt(f.path) },
  { name: 'sha256', type: 'text', doc: '', get: (f) => opt(f.sha256) },
  { name: 'size', type: 'int64', doc: 'bytes', get: (f) => int(f.size) },
  { name: 'mtime', type: 'timestamp', doc: 'file modification time (UTC)', get: (f) => (f.mtime === undefined ? null : isoToMicros(f.mtime)) },
  { name: 'score', type: 'float64', doc: 'Loki-style score', get: (f) => (f.score === undefined || !Number.isFinite(f.score) ? null : f.score) },
  { name: 'matches', type: 'json', doc: 'matched strings: identifier, offset, length, excerpt', get: (f) => json(f.matches) },
  { name: 'count', type: 'int64', doc: 'how many identical findings this one stands for', get: (f) => int(f.count ?? 1) },
  { name: 'extra', type: 'json', doc: 'Finding fields this schema has no column for', get: findingExtra },
];

/** An event kept for investigation (`hunt --store-events`). */
export interface StoredEvent {
  source: string;
  event: EventRecord;
}

function fieldsJson(e: EventRecord): string {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of e.entries()) if (v !== undefined) out[k] = v;
  return JSON.stringify(out);
}

/** The columns of `events` after `run_id` and `seq`. */
export const EVENT_COLUMNS: readonly Column<StoredEvent>[] = [
  { name: 'source', type: 'text', doc: 'the evidence file', get: (s) => s.source },
  { name: 'record', type: 'int64', doc: 'event record id, or line number', get: (s) => int(s.event.recordId) },
  { name: 'time', type: 'timestamp', doc: 'UTC', get: (s) => (s.event.time === undefined ? null : isoToMicros(s.event.time)) },
  { name: 'host', type: 'text', doc: '', get: (s) => opt(s.event.host) },
  { name: 'channel', type: 'text', doc: '', get: (s) => opt(s.event.channel) },
  { name: 'event_id', type: 'int32', doc: '', get: (s) => int(s.event.eventId) },
  { name: 'provider', type: 'text', doc: '', get: (s) => opt(s.event.provider) },
  { name: 'fields', type: 'json', doc: 'every field of the flat view, as an object', get: (s) => fieldsJson(s.event) },
];

/** A line of a run's input log: a file read, or an input skipped (or a rule not loaded) and why. */
export interface RunInput {
  path: string | null;
  status: 'read' | 'skipped' | 'warning';
  code: string | null;
  message: string | null;
  bytes: number | null;
  events: number | null;
}

export const INPUT_COLUMNS: readonly Column<RunInput>[] = [
  { name: 'path', type: 'text', doc: 'the input (file, rule file), when there is one', get: (r) => r.path },
  { name: 'status', type: 'text', doc: 'read, skipped, or warning', get: (r) => r.status },
  { name: 'code', type: 'text', doc: 'the error code of a skip or warning (INPUT_FORMAT…)', get: (r) => r.code },
  { name: 'message', type: 'text', doc: 'what was wrong', get: (r) => r.message },
  { name: 'bytes', type: 'int64', doc: '', get: (r) => r.bytes },
  { name: 'events', type: 'int64', doc: '', get: (r) => r.events },
];

/** Every table and its columns as they stand at SCHEMA_VERSION (the leading run_id/seq included), for checks and docs. */
export const TABLES: Record<string, readonly { name: string; type: LogicalType }[]> = {
  case_meta: [
    { name: 'key', type: 'text' },
    { name: 'value', type: 'text' },
  ],
  schema_version: [
    { name: 'version', type: 'int32' },
    { name: 'description', type: 'text' },
    { name: 'applied_at', type: 'timestamp' },
    { name: 'hardnut_version', type: 'text' },
  ],
  runs: [
    { name: 'id', type: 'uuid' },
    { name: 'command', type: 'text' },
    { name: 'arguments', type: 'text[]' },
    { name: 'hardnut_version', type: 'text' },
    { name: 'machine', type: 'text' },
    { name: 'started_at', type: 'timestamp' },
    { name: 'ended_at', type: 'timestamp' },
    { name: 'completed', type: 'bool' },
    { name: 'error', type: 'text' },
    { name: 'files_read', type: 'int64' },
    { name: 'bytes_read', type: 'int64' },
    { name: 'events_read', type: 'int64' },
    { name: 'inputs_skipped', type: 'int64' },
    { name: 'skipped', type: 'json' },
    { name: 'rules_loaded', type: 'int64' },
    { name: 'rules_failed', type: 'int64' },
    { name: 'findings', type: 'int64' },
    { name: 'events_stored', type: 'int64' },
  ],
  findings: [{ name: 'run_id', type: 'uuid' }, { name: 'seq', type: 'int64' }, ...FINDING_COLUMNS],
  hosts: [
    { name: 'name', type: 'text' },
    { name: 'first_seen', type: 'timestamp' },
    { name: 'last_seen', type: 'timestamp' },
    { name: 'findings', type: 'int64' },
    { name: 'max_level_rank', type: 'int8' },
    { name: 'crown_jewel', type: 'bool' },
    { name: 'role', type: 'text' },
    { name: 'notes', type: 'text' },
  ],
  events: [{ name: 'run_id', type: 'uuid' }, { name: 'seq', type: 'int64' }, ...EVENT_COLUMNS],
  run_inputs: [{ name: 'run_id', type: 'uuid' }, { name: 'seq', type: 'int64' }, ...INPUT_COLUMNS],
};
