/**
 * Events in the JSON shape of omerbenamram's `evtx_dump` (`{"Event":{"System":…,"EventData":…}}`), the shape
 * Hayabusa, Chainsaw and SigmaHQ's regression data use, exposed through the flat field view of event.ts.
 */
import type { EventRecord, FieldValue } from './event.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{"#text": x, "#attributes": {...}}` → x; scalars as they are. */
function textOf(v: Json | undefined): FieldValue {
  if (isObject(v)) {
    if ('#text' in v) return v['#text'] as FieldValue;
    return undefined;
  }
  return v as FieldValue;
}

export function addSystem(flat: Map<string, FieldValue>, system: JsonObject): void {
  for (const [k, v] of Object.entries(system)) addSystemEntry(flat, k, v);
}

/** One `System` child: its attributes as `Element_Attribute`, its text (or value) under its own name. */
export function addSystemEntry(flat: Map<string, FieldValue>, k: string, v: Json): void {
  if (isObject(v)) {
    const attrs = v['#attributes'];
    if (isObject(attrs)) for (const [a, av] of Object.entries(attrs)) flat.set(`${k}_${a}`, av as FieldValue);
    if ('#text' in v) flat.set(k, v['#text'] as FieldValue);
  } else flat.set(k, v as FieldValue);
}

/** EventData: named values as they are; unnamed `Data` (`{"#text": [...]}`) as `Data`. */
export function addEventData(flat: Map<string, FieldValue>, data: Json): void {
  if (!isObject(data)) {
    if (data !== null) flat.set('EventData', data as FieldValue);
    return;
  }
  for (const [k, v] of Object.entries(data)) {
    if (k === '#attributes') continue;
    if (isObject(v)) {
      const t = textOf(v);
      if (t !== undefined) flat.set(k, t);
      else addLeaves(flat, v);
    } else flat.set(k, v as FieldValue);
  }
}

/**
 * UserData and anything else: every leaf by its own name, the first occurrence winning. For UserData (`own` given),
 * a leaf named like a System field is the event's own data and wins over it, as EventData values do: event 104's
 * `UserData/LogFileCleared/Channel` is the log that was cleared (what rules test), not the System channel. Other
 * parts (RenderingInfo) only add names the event does not have.
 */
export function addLeaves(flat: Map<string, FieldValue>, obj: JsonObject, own?: Set<string>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (k === '#attributes') continue;
    const t = isObject(v) ? textOf(v) : (v as FieldValue);
    if (t === undefined && isObject(v)) {
      addLeaves(flat, v, own);
      continue;
    }
    if (own ? own.has(k) : flat.has(k)) continue;
    own?.add(k);
    flat.set(k, t);
  }
}

export interface EventMetadata {
  channel: string | undefined;
  eventId: number | undefined;
  provider: string | undefined;
  host: string | undefined;
  time: string | undefined;
  recordId: number | undefined;
}

/**
 * Channel, event id, provider, host, time and record id from the `System` object alone: an `EventData` field that
 * happens to be named `Channel` or `Computer` must not pass for the event's own.
 */
export function systemMetadata(system: JsonObject): EventMetadata {
  const f = new Map<string, FieldValue>();
  addSystem(f, system);
  return metadataOf(f);
}

/** The metadata of a flat view holding only the System fields (`addSystem` into an empty map). */
export function metadataOf(f: ReadonlyMap<string, FieldValue>): EventMetadata {
  const str = (k: string) => (typeof f.get(k) === 'string' ? (f.get(k) as string) : undefined);
  const num = (k: string) => {
    const v = f.get(k);
    return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  return {
    channel: str('Channel'),
    eventId: num('EventID'),
    provider: str('Provider_Name'),
    host: str('Computer'),
    time: str('TimeCreated_SystemTime'),
    recordId: num('EventRecordID'),
  };
}

export class EvtxJsonEvent implements EventRecord {
  private readonly flat = new Map<string, FieldValue>();
  readonly channel: string | undefined;
  readonly eventId: number | undefined;
  readonly provider: string | undefined;
  readonly host: string | undefined;
  readonly time: string | undefined;
  readonly recordId: number | undefined;

  constructor(private readonly doc: JsonObject) {
    const event = isObject(doc['Event']) ? doc['Event'] : doc;
    const system = event['System'];
    if (isObject(system)) addSystem(this.flat, system);
    for (const [k, v] of Object.entries(event)) {
      if (k === 'System' || k === '#attributes') continue;
      if (k === 'EventData') addEventData(this.flat, v);
      else if (isObject(v)) addLeaves(this.flat, v, k === 'UserData' ? new Set() : undefined);
    }
    const meta = isObject(system) ? systemMetadata(system) : undefined;
    this.channel = meta?.channel;
    this.eventId = meta?.eventId;
    this.provider = meta?.provider;
    this.host = meta?.host;
    this.time = meta?.time;
    this.recordId = meta?.recordId;
  }

  get(field: string): FieldValue {
    const v = this.flat.get(field);
    if (v !== undefined || !field.includes('.')) return v;
    return pathValue(this.doc, field);
  }

  entries(): Iterable<readonly [string, FieldValue]> {
    return this.flat.entries();
  }
}

/** A dotted path (`Event.System.Channel`) into the document: what `get` answers for a name the flat view lacks. */
export function pathValue(doc: JsonObject, field: string): FieldValue {
  let cur: Json | undefined = doc;
  for (const part of field.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return isObject(cur) ? textOf(cur) : (cur as FieldValue);
}

/** The event of one evtx_dump JSON document, or undefined when the value is not one. */
export function fromEvtxJson(doc: unknown): EvtxJsonEvent | undefined {
  if (!isObject(doc)) return undefined;
  const event = doc['Event'];
  if (!isObject(event) || !isObject(event['System'])) return undefined;
  return new EvtxJsonEvent(doc);
}
