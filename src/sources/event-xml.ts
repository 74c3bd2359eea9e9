/**
 * Windows event XML (the schema http://schemas.microsoft.com/win/2004/08/events/event): `wevtutil qe /f:xml` and
 * `/f:RenderedXml` (one `<Event>` after another, no root), Event Viewer's "Save as XML" (`<Events>` root),
 * `Get-WinEvent | % ToXml`, and Sysmon for Linux, which writes the same XML into syslog lines.
 *
 * Each `<Event>` is turned into the JSON shape of evtx_dump and read by `EvtxJsonEvent`, so an event has exactly
 * the same flat fields whichever way it was exported: `System` children and attributes (`EventID`, `Channel`,
 * `Computer`, `Provider_Name`, `TimeCreated_SystemTime`…), named `Data` by name, unnamed `Data` as `Data`,
 * `UserData` leaves by name, and from RenderingInfo the `Message` (and any other name EventData does not have).
 * Numbers in `System` become numbers as in evtx_dump; `EventData` values stay text (XML cannot say their type).
 */
import type { EventRecord } from '../events/event.js';
import { EvtxJsonEvent } from '../events/evtx-json.js';
import { placeWindowsEvent } from './windows-event.js';
import { parseXml, type XmlElement } from './xml.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The `System` children evtx_dump renders as numbers. */
const NUMERIC = new Set(['EventID', 'Version', 'Level', 'Task', 'Opcode', 'EventRecordID']);
const NUMERIC_ATTRS = new Set(['ProcessID', 'ThreadID']);

const asNumber = (s: string): Json => (/^\d{1,15}$/.test(s) ? Number(s) : s);

function attrsJson(el: XmlElement, numeric: boolean): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(el.attrs)) out[k] = numeric && NUMERIC_ATTRS.has(k) ? asNumber(v) : v;
  return out;
}

/** evtx_dump's rendering of a `System` child. */
function systemChild(el: XmlElement): Json {
  const hasAttrs = Object.keys(el.attrs).length > 0;
  const text = el.text.trim();
  const value: Json = NUMERIC.has(el.name) ? asNumber(text) : text;
  if (!hasAttrs) return el.children.length === 0 && text === '' ? null : value;
  const o: { [k: string]: Json } = { '#attributes': attrsJson(el, true) };
  if (text !== '') o['#text'] = value;
  return o;
}

/** Any other element, generically: attributes, text, children by name (repeated names as arrays). */
function genericJson(el: XmlElement): Json {
  const hasAttrs = Object.keys(el.attrs).length > 0;
  if (el.children.length === 0 && !hasAttrs) return el.text;
  const o: { [k: string]: Json } = {};
  if (hasAttrs) o['#attributes'] = attrsJson(el, false);
  for (const c of el.children) {
    const v = genericJson(c);
    const prev = o[c.name];
    if (prev === undefined) o[c.name] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else o[c.name] = [prev, v];
  }
  if (el.children.length === 0 && el.text !== '') o['#text'] = el.text;
  return o;
}

function eventDataJson(el: XmlElement): Json {
  const o: { [k: string]: Json } = {};
  const unnamed: string[] = [];
  for (const c of el.children) {
    if (c.name === 'Data') {
      const name = c.attrs['Name'];
      if (name !== undefined) o[name] = c.text;
      else unnamed.push(c.text);
    } else o[c.name] = genericJson(c);
  }
  if (unnamed.length) o['Data'] = { '#text': unnamed.length === 1 ? unnamed[0]! : unnamed };
  return o;
}

/** An `<Event>` element → the evtx_dump JSON document of the same event. */
export function eventElementToJson(ev: XmlElement): { Event: { [k: string]: Json } } {
  const event: { [k: string]: Json } = {};
  if (Object.keys(ev.attrs).length) event['#attributes'] = attrsJson(ev, false);
  for (const part of ev.children) {
    if (part.name === 'System') {
      const system: { [k: string]: Json } = {};
      for (const c of part.children) system[c.name] = systemChild(c);
      event['System'] = system;
    } else if (part.name === 'EventData') event['EventData'] = eventDataJson(part);
    else event[part.name] = genericJson(part);
  }
  return { Event: event };
}

/** One `<Event>…</Event>` text → its event, or an error message. */
export function eventFromXml(xml: string, defaultHost?: string): { event?: EventRecord; error?: string } {
  const { root, error } = parseXml(xml);
  if (!root || root.name !== 'Event') return { error: error ?? 'not an <Event> element' };
  if (!root.children.some((c) => c.name === 'System')) return { error: error ?? '<Event> without <System>' };
  const e = new EvtxJsonEvent(eventElementToJson(root) as never);
  return { event: placeWindowsEvent(e, defaultHost), ...(error ? { error } : {}) };
}

/**
 * Finds each `<Event …>…</Event>` in a stream of text chunks, wherever it is (under `<Events>`, one per line, inside
 * a syslog line), holding at most one event's text. An event longer than `maxChars` is skipped with a report.
 */
export class EventXmlSplitter {
  private buf = '';
  private inside = false;
  private skipping = false;
  private line = 1;
  private startLine = 1;

  constructor(
    private readonly maxChars: number,
    private readonly onEvent: (xml: string, line: number) => void,
    private readonly onTooLarge: (line: number) => void,
  ) {}

  push(chunk: string): void {
    this.buf += chunk;
    while (true) {
      if (!this.inside) {
        const at = findStart(this.buf);
        if (at < 0) {
          // Keep a tail long enough to hold a start tag cut by the chunk boundary.
          const keep = Math.min(this.buf.length, 6);
          this.advanceLines(this.buf.length - keep);
          this.buf = this.buf.slice(this.buf.length - keep);
          return;
        }
        this.advanceLines(at);
        this.buf = this.buf.slice(at);
        this.inside = true;
        this.startLine = this.line;
      }
      const end = this.buf.indexOf('</Event>', this.skipping ? 0 : 1);
      if (end < 0) {
        if (this.buf.length > this.maxChars) {
          if (!this.skipping) this.onTooLarge(this.startLine);
          this.skipping = true;
          const keep = 7;
          this.advanceLines(this.buf.length - keep);
          this.buf = this.buf.slice(this.buf.length - keep);
        }
        return;
      }
      const stop = end + 8;
      if (!this.skipping) this.onEvent(this.buf.slice(0, stop), this.startLine);
      this.skipping = false;
      this.inside = false;
      this.advanceLines(stop);
      this.buf = this.buf.slice(stop);
    }
  }

  end(): { truncated: boolean; line: number } {
    const truncated = this.inside && !this.skipping;
    return { truncated, line: this.startLine };
  }

  /** Count the line breaks in the first `upto` characters of `buf`, which are about to be dropped (so once each). */
  private advanceLines(upto: number): void {
    const b = this.buf;
    let from = 0;
    while (true) {
      const nl = b.indexOf('\n', from);
      if (nl < 0 || nl >= upto) break;
      this.line++;
      from = nl + 1;
    }
  }
}

/** Index of the next `<Event` start tag (not `<Events>` nor `<EventData>`), or -1. */
function findStart(s: string): number {
  let from = 0;
  while (true) {
    const i = s.indexOf('<Event', from);
    if (i < 0) return -1;
    const c = s.charCodeAt(i + 6);
    if (c === 62 /* > */ || c === 32 || c === 9 || c === 10 || c === 13 || c === 47) return i;
    if (Number.isNaN(c)) return -1; // cut at the chunk boundary: wait for more text
    from = i + 6;
  }
}
