/**
 * BinXml tokens (MS-EVEN6 §2.2.12, libyal EVTX notes §4): a token stream becomes a small tree of `XNode`s. Template
 * definitions are parsed once per chunk into such a tree (with substitution slots) and replayed for every record
 * that uses them; record fragments and embedded BinXml values are parsed the same way.
 *
 * Every read is bounds-checked against the fragment's end; element depth and node count are capped, so a hostile
 * stream ends in an `EvtxError`, never a hang or a runaway allocation.
 */
import { u16, u32, utf16At } from './bytes.js';
import { EvtxError } from './errors.js';
import { readTemplateInstance, type TemplateInstance } from './template.js';
import { fixedWidth, T } from './values.js';

export const TOKEN = {
  EOF: 0x00,
  OPEN_START: 0x01,
  CLOSE_START: 0x02,
  CLOSE_EMPTY: 0x03,
  END_ELEMENT: 0x04,
  VALUE: 0x05,
  ATTRIBUTE: 0x06,
  CDATA: 0x07,
  CHAR_REF: 0x08,
  ENTITY_REF: 0x09,
  PI_TARGET: 0x0a,
  PI_DATA: 0x0b,
  TEMPLATE_INSTANCE: 0x0c,
  NORMAL_SUBST: 0x0d,
  OPTIONAL_SUBST: 0x0e,
  FRAGMENT_HEADER: 0x0f,
} as const;

/** Flag on OPEN_START: the element has attributes; on VALUE/ATTRIBUTE/…: more data follows. */
const MORE = 0x40;

export const MAX_DEPTH = 128;
const MAX_NODES = 100_000;

/** Node kinds (numbers, so a switch on them is a jump table). */
export const Kind = {
  Element: 0,
  Text: 1,
  Literal: 2,
  Subst: 3,
  CharRef: 4,
  EntityRef: 5,
  CData: 6,
  PITarget: 7,
  PIData: 8,
  Template: 9,
} as const;
type K = typeof Kind;

export interface XElement {
  k: K['Element'];
  name: string;
  attrs: XAttr[];
  children: XNode[];
}
export interface XAttr {
  name: string;
  value: XNode[];
}
export type XNode =
  | XElement
  | { k: K['Text']; text: string }
  /** A literal non-string value in the stream, left in the chunk's bytes. */
  | { k: K['Literal']; type: number; off: number; size: number }
  | { k: K['Subst']; index: number; type: number; optional: boolean }
  | { k: K['CharRef']; code: number }
  | { k: K['EntityRef']; name: string }
  | { k: K['CData']; text: string }
  | { k: K['PITarget']; name: string }
  | { k: K['PIData']; text: string }
  | { k: K['Template']; instance: TemplateInstance };

/** What parsing needs from the chunk: its bytes and the per-chunk caches of names and templates. */
export interface ChunkContext {
  bytes: Uint8Array;
  names: Map<number, string>;
  templates: Map<number, TemplateDefinitionEntry>;
}

export type TemplateDefinitionEntry = { nodes: XNode[]; end: number } | { error: EvtxError };

/** The name structure at `off`: next-offset u32, hash u16, char count u16, UTF-16 chars, NUL. */
export function readName(ctx: ChunkContext, off: number): string {
  const cached = ctx.names.get(off);
  if (cached !== undefined) return cached;
  const b = ctx.bytes;
  if (off < 0 || off + 8 > b.length) throw new EvtxError(`name offset 0x${off.toString(16)} is outside the chunk`, off);
  const units = u16(b, off + 6);
  if (off + 8 + 2 * units > b.length) throw new EvtxError(`name at 0x${off.toString(16)} runs past the chunk (${units} chars)`, off);
  const name = utf16At(b, off + 8, units);
  ctx.names.set(off, name);
  return name;
}

function nameSize(b: Uint8Array, off: number): number {
  return 10 + 2 * u16(b, off + 6);
}

