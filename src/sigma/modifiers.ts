/**
 * One `field|mod|mod: value(s)` entry of a search identifier → an expression, per the modifiers appendix (v2.1).
 *
 * Transformation modifiers (`contains startswith endswith windash base64 base64offset utf16le utf16be utf16 wide
 * expand`) rewrite the values in the order written; one value may become several alternatives. Type modifiers
 * (`re` with `i m s`, `cidr`, `gt gte lt lte`, `minute hour day week month year`, `exists`, `fieldref`, `cased`,
 * `neq`, `all`) decide how the result is compared. Values are case-insensitive unless `cased`.
 */
import { parseCidr, type CidrNet } from './cidr.js';
import { base64, base64Offsets, flagDashes, utf16be, utf16bom, utf16le, utf8Bytes, windashForms } from './encoding.js';
import { and, FALSE, not, or, type Expr, type NumOp, type StrOp, type Test, type TimePart } from './expr.js';
import { invalid, unsupported } from './model.js';
import { translatePcre } from './regex.js';
import { literalPieces, lowerPattern, parseSigmaString, plainText, STAR, type Piece } from './wildcard.js';
import type { YValue } from './yaml-tree.js';

export const MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  'all',
  're',
  'i',
  'm',
  's',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'windash',
  'cidr',
  'exists',
  'cased',
  'expand',
  'fieldref',
  'gt',
  'gte',
  'lt',
  'lte',
  'neq',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
] as const;
type Modifier = (typeof MODIFIERS)[number];
const KNOWN = new Set<string>(MODIFIERS);
const STR_OPS: Record<string, StrOp> = { contains: 'contains', startswith: 'prefix', endswith: 'suffix' };
const NUM_OPS = new Set(['gt', 'gte', 'lt', 'lte']);
const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const ENCODINGS = new Set(['base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'windash']);
/** More windash spellings than this (5^k for k flag dashes) are matched with a character class instead. */
const MAX_WINDASH_FORMS = 625;

export interface ValueContext {
  line: number;
  /** Values of placeholders for `expand` (`%name%`); undefined when a placeholder has none. */
  placeholder: (name: string) => readonly string[] | undefined;
  /** Placeholders the rule uses that have no value (the values then match nothing). */
  missing: Set<string>;
}

/** A rule value as the modifiers see it: pieces of a Sigma string, and whether they are bytes already. */
interface Alt {
  pieces: Piece[];
  bytes: boolean;
}

/** `key` is the map key (`Image|endswith`, or `|all` for keywords); `value` its value. */
export function fieldExpr(key: string, value: YValue, ctx: ValueContext): Expr<string> {
  const [field = '', ...mods] = key.split('|');
  const line = ctx.line;
  for (const m of mods) {
    if (!KNOWN.has(m)) {
      throw unsupported(`unknown modifier '${m}' in '${key}' (known: ${MODIFIERS.join(', ')})`, line);
    }
  }
  const has = (m: Modifier) => mods.includes(m);
  const values = scalars(value, key);
  const keyword = field === '';

  if (has('exists')) {
    if (mods.length > 1) throw invalid(`'exists' cannot be combined with other modifiers in '${key}'`, line);
    if (keyword) throw invalid(`'exists' needs a field name`, line);
    const v = values[0];
    if (values.length !== 1 || typeof v?.value !== 'boolean') throw invalid(`'${key}' takes true or false`, line);
    const e: Expr<string> = { k: 'exists', field };
    return v.value ? e : not(e);
  }

  const reAt = mods.indexOf('re');
  for (const f of ['i', 'm', 's'] as const) {
    const at = mods.indexOf(f);
    if (at >= 0 && (reAt < 0 || at < reAt)) throw invalid(`'${f}' is a sub-modifier of 're' and must follow it in '${key}'`, line);
  }
  const kinds = ['re', 'cidr', 'fieldref'].filter((m) => mods.includes(m));
  const numOp = mods.filter((m) => NUM_OPS.has(m));
  const timePart = mods.filter((m) => TIME_PARTS.has(m));
  if (kinds.length > 1) throw invalid(`'${kinds.join("' and '")}' cannot be combined in '${key}'`, line);
  if (numOp.length > 1 || timePart.length > 1) throw invalid(`'${key}' has more than one comparison`, line);
  if ((kinds.length && (numOp.length || timePart.length)) || (kinds[0] && kinds[0] !== 'fieldref' && mods.some((m) => STR_OPS[m] || ENCODINGS.has(m)))) {
    throw invalid(`the modifiers of '${key}' cannot be combined`, line);
  }
  const all = has('all');
  const cased = has('cased');
  const combine = (alts: Expr<string>[]) => (all ? and(alts) : or(alts));
  let result: Expr<string>;

  if (values.some((v) => v.value === null)) {
    // `field: null` is its own test; in a list it is one more alternative.
    if (mods.length) throw invalid(`a null value cannot take modifiers ('${key}')`, line);
    if (keyword) throw invalid('a keyword cannot be null', line);
    const rest = values.filter((v) => v.value !== null);
    const nullTest: Expr<string> = { k: 'null', field };
    if (!rest.length) return nullTest;
    return or([nullTest, plainValues(field, rest, mods, ctx, keyword, cased, combine)]);
  }

  if (has('re')) {
    const flags = { i: has('i'), m: has('m'), s: has('s') };
    result = combine(
      values.map((v) => {
        const rx = translatePcre(textOf(v.value), flags, line);
        return leaf(field, { t: 're', source: rx.source, flags: rx.flags }, keyword);
      }),
    );
  } else if (has('cidr')) {
    const nets: CidrNet[] = values.map((v) => {
      const n = parseCidr(textOf(v.value));
      if (!n) throw invalid(`'${textOf(v.value)}' is not an IPv4 or IPv6 network ('${key}')`, line);
      return n;
    });
    result = all ? and(nets.map((n) => leaf(field, { t: 'cidr', nets: [n] }, keyword))) : leaf(field, { t: 'cidr', nets }, keyword);
  } else if (has('fieldref')) {
    if (keyword) throw invalid(`'fieldref' needs a field name`, line);
    const ops = mods.filter((m) => STR_OPS[m]);
    if (ops.length > 1) throw invalid(`'${key}' has more than one of contains/startswith/endswith`, line);
    if (mods.some((m) => ENCODINGS.has(m) || m === 'expand')) throw invalid(`'fieldref' cannot be combined with encodings in '${key}'`, line);
    const op: StrOp = ops[0] ? STR_OPS[ops[0]]! : 'eq';
    result = combine(values.map((v) => ({ k: 'fieldref', field, other: textOf(v.value), op, cased })));
  } else if (numOp.length || timePart.length) {
    const op = (numOp[0] ?? 'eq') as NumOp;
    result = combine(
      values.map((v) => {
        const n = typeof v.value === 'number' ? v.value : Number(textOf(v.value));
        if (typeof v.value === 'boolean' || !Number.isFinite(n) || textOf(v.value).trim() === '') {
          throw invalid(`'${key}' compares numbers; '${textOf(v.value)}' is not one`, line);
        }
        const test: Test = timePart[0] ? { t: 'time', part: timePart[0] as TimePart, op, value: n } : { t: 'num', op, value: n };
        return leaf(field, test, keyword);
      }),
    );
  } else {
    result = plainValues(field, values, mods, ctx, keyword, cased, combine);
  }

  if (has('neq')) {
    // Different from every value, and present: an absent field is not "different".
    return keyword ? not(result) : and([not({ k: 'null', field }), not(result)]);
  }
  return result;
}

function plainValues(
  field: string,
  values: { value: string | number | boolean | null; text?: string }[],
  mods: string[],
  ctx: ValueContext,
  keyword: boolean,
  cased: boolean,
  combine: (alts: Expr<string>[]) => Expr<string>,
): Expr<string> {
  const expand = mods.includes('expand');
  const hasStrOp = mods.some((m) => STR_OPS[m]);
  return combine(
    values.map((v) => {
      let alts: Alt[] = [
        {
          pieces: typeof v.value === 'string' ? parseSigmaString(v.value, expand) : literalPieces(v.text ?? String(v.value)),
          bytes: false,
        },
      ];
      for (const m of mods) alts = transform(m, alts, ctx);
      // A keyword is searched for inside field values unless its own modifiers say where.
      if (keyword && !hasStrOp) alts = alts.map((a) => ({ ...a, pieces: [STAR, ...a.pieces, STAR] }));
      if (alts.length === 0) return FALSE; // a placeholder without values
      return or(alts.map((a) => leaf(field, lowerPattern(a.pieces, cased), keyword)));
    }),
  );
}

function transform(m: string, alts: Alt[], ctx: ValueContext): Alt[] {
  const line = ctx.line;
  const plain = (a: Alt) => {
    const t = plainText(a.pieces);
    if (t === undefined) throw invalid(`'${m}' cannot encode a value with wildcards or placeholders`, line);
    return t;
  };
  const text = (a: Alt) => (a.bytes ? plain(a) : utf8Bytes(plain(a)));
  switch (m) {
    case 'contains':
      return alts.map((a) => ({ ...a, pieces: [STAR, ...a.pieces, STAR] }));
    case 'startswith':
      return alts.map((a) => ({ ...a, pieces: [...a.pieces, STAR] }));
    case 'endswith':
      return alts.map((a) => ({ ...a, pieces: [STAR, ...a.pieces] }));
    case 'base64':
      return alts.map((a) => ({ pieces: literalPieces(base64(text(a))), bytes: false }));
    case 'base64offset':
      return alts.flatMap((a) => base64Offsets(text(a)).map((s) => ({ pieces: literalPieces(s), bytes: false })));
    case 'utf16le':
    case 'wide':
    case 'utf16be':
    case 'utf16': {
      const enc = m === 'utf16be' ? utf16be : m === 'utf16' ? utf16bom : utf16le;
      return alts.map((a) => {
        if (a.bytes) throw invalid(`'${m}' applied to a value that is already encoded`, line);
        return { pieces: literalPieces(enc(plain(a))), bytes: true };
      });
    }
    case 'windash':
      return alts.flatMap((a) => windash(a, line));
    case 'expand':
      return alts.flatMap((a) => expandPlaceholders(a, ctx));
    default:
      return alts;
  }
}

/** `windash` on each literal piece; wildcards count as non-word neighbours. */
function windash(a: Alt, line: number): Alt[] {
  let dashes = 0;
  for (const p of a.pieces) if (typeof p === 'string') dashes += flagDashes(p).length;
  if (5 ** dashes > MAX_WINDASH_FORMS) {
    throw unsupported(`'windash' on a value with ${dashes} flag dashes (${5 ** dashes} spellings; at most ${MAX_WINDASH_FORMS})`, line);
  }
  let forms: Piece[][] = [[]];
  for (const p of a.pieces) {
    if (typeof p !== 'string') {
      forms = forms.map((f) => [...f, p]);
      continue;
    }
    const at = flagDashes(p);
    const spelled = at.length ? windashForms(p, at) : [p];
    forms = forms.flatMap((f) => spelled.map((s) => [...f, s]));
  }
  return forms.map((pieces) => ({ pieces, bytes: a.bytes }));
}

function expandPlaceholders(a: Alt, ctx: ValueContext): Alt[] {
  let forms: Piece[][] = [[]];
  for (const p of a.pieces) {
    if (typeof p === 'object') {
      const values = ctx.placeholder(p.placeholder);
      if (!values || values.length === 0) {
        ctx.missing.add(p.placeholder);
        return [];
      }
      const parsed = values.map((v) => parseSigmaString(v));
      forms = forms.flatMap((f) => parsed.map((v) => [...f, ...v]));
    } else forms = forms.map((f) => [...f, p]);
  }
  return forms.map((pieces) => ({ pieces, bytes: a.bytes }));
}

function leaf(field: string, test: Test, keyword: boolean): Expr<string> {
  return keyword ? { k: 'keyword', test } : { k: 'test', field, test };
}

function textOf(v: string | number | boolean | null): string {
  return v === null ? '' : String(v);
}

/** The scalar values of an entry: one scalar, or a list of them. */
function scalars(value: YValue, key: string): { value: string | number | boolean | null; text?: string }[] {
  if (value.kind === 'scalar') return [value];
  if (value.kind === 'map') throw invalid(`'${key}' takes a value or a list of values, not a map`, value.line);
  if (value.items.length === 0) throw invalid(`'${key}' has an empty list of values`, value.line);
  return value.items.map((i) => {
    if (i.kind !== 'scalar') throw invalid(`'${key}' takes a list of plain values; item at line ${i.line} is a ${i.kind === 'map' ? 'map' : 'list'}`, i.line);
    return i;
  });
}
