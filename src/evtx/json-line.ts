/**
 * The evtx_dump JSON of a record written straight to text, for `evtx dump --format jsonl`: the same rules as
 * json.ts's object builder (it shares its tests of content), without building the objects first. Strings are
 * escaped by JSON.stringify, integers beyond 2^53 are written digit for digit. A key repeated in one object (two
 * `Data` with one Name) is written twice; a JSON reader keeps the last, as the object builder does.
 * test/evtx/json.test.ts checks that parsing the line gives the builder's object on every sample record.
 */
import { Builder, repeatedName, trimText } from './json.js';
import { RElement, type RAttr, type RPart } from './resolve.js';
import { isJsonScalarType, jsonScalar } from './values.js';

class LineWriter extends Builder {
  constructor(bytes: Uint8Array, table: number[]) {
    super(bytes, table);
  }

  private scalarText(i: number): string | undefined {
    const t = this.table;
    const type = t[3 * i]!;
    if (!isJsonScalarType(type)) return undefined;
    const v = jsonScalar(this.bytes, type, t[3 * i + 1]!, t[3 * i + 2]!);
    return v === undefined ? undefined : String(v);
  }

  private contentText(parts: RPart[]): string {
    if (parts.length === 1 && typeof parts[0] === 'number') {
      const v = this.scalarText(parts[0]);
      if (v !== undefined) return v;
    }
    return JSON.stringify(trimText(this.text(parts)));
  }

  private besideText(parts: RPart[]): string {
    const single = this.loneValue(parts);
    if (single !== undefined) {
      const v = this.scalarText(single);
      if (v !== undefined) return v;
    }
    return JSON.stringify(trimText(this.text(parts)));
  }

  private attributesText(attrs: RAttr[]): string {
    let s = '';
    for (const a of attrs) {
      if (!this.hasText(a.parts)) continue;
      s += (s ? ',' : '') + JSON.stringify(a.name) + ':' + this.contentText(a.parts);
    }
    return s;
  }

  elementText(el: RElement, inContainer: boolean): string {
    const hasText = this.hasText(el.kids);
    let attrText = false;
    for (const a of el.attrs) if (this.hasText(a.parts)) attrText = true;
    if (!el.hasElement && !hasText && !attrText) return 'null';
    if (!el.hasElement && !attrText) return this.contentText(el.kids);
    return this.bodyText(el, inContainer);
  }

  private dataText(el: RElement): string {
    if (el.hasElement) return this.bodyText(el, false);
    if (!this.hasText(el.kids)) return '""';
    return this.contentText(el.kids);
  }

  private bodyText(el: RElement, inContainer: boolean): string {
    let s = '{';
    let first = true;
    const key = (k: string) => {
      s += (first ? '' : ',') + JSON.stringify(k) + ':';
      first = false;
    };
    if (el.attrs.length) {
      const a = this.attributesText(el.attrs);
      if (a) {
        key('#attributes');
        s += '{' + a + '}';
      }
    }
    if (this.hasText(el.kids)) {
      key('#text');
      s += this.besideText(el.kids);
    }
    const { flatten, dataCount } = this.dataShape(el, inContainer);
    let dataDone = false;
    const counts = new Map<string, number>();
    for (const k of el.kids) {
      if (!(k instanceof RElement)) continue;
      if (inContainer && k.name === 'Data') {
        if (flatten) {
          const n = this.nameAttr(k);
          if (n && this.hasText(n)) {
            key(this.text(n));
            s += this.dataText(k);
          }
        } else if (!dataDone) {
          dataDone = true;
          key('Data');
          if (dataCount === 1) s += '{"#text":' + this.dataText(k) + '}';
          else {
            let arr = '';
            for (const d of el.kids) if (d instanceof RElement && d.name === 'Data') arr += (arr ? ',' : '') + this.dataText(d);
            s += '{"#text":[' + arr + ']}';
          }
        }
        continue;
      }
      key(repeatedName(counts, k.name));
      s += this.elementText(k, k.name === 'EventData' || k.name === 'UserData');
    }
    return s + '}';
  }
}

/** The evtx_dump document of a record as one line of JSON, integers exact. */
export function recordJsonText(bytes: Uint8Array, table: number[], root: RElement): string {
  return '{' + JSON.stringify(root.name) + ':' + new LineWriter(bytes, table).elementText(root, false) + '}';
}
