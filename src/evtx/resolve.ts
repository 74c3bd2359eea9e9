/**
 * A record's tree: the template replayed with the record's substitution values put in place. Values stay
 * undecoded — a part that is a number is an index into the record's value table (type, chunk offset, size) — so a
 * renderer or a lazy field lookup decodes only what it uses. Optional substitutions whose value is empty vanish
 * (MS-EVEN6 §2.2.13); BinXml-typed values are parsed and grafted in as elements.
 */
import { EvtxError } from './errors.js';
import { Kind, MAX_DEPTH, parseFragment, type ChunkContext, type XNode } from './tokens.js';
import { isEmptyValue, T } from './values.js';

export interface RElement {
  name: string;
  attrs: RAttr[];
  kids: RPart[];
  /** Any child is an element (not only text and values). */
  hasElement: boolean;
}

export interface RAttr {
  name: string;
  parts: RPart[];
}

/** Text, a value (index into the value table), an element, or a reference. */
export type RPart = string | number | RElement | RRef;

export interface RRef {
  ref: 'char' | 'entity' | 'cdata' | 'pi';
  text: string;
  code: number;
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
}

/** Replay `nodes` (a record's fragment) into a resolved tree. */
export function resolveRecord(ctx: ChunkContext, nodes: XNode[]): ResolvedRecord {
  const st: State = { ctx, table: [], budget: MAX_PARTS };
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
        const el: RElement = { name: n.name, attrs: [], kids: [], hasElement: false };
        for (const a of n.attrs) {
          const parts: RPart[] = [];
          resolveInto(st, a.value, values, parts, depth + 1, nesting);
          el.attrs.push({ name: a.name, parts });
        }
        resolveInto(st, n.children, values, el.kids, depth + 1, nesting);
        for (const k of el.kids) if (typeof k === 'object' && 'kids' in k) el.hasElement = true;
        out.push(el);
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
        if (n.optional && isEmptyValue(st.ctx.bytes, type, off, size)) break;
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
        out.push({ ref: 'char', text: String.fromCharCode(n.code), code: n.code });
        break;
      case Kind.EntityRef:
        out.push({ ref: 'entity', text: n.name, code: 0 });
        break;
      case Kind.CData:
        out.push({ ref: 'cdata', text: n.text, code: 0 });
        break;
      case Kind.PITarget:
      case Kind.PIData:
        // Processing instructions carry no event data; renderers that want them see the target's name.
        if (n.k === Kind.PITarget) out.push({ ref: 'pi', text: n.name, code: 0 });
        else {
          const last = out[out.length - 1];
          if (typeof last === 'object' && 'ref' in last && last.ref === 'pi') last.text += ' ' + n.text;
        }
        break;
      case Kind.Template:
        if (nesting >= 8) throw new EvtxError('templates nested too deeply', n.instance.defOffset);
        resolveInto(st, n.instance.nodes, n.instance.values, out, depth, nesting + 1);
        break;
    }
  }
}

/** The root element of a resolved record (the first element at top level). */
export function rootElement(r: ResolvedRecord): RElement | undefined {
  for (const p of r.parts) if (typeof p === 'object' && 'kids' in p) return p;
  return undefined;
}
