/**
 * A record's flat field view (the one `EvtxJsonEvent` gives over evtx_dump's JSON) built straight from the resolved
 * tree: no `{"Event": …}` document in between, System decoded once for both the metadata and the fields, and
 * EventData's named `Data` values put in the view as they are decoded. This is hunt's hot path (every event meets
 * hundreds of candidate rules, so nearly every one needs its fields).
 *
 * Equality with EvtxJsonEvent is by construction: each part is the same Builder's value run through the same
 * `addSystem` / `addEventData` / `addLeaves`, except EventData in its everyday shape (only `Data` children holding
 * text), which is written directly with the outcome those functions would give. Records whose shape could make
 * object key order differ from element order (repeated or numeric-looking child names of `Event`) are left to the
 * caller's document path; test/evtx/event.test.ts compares both on every sample record.
 */
import type { FieldValue } from '../events/event.js';
import { addEventData, addLeaves, addSystem, addSystemEntry } from '../events/evtx-json.js';
import { Builder, type JsonValue } from './json.js';
import { RElement, type RAttr } from './resolve.js';

/** Child names of `Event` whose JSON keys keep element order and cannot collide with `#text`, `#attributes` or a prototype key. */
const PLAIN_NAME = /^[A-Za-z_][\w.-]*$/;
/** JavaScript orders integer-like keys first; a Data name like that is left to the generic path. */
const INDEX_LIKE = /^(?:0|[1-9]\d*)$/;

/**
 * `Element_Attribute` names, made once: every record spells the same dozen (`Provider_Name`, `TimeCreated_SystemTime`),
 * and a map key that is already hashed is cheaper to set and look up than a new string. Bounded against hostile names.
 */
const attrKeys = new Map<string, Map<string, string>>();
let attrKeyCount = 0;
function attrKey(element: string, attr: string): string {
  let byAttr = attrKeys.get(element);
  let key = byAttr?.get(attr);
  if (key !== undefined) return key;
  key = `${element}_${attr}`;
  if (attrKeyCount < 4096) {
    if (!byAttr) attrKeys.set(element, (byAttr = new Map()));
    byAttr.set(attr, key);
    attrKeyCount++;
  }
  return key;
}

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v);

export class FieldBuilder extends Builder {
  /**
   * Whether the record's `Event` element has the shape this builder handles: an element with element children whose
   * names are plain and distinct (so its JSON object lists them in element order, under their own names).
   */
  static handles(root: RElement): boolean {
    if (root.name !== 'Event' || !root.hasElement) return false;
    const names: string[] = [];
    for (const k of root.kids) {
      if (!(k instanceof RElement)) continue;
      if (k.name === '__proto__' || !PLAIN_NAME.test(k.name) || names.includes(k.name)) return false;
      names.push(k.name);
    }
    return true;
  }

  /** The System fields (what metadata is read from), in a new map the rest is added to later. */
  system(root: RElement): Map<string, FieldValue> {
    const flat = new Map<string, FieldValue>();
    for (const k of root.kids) {
      if (!(k instanceof RElement) || k.name !== 'System') continue;
      if (!this.plainSystem(k, flat)) {
        const v = this.element(k, false);
        if (isObject(v)) addSystem(flat, v);
      }
      break;
    }
    return flat;
  }

  /**
   * System in its everyday shape (children with distinct plain names, no text or attributes of its own): the same
   * `flat.set` calls, in the same order, as `addSystem` over its JSON object, without building that object. False,
   * with nothing added, for any other shape.
   */
  private plainSystem(el: RElement, flat: Map<string, FieldValue>): boolean {
    if (!el.hasElement || this.hasText(el.kids) || this.anyAttrText(el.attrs)) return false;
    const names: string[] = [];
    for (const k of el.kids) {
      if (!(k instanceof RElement)) continue;
      if (k.name === '__proto__' || k.name === 'EventData' || k.name === 'UserData' || !PLAIN_NAME.test(k.name) || names.includes(k.name)) return false;
      if (!k.hasElement) for (const a of k.attrs) if (a.name === '__proto__' || !PLAIN_NAME.test(a.name)) return false;
      names.push(k.name);
    }
    for (const k of el.kids) {
      if (!(k instanceof RElement)) continue;
      if (k.hasElement) {
        addSystemEntry(flat, k.name, this.element(k, false));
        continue;
      }
      const text = this.hasText(k.kids);
      if (!this.anyAttrText(k.attrs)) {
        // element(): null when empty, else its content (never an object here).
        flat.set(k.name, text ? (this.content(k.kids) as FieldValue) : null);
        continue;
      }
      for (const a of k.attrs) if (this.hasText(a.parts)) flat.set(attrKey(k.name, a.name), this.content(a.parts) as FieldValue);
      if (text) flat.set(k.name, this.contentBesideElements(k.kids) as FieldValue);
    }
    return true;
  }

  private anyAttrText(attrs: RAttr[]): boolean {
    for (const a of attrs) if (this.hasText(a.parts)) return true;
    return false;
  }

  /** Every part of `Event` but System, in element order, added to `flat` (which holds the System fields). */
  rest(root: RElement, flat: Map<string, FieldValue>): void {
    for (const k of root.kids) {
      if (!(k instanceof RElement) || k.name === 'System') continue;
      if (k.name === 'EventData') {
        if (!this.plainEventData(k, flat)) addEventData(flat, this.element(k, true));
        continue;
      }
      const v = this.element(k, k.name === 'UserData');
      if (isObject(v)) addLeaves(flat, v, k.name === 'UserData' ? new Set() : undefined);
    }
  }

  /**
   * EventData whose children are all `Data` elements holding text (no text beside them): named values as
   * `addEventData` would set them from the JSON object, or the unnamed ones as `Data`. False, with nothing added,
   * for any other shape.
   */
  private plainEventData(el: RElement, flat: Map<string, FieldValue>): boolean {
    if (!el.hasElement || this.hasText(el.kids)) return false;
    let named = false;
    let count = 0;
    for (const k of el.kids) {
      if (!(k instanceof RElement)) continue;
      if (k.name !== 'Data' || k.hasElement) return false;
      count++;
      const n = this.nameAttr(k);
      if (n && this.hasText(n)) {
        named = true;
        if (INDEX_LIKE.test(this.text(n))) return false;
      }
    }
    if (named) {
      // Data without a name is dropped when others have one (as the JSON shape does).
      for (const k of el.kids) {
        if (!(k instanceof RElement)) continue;
        const n = this.nameAttr(k);
        if (!n || !this.hasText(n)) continue;
        const name = this.text(n);
        if (name === '#attributes') continue;
        flat.set(name, this.dataValue(k) as FieldValue);
      }
    } else if (count === 1) {
      for (const k of el.kids) if (k instanceof RElement) flat.set('Data', this.dataValue(k) as FieldValue);
    } else {
      const arr: FieldValue[] = [];
      for (const k of el.kids) if (k instanceof RElement) arr.push(this.dataValue(k) as FieldValue);
      flat.set('Data', arr);
    }
    return true;
  }
}
