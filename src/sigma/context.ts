/**
 * Per-event field access for matchers. Every field a rule set reads has a slot; a slot's value, its text and its
 * lower-cased text are computed at most once per event (a generation stamp marks what is current, so nothing is
 * cleared or allocated between events), however many rules read the field.
 */
import type { EventRecord, FieldValue } from '../events/event.js';

/** How a slot reads its value from an event (a plain field, or a mapping's conversion). */
export type FieldReader = (ev: EventRecord, c?: MatchContext) => FieldValue;

/**
 * A field by the rule's name. The rules specification names event fields "as they appear in the log source" with
 * spaces stripped (`Threat Name` is `ThreatName`), so a name the event lacks is also looked for among its field
 * names with spaces (once per event in a MatchContext).
 */
export function getField(ev: EventRecord, field: string, c?: MatchContext): FieldValue {
  const v = ev.get(field);
  if (v !== undefined) return v;
  if (c) return c.spaced(field);
  for (const [k, x] of ev.entries()) if (k.includes(' ') && k.replace(/ /g, '') === field) return x;
  return undefined;
}

/** A slot's text: a string, an array of strings for a list value, or undefined when the field is absent. */
export type Text = string | string[] | undefined;

export class SlotTable {
  private readonly byKey = new Map<string, number>();
  readonly readers: FieldReader[] = [];
  /** The event field each slot reads (for evidence), or the conversion's description. */
  readonly names: string[] = [];

  /** The slot for `key`, created with `reader` the first time. */
  slot(key: string, name: string, reader: FieldReader): number {
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = this.readers.length;
      this.byKey.set(key, s);
      this.readers.push(reader);
      this.names.push(name);
    }
    return s;
  }

  /** The slot of a plain field, if one exists. */
  find(key: string): number | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.readers.length;
  }
}

/** A value as Sigma compares it: text (numbers and booleans as written, null as empty). */
export function textOf(v: FieldValue): Text {
  if (v === undefined) return undefined;
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const out: string[] = [];
  flattenText(v, out, 0);
  return out;
}

function flattenText(v: readonly FieldValue[], out: string[], depth: number): void {
  for (const x of v) {
    if (x === undefined) continue;
    if (Array.isArray(x)) {
      if (depth < 4) flattenText(x as readonly FieldValue[], out, depth + 1);
    } else out.push(x === null ? '' : String(x));
  }
}

export class MatchContext {
  ev!: EventRecord;
  private gen = 0;
  private readonly vStamp: Uint32Array;
  private readonly tStamp: Uint32Array;
  private readonly lStamp: Uint32Array;
  private readonly values: FieldValue[];
  private readonly texts: Text[];
  private readonly lowers: Text[];
  /** The slots read for the current event (each once: V stamps it), cleared at the next begin. */
  private readonly touched: Int32Array;
  private touchedCount = 0;
  private kwGen = 0;
  private spacedGen = 0;
  private spacedNames: Map<string, FieldValue> | undefined;
  private kwRaw: string[] = [];
  private kwLow: string[] = [];
  private kwJoinedGen = 0;
  private kwJoined = '';
  /** Counts runs of compiled matchers when they are built with instrumentation (the differential test). */
  compiledHits = 0;

  /**
   * Per (channel, event id): whether its events have field names with spaces. Events of one id share a template, so
   * the first one tells; the others then skip the scan (which would make a lazy EVTX record decode every field).
   */
  private readonly spacedByKind: Map<string, boolean>;

  constructor(
    private readonly table: SlotTable,
    spacedByKind: Map<string, boolean> = new Map(),
  ) {
    this.spacedByKind = spacedByKind;
    const n = table.size;
    this.vStamp = new Uint32Array(n);
    this.tStamp = new Uint32Array(n);
    this.lStamp = new Uint32Array(n);
    this.values = new Array<FieldValue>(n);
    this.texts = new Array<Text>(n);
    this.lowers = new Array<Text>(n);
    this.touched = new Int32Array(n);
  }

