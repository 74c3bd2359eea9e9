/**
 * Speed only: literal words a pattern's matches must hold, read from the pattern's source. Every match of
 * `(?<![\w>:$])(?:system|exec|passthru)\s*\(` starts with `system`, `exec` or `passthru` (its leads), and every match
 * of `\$\w+\s*\(\s*(?:base64_decode|gzinflate)\s*\(` holds `base64_decode` or `gzinflate` (its factors): a text
 * without any of them cannot match. The reader follows the regex syntax the detectors write (no `u` flag) and
 * answers undefined for anything else, so a pattern it cannot read is simply searched as it is.
 */

/** Literals longer than this are cut (a shorter prefix is still held by every match). */
const MAX_TEXT = 16;
/** With more literals than this, a pattern is searched as it is. */
const MAX_LITERALS = 48;
/** Classes of at most this many plain characters are read as a choice between them (`["']`). */
const MAX_CLASS = 4;

/** A parsed pattern part; `leads` (and a group's `suffixes`) are filled in once, when first asked for. */
type Node = (
  | { kind: 'char'; c: string }
  /** A class, `.`, `\w`, a back-reference: text we do not name. */
  | { kind: 'any' }
  /** `^`, `$`, `\b`, a look-around: matches no characters. */
  | { kind: 'assert' }
  | { kind: 'group'; alts: Node[][]; suffixes?: Lead[][][] }
  | { kind: 'repeat'; node: Node; min: number; max: number }
) & { leads?: Lead[] };

/** A pattern construct the reader does not follow. */
class Unsupported extends Error {}

const CONTROL: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };

/** A recursive-descent parser of a regex source into the few node kinds above. */
class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node[][] {
    const alts = this.alternation();
    if (this.i !== this.src.length) throw new Unsupported(`unbalanced ) at ${this.i}`);
    return alts;
  }

  private alternation(): Node[][] {
    const alts = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts;
  }

  private sequence(): Node[] {
    const seq: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const node = this.atom();
      const q = this.quantifier();
      if (q === undefined) seq.push(node);
      else if (node.kind === 'assert') throw new Unsupported('quantified assertion');
      else seq.push({ kind: 'repeat', node, min: q.min, max: q.max });
    }
    return seq;
  }

  private atom(): Node {
    const src = this.src;
    const c = src[this.i++] as string;
    if (c === '(') {
      // (?= (?! (?<= (?<! look around without matching; (?: and ( group; other (? forms are not read
      const opener = /^\?(?::|=|!|<=|<!)/.exec(src.slice(this.i, this.i + 3))?.[0] ?? '';
      if (opener === '' && src[this.i] === '?') throw new Unsupported('named or modified group');
      this.i += opener.length;
      const alts = this.alternation();
      if (src[this.i++] !== ')') throw new Unsupported('unclosed group');
      return opener.length > 0 && opener !== '?:' ? { kind: 'assert' } : { kind: 'group', alts };
    }
    if (c === '[') return this.charClass();
    if (c === '.') return { kind: 'any' };
    if (c === '^' || c === '$') return { kind: 'assert' };
    if (c === '*' || c === '+' || c === '?' || c === '{') throw new Unsupported(`${c} without an atom`);
    if (c !== '\\') return { kind: 'char', c };
    const d = src[this.i++] ?? '';
    if (d === 'b' || d === 'B') return { kind: 'assert' };
    if ('dDwWsS'.includes(d) || (d >= '1' && d <= '9')) return { kind: 'any' };
    const control = CONTROL[d];
    if (control !== undefined) return { kind: 'char', c: control };
    // \x, \u, \c, \k, \p, \0 and other letter escapes have meanings we do not spell out here
    if (/^[a-z0-9]$/i.test(d)) throw new Unsupported(`escape \\${d}`);
    return { kind: 'char', c: d };
  }

  /** `[...]`: a choice between a few plain characters, else text we do not name. */
  private charClass(): Node {
    const src = this.src;
    const negated = src[this.i] === '^';
    if (negated) this.i++;
    const chars = new Set<string>();
    let plain = !negated;
    while (this.i < src.length && src[this.i] !== ']') {
      let c = src[this.i++] as string;
      if (c === '\\') {
        const d = src[this.i++] ?? '';
        const control = CONTROL[d];
        if (control !== undefined) c = control;
        else if (/^[a-z0-9]$/i.test(d)) plain = false;
        else c = d;
      } else if (c === '-') plain = false;
      chars.add(c);
    }
    if (src[this.i++] !== ']') throw new Unsupported('unclosed class');
    if (!plain || chars.size === 0 || chars.size > MAX_CLASS) return { kind: 'any' };
    return { kind: 'group', alts: [...chars].map((c) => [{ kind: 'char', c }]) };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const src = this.src;
    const c = src[this.i];
    let q: { min: number; max: number } | undefined;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q !== undefined) this.i++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.i));
      // a { that starts no quantifier is a literal brace (sloppy mode), read by atom() next
      if (m === null) return undefined;
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]) };
      this.i += m[0].length;
    } else return undefined;
    if (src[this.i] === '?') this.i++;
    return q;
  }
}

