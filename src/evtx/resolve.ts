/**
 * A record's tree: the template replayed with the record's substitution values put in place. Values stay
 * undecoded — a part that is a number is an index into the record's value table (type, chunk offset, size) — so a
 * renderer or a lazy field lookup decodes only what it uses. Optional substitutions whose value is empty vanish
 * (MS-EVEN6 §2.2.13); BinXml-typed values are parsed and grafted in as elements.
 */
import { EvtxError } from './errors.js';
import { Kind, MAX_DEPTH, parseFragment, type ChunkContext, type XNode } from './tokens.js';
import { arrayItemSpans, isEmptyValue, T } from './values.js';

/** Classes, not object literals: renderers tell parts apart with `instanceof`, which V8 keeps monomorphic. */
export class RElement {
  /** An optional substitution in the content was empty and removed (Windows then leaves out an element left empty). */
  vanished = false;
  constructor(
    readonly name: string,
    readonly attrs: RAttr[],
    readonly kids: RPart[],
    /** Any child is an element (not only text and values). */
    public hasElement: boolean,
  ) {}
}

export interface RAttr {
  name: string;
  parts: RPart[];
}

/** Text, a value (index into the value table), an element, or a reference. */
export type RPart = string | number | RElement | RRef;

export class RRef {
  constructor(
    readonly ref: 'char' | 'entity' | 'cdata' | 'pi',
    public text: string,
    readonly code: number,
  ) {}
}

export interface ResolvedRecord {
  /** Top-level parts: normally the one root element (`Event`). */
  parts: RPart[];
  /** Value i is `table[3i]` (type), `table[3i+1]` (chunk offset), `table[3i+2]` (size). */
  table: number[];
}

const MAX_PARTS = 200_000;

interface State {
  ctx: ChunkContext;
  table: number[];
  budget: number;
  /** Set when an optional substitution vanished since the flag was last cleared. */
  vanished: boolean;
}

/** Replay `nodes` (a record's fragment) into a resolved tree. */
export function resolveRecord(ctx: ChunkContext, nodes: XNode[]): ResolvedRecord {
  const st: State = { ctx, table: [], budget: MAX_PARTS, vanished: false };
  const parts: RPart[] = [];
  resolveInto(st, nodes, undefined, parts, 0, 0);
  return { parts, table: st.table };
}

function addValue(st: State, type: number, off: number, size: number): number {
  const i = st.table.length / 3;
  st.table.push(type, off, size);
  return i;
}

function resolveInto(st: State, nodes: XNode[], values: number[] | undefined, out: RPart[], depth: number, nesting: number): void {
  if (depth > MAX_DEPTH) throw new EvtxError(`elements nested deeper than ${MAX_DEPTH}`, 0);
  for (const n of nodes) {
    if (--st.budget < 0) throw new EvtxError(`record expands to more than ${MAX_PARTS} nodes`, 0);
    switch (n.k) {
      case Kind.Element: {
        const el = new RElement(n.name, [], [], false);
        for (const a of n.attrs) {
          const parts: RPart[] = [];
          resolveInto(st, a.value, values, parts, depth + 1, nesting);
          el.attrs.push({ name: a.name, parts });
        }
        st.vanished = false;
        resolveInto(st, n.children, values, el.kids, depth + 1, nesting);
        if (st.vanished && el.kids.length === 0) el.vanished = true;
        st.vanished = false;
        for (const k of el.kids) if (k instanceof RElement) el.hasElement = true;
        expandArrays(st, el, out);
        break;
      }
      case Kind.Text:
        out.push(n.text);
        break;
      case Kind.Literal:
        out.push(addValue(st, n.type, n.off, n.size));
        break;
      case Kind.Subst: {
        if (!values || 3 * n.index + 2 >= values.length) break; // no such value: nothing to substitute
        const type = values[3 * n.index]!;
        const off = values[3 * n.index + 1]!;
        const size = values[3 * n.index + 2]!;
        if (n.optional && isEmptyValue(st.ctx.bytes, type, off, size)) {
          st.vanished = true;
          break;
        }
        if (type === T.BINXML) {
          if (size === 0) break;
          if (nesting >= 8) throw new EvtxError('embedded binary XML nested too deeply', off);
          const inner = parseFragment(st.ctx, off, off + size, false, nesting + 1);
          resolveInto(st, inner, undefined, out, depth, nesting + 1);
          break;
        }
        out.push(addValue(st, type, off, size));
        break;
      }
      case Kind.CharRef:
        out.push(new RRef('char', String.fromCharCode(n.code), n.code));
        break;
      case Kind.EntityRef:
        out.push(new RRef('entity', n.name, 0));
        break;
      case Kind.CData:
        out.push(new RRef('cdata', n.text, 0));
        break;
      case Kind.PITarget:
      case Kind.PIData:
        // Processing instructions carry no event data; renderers that want them see the target's name.
        if (n.k === Kind.PITarget) out.push(new RRef('pi', n.name, 0));
        else {
          const last = out[out.length - 1];
          if (last instanceof RRef && last.ref === 'pi') last.text += ' ' + n.text;
        }
        break;
      case Kind.Template:
        if (nesting >= 8) throw new EvtxError('templates nested too deeply', n.instance.defOffset);
        resolveInto(st, n.instance.nodes, n.instance.values, out, depth, nesting + 1);
        break;
    }
  }
}