  /** Start a new event; what was cached for the previous one is stale from here on. */
  begin(ev: EventRecord): void {
    this.ev = ev;
    // Drop the previous event's values: a slot read only now and then would otherwise keep its text alive across
    // many events, long enough for the garbage collector to move it (and the like of it, event after event) to the
    // old generation, which then fills with garbage and costs full collections.
    const touched = this.touched;
    for (let i = 0; i < this.touchedCount; i++) {
      const s = touched[i]!;
      this.values[s] = undefined;
      this.texts[s] = undefined;
      this.lowers[s] = undefined;
    }
    this.touchedCount = 0;
    this.kwJoined = '';
    this.kwRaw = [];
    this.kwLow = [];
    this.spacedNames = undefined;
    if (++this.gen === 0xffffffff) {
      this.vStamp.fill(0);
      this.tStamp.fill(0);
      this.lStamp.fill(0);
      this.gen = 1;
    }
  }

  /** The raw value of a slot. */
  V(slot: number): FieldValue {
    if (this.vStamp[slot] !== this.gen) {
      this.vStamp[slot] = this.gen;
      this.touched[this.touchedCount++] = slot;
      this.values[slot] = this.table.readers[slot]!(this.ev, this);
    }
    return this.values[slot];
  }

  /** The value as text, as written. */
  T(slot: number): Text {
    if (this.tStamp[slot] !== this.gen) {
      this.tStamp[slot] = this.gen;
      this.texts[slot] = textOf(this.V(slot));
    }
    return this.texts[slot];
  }

  /** The value as lower-case text, for case-insensitive comparison. */
  L(slot: number): Text {
    if (this.lStamp[slot] !== this.gen) {
      this.lStamp[slot] = this.gen;
      const t = this.T(slot);
      this.lowers[slot] = t === undefined ? undefined : typeof t === 'string' ? t.toLowerCase() : t.map((s) => s.toLowerCase());
    }
    return this.lowers[slot];
  }

  /** The value of the field whose name, spaces stripped, is `field` (see getField). */
  spaced(field: string): FieldValue {
    if (this.spacedGen !== this.gen) {
      this.spacedGen = this.gen;
      this.spacedNames = undefined;
      const ev = this.ev;
      const kind = ev.channel === undefined ? undefined : `${ev.channel}\u0000${ev.eventId ?? ''}`;
      if (kind !== undefined && this.spacedByKind.get(kind) === false) return undefined;
      for (const [k, v] of ev.entries()) {
        if (!k.includes(' ')) continue;
        (this.spacedNames ??= new Map()).set(k.replace(/ /g, ''), v);
      }
      if (kind !== undefined && this.spacedByKind.size < 100_000) this.spacedByKind.set(kind, this.spacedNames !== undefined);
    }
    return this.spacedNames?.get(field);
  }

  /**
   * Every field value, lower-cased, joined by NUL: a keyword `contains` test is one `includes` on it (a keyword
   * without NUL cannot match across the join).
   */
  keywordJoined(): string {
    if (this.kwJoinedGen !== this.gen) {
      this.kwJoinedGen = this.gen;
      // One lower-casing of the joined text instead of one per field (the NUL keeps word ends where they were).
      const raw: string[] = [];
      for (const [, v] of this.ev.entries()) {
        const t = textOf(v);
        if (t === undefined) continue;
        if (typeof t === 'string') raw.push(t);
        else raw.push(...t);
      }
      this.kwJoined = raw.join('\0').toLowerCase();
    }
    return this.kwJoined;
  }

  /** Every field value of the event as text (keyword search), raw or lower-case; computed once per event. */
  keywordTexts(lower: boolean): readonly string[] {
    if (this.kwGen !== this.gen) {
      this.kwGen = this.gen;
      const raw: string[] = [];
      for (const [, v] of this.ev.entries()) {
        const t = textOf(v);
        if (t === undefined) continue;
        if (typeof t === 'string') raw.push(t);
        else raw.push(...t);
      }
      this.kwRaw = raw;
      this.kwLow = raw.map((s) => s.toLowerCase());
    }
    return lower ? this.kwLow : this.kwRaw;
  }
}