/** Parser state for one fragment: the position, its end, and how element headers are laid out. */
interface Cursor {
  pos: number;
  end: number;
  /** Element headers carry a 2-byte dependency identifier (template definitions do; other fragments usually not). */
  dep: boolean;
  nodes: number;
  depth: number;
}

/**
 * Read a name reference at `c.pos` (a chunk offset); when the name is stored inline right there, step over it.
 */
function nameRef(ctx: ChunkContext, c: Cursor): string {
  need(c, 4);
  const b = ctx.bytes;
  const off = u32(b, c.pos);
  c.pos += 4;
  const name = readName(ctx, off);
  if (off === c.pos) c.pos += nameSize(b, off);
  if (c.pos > c.end) throw new EvtxError(`inline name at 0x${off.toString(16)} runs past the fragment end`, off);
  return name;
}

function need(c: Cursor, n: number): void {
  if (c.pos + n > c.end) throw new EvtxError(`token at 0x${c.pos.toString(16)} needs ${n} bytes, fragment ends at 0x${c.end.toString(16)}`, c.pos);
}

/**
 * Does an element header at `p` (just after the token byte) make sense with or without a dependency identifier?
 * The name offset must point at the inline name right after it, or backwards into the chunk at a readable name.
 */
function plausibleElement(ctx: ChunkContext, p: number, end: number, dep: boolean, attrs: boolean): boolean {
  const b = ctx.bytes;
  const at = p + (dep ? 6 : 4);
  if (at + 4 > end) return false;
  const off = u32(b, at);
  const after = at + 4;
  if (off === after) {
    if (off + 8 > end) return false;
    const size = nameSize(b, off);
    if (off + size > end || u16(b, off + size - 2) !== 0) return false;
    return after + size + (attrs ? 4 : 0) <= end;
  }
  if (off < 0x200 || off + 8 > b.length || off >= p) return false;
  return off + nameSize(b, off) <= b.length;
}

/**
 * Parse the token stream in `[start, end)` into nodes. Stops at the end-of-stream token or at `end`.
 * `dep` says whether element headers carry dependency identifiers; a header that only makes sense the other way
 * is read the other way (some writers differ).
 */
