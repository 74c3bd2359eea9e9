/**
 * Templates (MS-EVEN6 §2.2.17): a record names a template definition by its chunk offset and supplies substitution
 * values. The definition (next-offset u32, GUID, data size u32, then a BinXml fragment) is parsed once per chunk and
 * cached by offset; it is stored inline the first time a chunk uses it. The instance's values are only located
 * (type, offset, size), not decoded.
 */
import { u16, u32 } from './bytes.js';
import { EvtxError } from './errors.js';
import { parseFragment, type ChunkContext, type XNode } from './tokens.js';

export interface TemplateInstance {
  /** The definition's chunk offset. */
  defOffset: number;
  nodes: XNode[];
  /** Substitution values: type, chunk offset and size of value i at [3i], [3i+1], [3i+2]. */
  values: number[];
  /** Position just after the instance (and its values). */
  end: number;
}

const DEF_HEADER = 24;
/** A count beyond what the bytes could hold is a damaged instance, not a reason to allocate. */
const MAX_VALUES = 4096;

/** The cached definition at `off`, parsing it the first time. */
export function templateDefinition(ctx: ChunkContext, off: number, depth: number): XNode[] {
  const hit = ctx.templates.get(off);
  if (hit) {
    if ('error' in hit) throw hit.error;
    return hit.nodes;
  }
  const b = ctx.bytes;
  try {
    if (off < 0x200 || off + DEF_HEADER > b.length) throw new EvtxError(`template offset 0x${off.toString(16)} is outside the chunk`, off);
    const size = u32(b, off + 20);
    const end = off + DEF_HEADER + size;
    if (end > b.length) throw new EvtxError(`template at 0x${off.toString(16)} (${size} bytes) runs past the chunk`, off);
    const nodes = parseFragment(ctx, off + DEF_HEADER, end, true, depth + 1);
    ctx.templates.set(off, { nodes, end });
    return nodes;
  } catch (err) {
    const error = err instanceof EvtxError ? err : new EvtxError(String(err), off);
    ctx.templates.set(off, { error });
    throw error;
  }
}

/** Read a template instance whose body starts at `p` (just after the token byte), within `[p, end)`. */
export function readTemplateInstance(ctx: ChunkContext, p: number, end: number, depth: number): TemplateInstance {
  const b = ctx.bytes;
  if (p + 9 > end) throw new EvtxError('template instance header is truncated', p);
  const defOffset = u32(b, p + 5);
  p += 9; // unknown u8, template id u32, definition offset u32
  if (defOffset === p) {
    // The definition is stored here; skip it (its size is in its header).
    if (p + DEF_HEADER > end) throw new EvtxError('inline template definition header is truncated', p);
    p += DEF_HEADER + u32(b, p + 20);
  }
  const nodes = templateDefinition(ctx, defOffset, depth);
  if (p + 4 > end) throw new EvtxError('template instance has no substitution count', p);
  const count = u32(b, p);
  p += 4;
  if (count > MAX_VALUES || p + 4 * count > end) throw new EvtxError(`template instance claims ${count} substitution values`, p - 4);
  const values = new Array<number>(3 * count);
  let v = p + 4 * count;
  for (let i = 0; i < count; i++) {
    const size = u16(b, p + 4 * i);
    values[3 * i] = b[p + 4 * i + 2]!;
    values[3 * i + 1] = v;
    values[3 * i + 2] = size;
    v += size;
  }
  if (v > end) throw new EvtxError(`substitution values run ${v - end} bytes past the record`, p);
  return { defOffset, nodes, values, end: v };
}