/** What a part of a pattern can start with: `text`, and whether `text` is all it matched (so what follows extends it). */
interface Lead {
  text: string;
  whole: boolean;
}

const EMPTY: Lead[] = [{ text: '', whole: true }];
const UNKNOWN: Lead[] = [{ text: '', whole: false }];

/** Cut long leads and drop those that add nothing; too many: give up. */
function tidy(leads: Lead[]): Lead[] {
  // most parts of a pattern have a single lead: nothing to compare it with
  if (leads.length === 1) {
    const l = leads[0] as Lead;
    return l.text.length > MAX_TEXT ? [{ text: l.text.slice(0, MAX_TEXT), whole: false }] : leads;
  }
  const cut = leads.map((l) => (l.text.length > MAX_TEXT ? { text: l.text.slice(0, MAX_TEXT), whole: false } : l));
  // leads that no longer grow: any text starting like one of them starts with it, so it covers the longer ones
  const stops = cut.filter((l) => !l.whole).map((l) => l.text);
  const out: Lead[] = [];
  const seen = new Set<string>();
  for (const l of cut) {
    const key = (l.whole ? '+' : '.') + l.text;
    if (seen.has(key)) continue;
    if (stops.some((s) => l.text.startsWith(s) && (l.whole || s !== l.text))) continue;
    seen.add(key);
    out.push(l);
  }
  if (out.length > MAX_LITERALS) throw new Unsupported(`more than ${MAX_LITERALS} literals`);
  return out;
}

/** Everything `acc` can start with, followed by `next` (associative, so sequences may be folded from either end). */
function concat(acc: Lead[], next: Lead[]): Lead[] {
  if (next === EMPTY) return acc;
  const out: Lead[] = [];
  for (const a of acc) {
    if (!a.whole) out.push(a);
    else for (const b of next) out.push({ text: a.text + b.text, whole: b.whole });
  }
  return tidy(out);
}

/** What a node can start with, worked out once per node (a sequence asks for its items' leads many times). */
function nodeLeads(node: Node): Lead[] {
  if (node.leads !== undefined) return node.leads;
  let leads: Lead[];
  switch (node.kind) {
    case 'char': leads = [{ text: node.c, whole: true }]; break;
    case 'any': leads = UNKNOWN; break;
    // an assertion matches no characters: what follows it starts the text
    case 'assert': leads = EMPTY; break;
    case 'group': leads = tidy(suffixesOf(node).flatMap((suffixes) => suffixes[0] as Lead[])); break;
    case 'repeat': {
      // x? or x*: the text may start after x; x+ or x{2,}: it starts with x, but what follows x is unknown
      const once = nodeLeads(node.node).map((l) => ({ text: l.text, whole: l.whole && node.max === 1 }));
      leads = tidy(node.min === 0 ? [...EMPTY, ...once] : once);
      break;
    }
  }
  node.leads = leads;
  return leads;
}