/** An array value with more than one item among `parts`. */
function scanArray(st: State, parts: RPart[]): { parts: RPart[]; at: number; spans: number[] } | undefined {
  const t = st.table;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p !== 'number' || !(t[3 * p]! & T.ARRAY)) continue;
    const spans = arrayItemSpans(st.ctx.bytes, t[3 * p]!, t[3 * p + 1]!, t[3 * p + 2]!);
    if (spans.length > 3) return { parts, at: i, spans };
  }
  return undefined;
}

/** The first array value with more than one item, in the element's content, then in its attributes. */
function findArray(st: State, el: RElement): { parts: RPart[]; at: number; spans: number[] } | undefined {
  const hit = scanArray(st, el.kids);
  if (hit) return hit;
  for (const a of el.attrs) {
    const h = scanArray(st, a.parts);
    if (h) return h;
  }
  return undefined;
}

/**
 * An element holding an array value is repeated once per item (MS-EVEN6 §3.1.4.7.5), as Windows, libevtx and
 * evtx_dump render it; an empty string item leaves an empty element. Several arrays expand one after the other.
 */
function expandArrays(st: State, el: RElement, out: RPart[]): void {
  const hit = findArray(st, el);
  if (!hit) {
    out.push(el);
    return;
  }
  const { parts, at, spans } = hit;
  for (let i = 0; i < spans.length; i += 3) {
    if ((st.budget -= 1 + el.kids.length) < 0) throw new EvtxError(`record expands to more than ${MAX_PARTS} nodes`, 0);
    const type = spans[i]!;
    const off = spans[i + 1]!;
    const size = spans[i + 2]!;
    const empty = isEmptyValue(st.ctx.bytes, type, off, size);
    const item = empty ? undefined : addValue(st, type, off, size);
    const swap = (list: RPart[]): RPart[] => {
      if (list !== parts) return list;
      const copy = list.slice(0, at);
      if (item !== undefined) copy.push(item);
      for (let j = at + 1; j < list.length; j++) copy.push(list[j]!);
      return copy;
    };
    const clone = new RElement(
      el.name,
      el.attrs.map((a) => ({ name: a.name, parts: swap(a.parts) })),
      swap(el.kids),
      el.hasElement,
    );
    expandArrays(st, clone, out);
  }
}

/** The root element of a resolved record (the first element at top level). */
export function rootElement(r: ResolvedRecord): RElement | undefined {
  for (const p of r.parts) if (p instanceof RElement) return p;
  return undefined;
}
