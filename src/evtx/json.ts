/**
 * The JSON shape of omerbenamram's `evtx_dump` (the shape Hayabusa, Chainsaw and SigmaHQ's regression data use):
 *
 * - an element with only text is its value: `"EventID": 4688`; with nothing, `null`;
 * - integers and booleans that are an element's or attribute's only content stay numbers and booleans;
 *   everything else is text (hex, GUIDs, SIDs, times, reals, arrays comma-joined);
 * - attributes with content go under `#attributes`, text beside elements under `#text`;
 * - a repeated child element gets `_1`, `_2`… suffixes (`Header`, `Header_1`);
 * - inside `EventData`/`UserData`, `<Data Name="X">v</Data>` becomes `"X": v` (empty data: `""`), and unnamed
 *   `Data` elements become `"Data": {"#text": v}` or `{"#text": [v, …]}`.
 *
 * Here the document is built as plain objects (for the flat field view of hunt's events); json-line.ts writes the
 * same document straight to text for `evtx dump`.
 */
import { RElement, RRef, type RAttr, type RPart } from './resolve.js';
import { isEmptyValue, isJsonScalarType, jsonScalar, valueText } from './values.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

const MAX_UNIQUE_NAMES = 64;

/** `s.trim()`, without the copy when neither end can be whitespace (nearly always). */
export function trimText(s: string): string {
  if (s.length === 0) return s;
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  return a <= 32 || a >= 0x80 || z <= 32 || z >= 0x80 ? s.trim() : s;
}

export class Builder {
  constructor(
    readonly bytes: Uint8Array,
    readonly table: number[],
  ) {}

  protected nonEmptyValue(i: number): boolean {
    const t = this.table;
    return !isEmptyValue(this.bytes, t[3 * i]!, t[3 * i + 1]!, t[3 * i + 2]!);
  }

  hasText(parts: RPart[]): boolean {
    for (const p of parts) {
      if (typeof p === 'string') {
        if (p.length) return true;
      } else if (typeof p === 'number') {
        if (this.nonEmptyValue(p)) return true;
      } else if (p instanceof RRef) {
        if (p.ref === 'char' || p.ref === 'entity' || (p.ref === 'cdata' && p.text.length)) return true;
      }
    }
    return false;
  }

  protected scalar(i: number): JsonValue | undefined {
    const t = this.table;
    const type = t[3 * i]!;
    if (!isJsonScalarType(type)) return undefined;
    const v = jsonScalar(this.bytes, type, t[3 * i + 1]!, t[3 * i + 2]!);
    // Beyond 2^53 an object can only hold the nearest double (what JSON.parse of the exact digits gives too).
    return typeof v === 'bigint' ? Number(v) : v;
  }

  /** Text of parts (elements skipped): values in evtx_dump's spelling, references as written. */
  text(parts: RPart[]): string {
    let s = '';
    const t = this.table;
    for (const p of parts) {
      if (typeof p === 'string') s += p;
      else if (typeof p === 'number') s += valueText(this.bytes, t[3 * p]!, t[3 * p + 1]!, t[3 * p + 2]!, 'rust');
      else if (p instanceof RRef) {
        if (p.ref === 'char') s += '&#' + p.code + ';';
        else if (p.ref === 'entity') s += '&' + p.text + ';';
        else if (p.ref === 'cdata') s += p.text;
      }
    }
    return s;
  }

  /** Content as a JSON value: a lone integer/boolean value stays one; anything else is text. */
  content(parts: RPart[]): JsonValue {
    if (parts.length === 1 && typeof parts[0] === 'number') {
      const v = this.scalar(parts[0]);
      if (v !== undefined) return v;
    }
    return trimText(this.text(parts));
  }

  /** Like `content`, for the `#text` beside child elements: elements and empty values are ignored. */
  protected contentBesideElements(parts: RPart[]): JsonValue {
    const single = this.loneValue(parts);
    if (single !== undefined) {
      const v = this.scalar(single);
      if (v !== undefined) return v;
    }
    return trimText(this.text(parts));
  }

  /** The one non-empty value among parts that hold no other text, if that is what they are. */
  protected loneValue(parts: RPart[]): number | undefined {
    let single: number | undefined;
    let plain = true;
    for (const p of parts) {
      if (typeof p === 'string') {
        if (p.length) plain = false;
      } else if (typeof p === 'number') {
        if (!this.nonEmptyValue(p)) continue;
        if (single !== undefined) plain = false;
        single = p;
      } else if (p instanceof RRef) {
        if (p.ref === 'char' || p.ref === 'entity' || (p.ref === 'cdata' && p.text.length)) plain = false;
      }
    }
    return plain ? single : undefined;
  }