export function parseFragment(ctx: ChunkContext, start: number, end: number, dep: boolean, depth: number): XNode[] {
  if (depth > 8) throw new EvtxError('binary XML nested too deeply (templates within values within templates)', start);
  const b = ctx.bytes;
  const c: Cursor = { pos: start, end: Math.min(end, b.length), dep, nodes: 0, depth };
  const root: XNode[] = [];
  const stack: XElement[] = [];
  /** Where value-like tokens go: the current attribute's value, the open element's children, or the root. */
  let target: XNode[] = root;
  /** True between an element's name and its close-start token (attributes are being read). */
  let inStartTag = false;

  const push = (n: XNode) => {
    if (++c.nodes > MAX_NODES) throw new EvtxError(`more than ${MAX_NODES} nodes in one fragment`, c.pos);
    target.push(n);
  };

  while (c.pos < c.end) {
    const at = c.pos;
    const tok = b[c.pos++]!;
    switch (tok & ~MORE) {
      case TOKEN.EOF:
        if (stack.length) throw new EvtxError(`end of stream with ${stack.length} element(s) still open`, at);
        return root;
      case TOKEN.OPEN_START: {
        if (inStartTag) throw new EvtxError('element starts inside another start tag', at);
        const attrs = (tok & MORE) !== 0;
        let d = c.dep;
        if (!plausibleElement(ctx, c.pos, c.end, d, attrs) && plausibleElement(ctx, c.pos, c.end, !d, attrs)) d = !d;
        need(c, d ? 6 : 4);
        c.pos += d ? 6 : 4; // dependency id (u16), data size (u32)
        const name = nameRef(ctx, c);
        if (attrs) {
          need(c, 4);
          c.pos += 4; // attribute list size
        }
        if (stack.length >= MAX_DEPTH) throw new EvtxError(`elements nested deeper than ${MAX_DEPTH}`, at);
        const el: XElement = { k: Kind.Element, name, attrs: [], children: [] };
        push(el);
        stack.push(el);
        target = el.children;
        inStartTag = true;
        break;
      }
      case TOKEN.ATTRIBUTE: {
        const el = stack[stack.length - 1];
        if (!el || !inStartTag) throw new EvtxError('attribute outside a start tag', at);
        const attr: XAttr = { name: nameRef(ctx, c), value: [] };
        el.attrs.push(attr);
        target = attr.value;
        break;
      }
      case TOKEN.CLOSE_START: {
        const el = stack[stack.length - 1];
        if (!el || !inStartTag) throw new EvtxError('close of a start tag that is not open', at);
        inStartTag = false;
        target = el.children;
        break;
      }
      case TOKEN.CLOSE_EMPTY:
      case TOKEN.END_ELEMENT: {
        if (stack.length === 0) throw new EvtxError('end of an element that is not open', at);
        if ((tok & ~MORE) === TOKEN.CLOSE_EMPTY && !inStartTag) throw new EvtxError('empty-element close after content', at);
        stack.pop();
        inStartTag = false;
        const parent = stack[stack.length - 1];
        target = parent ? parent.children : root;
        break;
      }
      case TOKEN.VALUE: {
        need(c, 1);
        const type = b[c.pos++]!;
        if (type === T.STRING) {
          need(c, 2);
          const n = u16(b, c.pos);
          c.pos += 2;
          need(c, 2 * n);
          push({ k: Kind.Text, text: utf16At(b, c.pos, n) });
          c.pos += 2 * n;
        } else {
          const w = fixedWidth(type);
          if (w === 0) throw new EvtxError(`value token of type 0x${type.toString(16)} has no inline form`, at);
          need(c, w);
          push({ k: Kind.Literal, type, off: c.pos, size: w });
          c.pos += w;
        }
        break;
      }
      case TOKEN.CDATA: {
        need(c, 2);
        const n = u16(b, c.pos);
        c.pos += 2;
        need(c, 2 * n);
        push({ k: Kind.CData, text: utf16At(b, c.pos, n) });
        c.pos += 2 * n;
        break;
      }
      case TOKEN.CHAR_REF:
        need(c, 2);
        push({ k: Kind.CharRef, code: u16(b, c.pos) });
        c.pos += 2;
        break;
      case TOKEN.ENTITY_REF:
        push({ k: Kind.EntityRef, name: nameRef(ctx, c) });
        break;
      case TOKEN.PI_TARGET:
        push({ k: Kind.PITarget, name: nameRef(ctx, c) });
        break;
      case TOKEN.PI_DATA: {
        need(c, 2);
        const n = u16(b, c.pos);
        c.pos += 2;
        need(c, 2 * n);
        push({ k: Kind.PIData, text: utf16At(b, c.pos, n) });
        c.pos += 2 * n;
        break;
      }
      case TOKEN.TEMPLATE_INSTANCE: {
        const instance = readTemplateInstance(ctx, c.pos, c.end, depth);
        c.pos = instance.end;
        push({ k: Kind.Template, instance });
        break;
      }
      case TOKEN.NORMAL_SUBST:
      case TOKEN.OPTIONAL_SUBST:
        need(c, 3);
        push({ k: Kind.Subst, index: u16(b, c.pos), type: b[c.pos + 2]!, optional: (tok & ~MORE) === TOKEN.OPTIONAL_SUBST });
        c.pos += 3;
        break;
      case TOKEN.FRAGMENT_HEADER:
        need(c, 3);
        c.pos += 3; // major, minor, flags
        break;
      default:
        throw new EvtxError(`unknown token 0x${tok.toString(16)}`, at);
    }
  }
  if (stack.length) throw new EvtxError(`fragment ends with ${stack.length} element(s) still open`, c.pos);
  return root;
}
