/**
 * One parsed JSON document → its event, by shape:
 *
 * 1. an Elasticsearch hit (`{_index, _source: {…}}`) is unwrapped to its `_source`;
 * 2. `{"Event": {"System": …}}`: evtx_dump's shape (JSON and JSONL), and the same shape written by collectors that
 *    convert event XML to JSON with other conventions for attributes (`@Name`, `_attributes`, `$`) and named data
 *    (`"Data": [{"@Name": "Image", "#text": "…"}]`), normalised to evtx_dump's first;
 * 3. Winlogbeat / Elastic Agent documents (ecs.ts);
 * 4. a document whose `message` holds event XML (syslog shipped as JSON: Sysmon for Linux);
 * 5. anything else: every leaf by its dotted path, no logsource hint.
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import { EvtxJsonEvent } from '../events/evtx-json.js';
import { fromWinlogDocument, isWinlogDocument } from './ecs.js';
import { eventFromXml } from './event-xml.js';
import { atPath, flattenLeaves, isObject, JsonDocEvent, type Json, type JsonObject } from './json-doc.js';
import { isoFromAny } from './time.js';
import { placeWindowsEvent } from './windows-event.js';

export interface JsonContext {
  /** The record id to use when the document has none: its line (or starting line) in the file. */
  recordId: number;
  defaultHost?: string | undefined;
}

const ATTR_KEYS = ['#attributes', '_attributes', '$', '@attributes'];
const TEXT_KEYS = ['#text', '_text', '_', '$t', '#value', 'text', 'value', 'Value'];

/** `{"@Name": "x", "#text": "v"}` / `{"_attributes": {...}, "_text": …}` → evtx_dump's `#attributes`/`#text`. */
function normaliseNode(v: Json): Json {
  if (!isObject(v)) return v;
  let attrs: JsonObject | undefined;
  let text: Json | undefined;
  let changed = false;
  const rest: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.charCodeAt(0) === 64 /* @ */ && k !== '@attributes') {
      (attrs ??= {})[k.slice(1)] = x;
      changed = true;
    } else if (ATTR_KEYS.includes(k) && isObject(x)) {
      attrs = { ...(attrs ?? {}), ...x };
      if (k !== '#attributes') changed = true;
    } else if (k !== '#text' && TEXT_KEYS.slice(1, 5).includes(k)) {
      text = x;
      changed = true;
    } else rest[k] = x;
  }
  if (!changed) return v;
  const out: JsonObject = { ...rest };
  if (attrs) out['#attributes'] = attrs;
  if (text !== undefined) out['#text'] = text;
  return out;
}

/** Named data as an array of elements → `{Name: value}`, the way evtx_dump writes EventData. */
function normaliseEventData(data: Json): Json {
  if (!isObject(data)) return data;
  const list = data['Data'];
  if (!Array.isArray(list) || !list.every(isObject)) return data;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(data)) if (k !== 'Data') out[k] = v;
  const unnamed: Json[] = [];
  for (const item of list as JsonObject[]) {
    const n = normaliseNode(item) as JsonObject;
    const attrs = isObject(n['#attributes']) ? n['#attributes'] : n;
    const name = attrs['Name'];
    let text: Json | undefined = n['#text'];
    if (text === undefined) for (const k of TEXT_KEYS) if (k in item && k !== 'Name') text = item[k];
    if (typeof name === 'string') out[name] = text ?? null;
    else unnamed.push(text ?? null);
  }
  if (unnamed.length) out['Data'] = { '#text': unnamed };
  return out;
}

/** evtx_dump's own output (the common case) needs nothing: its Provider has `#attributes`, its data is by name. */
function isEvtxDumpShape(event: JsonObject): boolean {
  const provider = (event['System'] as JsonObject)['Provider'];
  const data = event['EventData'];
  return isObject(provider) && '#attributes' in provider && !(isObject(data) && Array.isArray(data['Data']));
}

function normaliseEvent(doc: JsonObject): JsonObject {
  const event = doc['Event'] as JsonObject;
  if (isEvtxDumpShape(event)) return doc;
  const system = event['System'] as JsonObject;
  const sys: JsonObject = {};
  for (const [k, v] of Object.entries(system)) sys[k] = normaliseNode(v);
  const ev: JsonObject = { ...event, System: sys };
  if ('EventData' in event) ev['EventData'] = normaliseEventData(event['EventData']!);
  return { Event: ev };
}

const TIME_PATHS = [['@timestamp'], ['timestamp'], ['time'], ['ts'], ['datetime'], ['date'], ['TimeCreated'], ['EventTime'], ['eventTime']];
const HOST_PATHS = [['host', 'name'], ['host', 'hostname'], ['hostname'], ['host'], ['computer_name'], ['Computer'], ['ComputerName'], ['agent', 'hostname']];

function firstString(doc: JsonObject, paths: string[][]): string | undefined {
  for (const p of paths) {
    const v = atPath(doc, p);
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function firstTime(doc: JsonObject): string | undefined {
  for (const p of TIME_PATHS) {
    const t = isoFromAny(atPath(doc, p));
    if (t) return t;
  }
  return undefined;
}

/** The event of a JSON value, or why it is not one. */
export function eventFromJson(value: unknown, ctx: JsonContext): { event?: EventRecord; error?: string } {
  if (!isObject(value)) return { error: `a JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object` };
  let doc: JsonObject = value;
  if (isObject(doc['_source']) && ('_index' in doc || '_id' in doc)) doc = doc['_source'];

  const ev = doc['Event'];
  if (isObject(ev) && isObject(ev['System'])) {
    const e = new EvtxJsonEvent(normaliseEvent(doc) as never);
    return { event: placeWindowsEvent(e, ctx.defaultHost) };
  }
  if (isWinlogDocument(doc)) return { event: fromWinlogDocument(doc, ctx.recordId, ctx.defaultHost) };

  const message = doc['message'];
  if (typeof message === 'string' && message.includes('<Event')) {
    const start = message.indexOf('<Event');
    const x = eventFromXml(message.slice(start), ctx.defaultHost);
    if (x.event) return { event: x.event };
  }

  const flat = flattenLeaves(doc);
  const eid = flat.get('EventID');
  const channel: FieldValue = flat.get('Channel');
  return {
    event: new JsonDocEvent(flat, doc, {
      channel: typeof channel === 'string' ? channel : undefined,
      eventId: typeof eid === 'number' ? eid : typeof eid === 'string' && /^\d+$/.test(eid) ? Number(eid) : undefined,
      provider: undefined,
      host: firstString(doc, HOST_PATHS) ?? ctx.defaultHost,
      time: firstTime(doc),
      recordId: ctx.recordId,
      logsource: undefined,
    }),
  };
}
