/**
 * An event over a parsed JSON document: a flat view built once (the names rules use) and the document itself for
 * dotted paths (`winlog.event_data.CommandLine`, `process.command_line`), which also resolve keys that contain dots
 * themselves (`{"winlog.event_id": 4688}`, as some shippers flatten documents).
 */
import type { EventRecord, FieldValue, LogsourceHint } from '../events/event.js';
import type { EventMetadata } from '../events/evtx-json.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON value as a field value: scalars as they are, arrays of scalars as arrays, objects not at all. */
export function jsonField(v: Json | undefined): FieldValue {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out: FieldValue[] = [];
    for (const x of v) if (x === null || typeof x !== 'object') out.push(x);
    return out.length === v.length ? out : undefined;
  }
  return undefined;
}

/** The value at a dotted path, trying longer keys first so `a.b` finds `{"a.b":…}` as well as `{"a":{"b":…}}`. */
export function atPath(obj: Json | undefined, parts: readonly string[], from = 0): Json | undefined {
  if (from === parts.length) return obj;
  if (!isObject(obj)) return undefined;
  for (let j = parts.length; j > from; j--) {
    const key = j === from + 1 ? parts[from]! : parts.slice(from, j).join('.');
    if (key in obj) {
      const v = atPath(obj[key], parts, j);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** An event's metadata (as an EVTX record's), plus the logsource a document's own fields name. */
export interface DocMeta extends EventMetadata {
  logsource: LogsourceHint | undefined;
}

export class JsonDocEvent implements EventRecord {
  readonly channel: string | undefined;
  readonly eventId: number | undefined;
  readonly provider: string | undefined;
  readonly host: string | undefined;
  readonly time: string | undefined;
  readonly recordId: number | undefined;
  readonly logsource: LogsourceHint | undefined;

  constructor(
    private readonly flat: ReadonlyMap<string, FieldValue>,
    private readonly doc: JsonObject,
    meta: DocMeta,
  ) {
    this.channel = meta.channel;
    this.eventId = meta.eventId;
    this.provider = meta.provider;
    this.host = meta.host;
    this.time = meta.time;
    this.recordId = meta.recordId;
    this.logsource = meta.logsource;
  }

  get(field: string): FieldValue {
    const v = this.flat.get(field);
    if (v !== undefined) return v;
    if (field.indexOf('.') < 0) return jsonField(this.doc[field]);
    return jsonField(atPath(this.doc, field.split('.')));
  }

  entries(): Iterable<readonly [string, FieldValue]> {
    return this.flat.entries();
  }
}

/** Every scalar leaf of a document by its dotted path (arrays of scalars whole), at most `max` of them. */
export function flattenLeaves(doc: JsonObject, max = 2000): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  const walk = (v: Json, path: string, depth: number) => {
    if (out.size >= max) return;
    if (isObject(v)) {
      if (depth >= 32) return;
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, depth + 1);
    } else if (Array.isArray(v)) {
      const f = jsonField(v);
      if (f !== undefined) out.set(path, f);
      else if (depth < 32) v.forEach((x) => isObject(x) && walk(x, path, depth + 1));
    } else if (!out.has(path)) out.set(path, v);
  };
  walk(doc, '', 0);
  return out;
}