/** Per alternative of a group, for each k what the part from item k on can start with (built from the end). */
function suffixesOf(group: Extract<Node, { kind: 'group' }>): Lead[][][] {
  group.suffixes ??= group.alts.map((seq) => {
    const out = new Array<Lead[]>(seq.length + 1);
    out[seq.length] = EMPTY;
    for (let k = seq.length - 1; k >= 0; k--) out[k] = concat(nodeLeads(seq[k] as Node), out[k + 1] as Lead[]);
    return out;
  });
  return group.suffixes;
}

/** The distinct texts of leads, none of them starting with another (that one implies it); undefined if one is ''. */
function textsOf(leads: readonly Lead[]): string[] | undefined {
  if (leads.some((l) => l.text === '')) return undefined;
  if (leads.length === 1) return [(leads[0] as Lead).text];
  const texts = [...new Set(leads.map((l) => l.text))];
  return texts.filter((t) => !texts.some((o) => o !== t && t.startsWith(o)));
}

/** The better of two literal sets to look for: longer shortest literal first (rarer), then fewer literals. */
function better(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const shortest = (x: string[]): number => Math.min(6, ...x.map((t) => t.length));
  if (shortest(a) !== shortest(b)) return shortest(a) > shortest(b) ? a : b;
  return b.length < a.length ? b : a;
}

/** Literals of which every match of the group holds one (undefined: none we can name). Every alternative must
 * hold one of its literals, so the union of the alternatives' sets is held by every match. */
function groupFactors(group: Extract<Node, { kind: 'group' }>): string[] | undefined {
  const out = new Set<string>();
  const suffixes = suffixesOf(group);
  for (let a = 0; a < group.alts.length; a++) {
    const seq = group.alts[a] as Node[];
    let best: string[] | undefined;
    for (let k = 0; k < seq.length; k++) {
      // what the text matched from item k on starts with is held by the whole match
      best = better(best, textsOf((suffixes[a] as Lead[][])[k] as Lead[]));
      // and so is what a required item itself holds
      const node = seq[k] as Node;
      if (node.kind === 'group') best = better(best, groupFactors(node));
      else if (node.kind === 'repeat' && node.min > 0 && node.node.kind === 'group') best = better(best, groupFactors(node.node));
    }
    if (best === undefined) return undefined;
    for (const t of best) out.add(t);
  }
  if (out.size > MAX_LITERALS) return undefined;
  return [...out];
}

/** A pattern's literals: what its matches start with, and what they hold somewhere (see leadsOf, factorsOf). */
export interface Literals {
  leads?: string[];
  factors?: string[];
}

/** Both literal sets of `re` from one reading of its source. */
export function literalsOf(re: RegExp): Literals {
  // sticky searches start where they are told, and u/v/i change what a literal means
  if (/[yuvi]/.test(re.flags)) return {};
  try {
    const top: Node = { kind: 'group', alts: new Parser(re.source).parse() };
    const out: Literals = {};
    const leads = textsOf(nodeLeads(top));
    if (leads !== undefined) out.leads = leads;
    const factors = groupFactors(top);
    if (factors !== undefined) out.factors = factors;
    return out;
  } catch (error) {
    if (error instanceof Unsupported) return {};
    throw error;
  }
}

/**
 * The literals every match of `re` starts with (one of them), or undefined when a match can start with a character
 * we cannot name.
 *
 *   leadsOf(/(?<![\w>:$])(?:eval|assert)\s*\(/)  // ['eval', 'assert']
 */
export function leadsOf(re: RegExp): string[] | undefined {
  return literalsOf(re).leads;
}

/**
 * Literals every match of `re` holds one of, somewhere (the leads are one such set; a later part may give a rarer
 * one), or undefined.
 *
 *   factorsOf(/\$\w+\(\s*(?:base64_decode|gzinflate)\s*\(/)  // ['base64_decode', 'gzinflate']
 */
export function factorsOf(re: RegExp): string[] | undefined {
  return literalsOf(re).factors;
}