  private attributes(attrs: RAttr[]): JsonObject | undefined {
    let out: JsonObject | undefined;
    for (const a of attrs) {
      if (!this.hasText(a.parts)) continue;
      out ??= {};
      set(out, a.name, this.content(a.parts));
    }
    return out;
  }

  element(el: RElement, inContainer: boolean): JsonValue {
    const hasText = this.hasText(el.kids);
    let attrText = false;
    for (const a of el.attrs) if (this.hasText(a.parts)) attrText = true;
    if (!el.hasElement && !hasText && !attrText) return null;
    if (!el.hasElement && !attrText) return this.content(el.kids);
    return this.body(el, inContainer);
  }

  protected dataValue(el: RElement): JsonValue {
    if (el.hasElement) return this.body(el, false);
    if (!this.hasText(el.kids)) return '';
    return this.content(el.kids);
  }

  protected nameAttr(el: RElement): RPart[] | undefined {
    for (const a of el.attrs) if (a.name === 'Name') return a.parts;
    return undefined;
  }

  /**
   * How evtx_dump lays out a container's `Data` children: flattened into fields when any has a `Name` attribute with
   * text, else one `Data` entry (an array when there are several).
   */
  protected dataShape(el: RElement, inContainer: boolean): { flatten: boolean; dataCount: number } {
    let flatten = false;
    let dataCount = 0;
    if (inContainer) {
      for (const k of el.kids) {
        if (!(k instanceof RElement) || k.name !== 'Data') continue;
        dataCount++;
        const n = this.nameAttr(k);
        if (n && this.hasText(n)) flatten = true;
      }
    }
    return { flatten, dataCount };
  }

  private body(el: RElement, inContainer: boolean): JsonObject {
    const out: JsonObject = {};
    const attrs = el.attrs.length ? this.attributes(el.attrs) : undefined;
    if (attrs) out['#attributes'] = attrs;
    if (this.hasText(el.kids)) out['#text'] = this.contentBesideElements(el.kids);

    const { flatten, dataCount } = this.dataShape(el, inContainer);
    let dataDone = false;
    const counts = new Map<string, number>();
    for (const k of el.kids) {
      if (!(k instanceof RElement)) continue;
      if (inContainer && k.name === 'Data') {
        if (flatten) {
          const n = this.nameAttr(k);
          if (n && this.hasText(n)) set(out, this.text(n), this.dataValue(k));
        } else if (!dataDone) {
          dataDone = true;
          let v: JsonValue;
          if (dataCount === 1) v = this.dataValue(k);
          else {
            const arr: JsonValue[] = [];
            for (const d of el.kids) if (d instanceof RElement && d.name === 'Data') arr.push(this.dataValue(d));
            v = arr;
          }
          set(out, 'Data', { '#text': v });
        }
        continue;
      }
      set(out, repeatedName(counts, k.name), this.element(k, k.name === 'EventData' || k.name === 'UserData'));
    }
    return out;
  }
}

/** evtx_dump's key for a repeated child element: `Name`, then `Name_1`, `Name_2`… (counted for a bounded set of names). */
export function repeatedName(counts: Map<string, number>, name: string): string {
  const seen = counts.get(name);
  if (seen !== undefined) {
    counts.set(name, seen + 1);
    return name + '_' + seen;
  }
  if (counts.size < MAX_UNIQUE_NAMES) counts.set(name, 1);
  return name;
}

/** Own-property assignment, safe for a key spelled `__proto__`. */
function set(o: JsonObject, k: string, v: JsonValue): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** The evtx_dump document of a record as an object (`{"Event": …}`); big integers become the nearest double. */
export function recordJsonObject(bytes: Uint8Array, table: number[], root: RElement): JsonObject {
  const b = new Builder(bytes, table);
  const out: JsonObject = {};
  set(out, root.name, b.element(root, false));
  return out;
}

/** One element's evtx_dump value alone (hunt's metadata path reads just `System`). */
export function elementJsonValue(bytes: Uint8Array, table: number[], el: RElement): JsonValue {
  return new Builder(bytes, table).element(el, el.name === 'EventData' || el.name === 'UserData');
}
