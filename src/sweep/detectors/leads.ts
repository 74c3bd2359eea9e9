/**
 * Speed only: where a pattern's matches can start. Most trait patterns find nothing in most files, and irregexp has
 * to try every position to say so, which is slow for patterns that open with a look-behind or an alternation of
 * names. But every match of `(?<![\w>:$])(?:system|exec|passthru)\s*\(` starts with `system`, `exec` or `passthru`:
 * a text holding none of those words cannot match, and in one that does no match starts before the first of them.
 * `leadsOf` reads those opening literals from a pattern's source; a `LeadIndex` finds, in one pass over a text,
 * where each first occurs, so a pattern is skipped or searched from there, with the very same matches.
 */

/** Opening literals longer than this are cut (a shorter prefix is still one every match starts with). */
const MAX_LEAD = 16;
/** Patterns with more opening literals than this are searched as they are. */
const MAX_LEADS = 48;

/** What a part of a pattern can start with: `text`, and whether `text` is all it matched (so what follows extends it). */
interface Lead {
  text: string;
  whole: boolean;
}

/** A pattern construct the reader does not follow; the pattern is then searched as it is. */
class Unsupported extends Error {}

const EMPTY: Lead[] = [{ text: '', whole: true }];
/** A class, `.`, `\w` or a back-reference: a character (or more) we do not know. */
const UNKNOWN: Lead[] = [{ text: '', whole: false }];
const CONTROL: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };

/** A recursive-descent reader of the regex syntax the detectors use (no `u` flag), keeping only opening literals. */
class LeadReader {
  private i = 0;
  constructor(private readonly src: string) {}

  read(): Lead[] {
    const leads = this.alternation();
    if (this.i !== this.src.length) throw new Unsupported(`unbalanced ) at ${this.i}`);
    return leads;
  }

  private alternation(): Lead[] {
    const out = [...this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      out.push(...this.sequence());
    }
    return tidy(out);
  }

  private sequence(): Lead[] {
    let acc = EMPTY;
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      const q = this.quantifier();
      if (q === undefined) {
        if (atom !== undefined) acc = concat(acc, atom);
        continue;
      }
      // a quantified assertion is legal in sloppy mode but nothing the detectors write
      if (atom === undefined) throw new Unsupported('quantified assertion');
      // x? or x*: the text may start after it; x+ or x{2,}: it starts with x, but what follows x is unknown
      const once = atom.map((l) => ({ text: l.text, whole: l.whole && q.max === 1 }));
      acc = concat(acc, q.min === 0 ? [...EMPTY, ...once] : once);
    }
    return acc;
  }

  /** One atom's leads, or undefined for an assertion (it matches no characters). */
  private atom(): Lead[] | undefined {
    const src = this.src;
    const c = src[this.i++] as string;
    if (c === '(') {
      // (?= (?! (?<= (?<! look around without matching; (?: and ( group; other (? forms are not read
      const opener = /^\?(?::|=|!|<=|<!)/.exec(src.slice(this.i, this.i + 3))?.[0] ?? '';
      if (opener === '' && src[this.i] === '?') throw new Unsupported('named or modified group');
      this.i += opener.length;
      const look = opener.length > 0 && opener !== '?:';
      const inner = this.alternation();
      if (src[this.i++] !== ')') throw new Unsupported('unclosed group');
      return look ? undefined : inner;
    }
    if (c === '[') {
      if (src[this.i] === '^') this.i++;
      while (this.i < src.length && src[this.i] !== ']') this.i += src[this.i] === '\\' ? 2 : 1;
      if (src[this.i++] !== ']') throw new Unsupported('unclosed class');
      return UNKNOWN;
    }
    if (c === '.') return UNKNOWN;
    if (c === '^' || c === '$') return undefined;
    if (c === '*' || c === '+' || c === '?' || c === '{') throw new Unsupported(`${c} without an atom`);
    if (c !== '\\') return [{ text: c, whole: true }];
    const d = src[this.i++] ?? '';
    if (d === 'b' || d === 'B') return undefined;
    if ('dDwWsS'.includes(d) || (d >= '1' && d <= '9')) return UNKNOWN;
    const control = CONTROL[d];
    if (control !== undefined) return [{ text: control, whole: true }];
    // \x, \u, \c, \k, \p, \0 and other letter escapes have meanings we do not spell out here
    if (/^[a-z0-9]$/i.test(d)) throw new Unsupported(`escape \\${d}`);
    return [{ text: d, whole: true }];
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

/** Everything `acc` can start with, followed by `next`. */
function concat(acc: Lead[], next: Lead[]): Lead[] {
  const out: Lead[] = [];
  for (const a of acc) {
    if (!a.whole) out.push(a);
    else for (const b of next) out.push({ text: a.text + b.text, whole: b.whole });
  }
  return tidy(out);
}

/** Cut long leads and drop those that add nothing; too many: give up. */
function tidy(leads: Lead[]): Lead[] {
  const cut = leads.map((l) => (l.text.length > MAX_LEAD ? { text: l.text.slice(0, MAX_LEAD), whole: false } : l));
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
  if (out.length > MAX_LEADS) throw new Unsupported(`more than ${MAX_LEADS} leads`);
  return out;
}

/**
 * The literals every match of `re` starts with (one of them), or undefined when the pattern can start with a
 * character we cannot name (a class, `\w`, `.`) or uses syntax this reader does not follow.
 *
 *   leadsOf(/(?<![\w>:$])(?:eval|assert)\s*\(/)  // ['eval', 'assert']
 */
export function leadsOf(re: RegExp): string[] | undefined {
  // sticky searches start where they are told, and u/v/i change what a literal means
  if (/[yuvi]/.test(re.flags)) return undefined;
  let leads: Lead[];
  try {
    leads = new LeadReader(re.source).read();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  const texts = [...new Set(leads.map((l) => l.text))];
  if (texts.some((t) => t === '')) return undefined;
  // a lead that starts with another is implied by it (a text starting with 'evaluate' starts with 'eval')
  return texts.filter((t) => !texts.some((o) => o !== t && t.startsWith(o)));
}

/** A table slot for three characters (8 bits each, mixed into 16); several triples share a slot, which only costs a look. */
function slotOf(a: number, b: number, c: number): number {
  return ((a << 10) ^ (b << 5) ^ c) & 0xffff;
}

/**
 * The opening literals of a fixed set of patterns, looked up in one pass over a text: a table of the literals'
 * first three characters says at which positions one may start, and only there is a literal compared. Literals of
 * one or two characters are looked for with indexOf.
 *
 *   const index = new LeadIndex([/(?<!\w)eval\s*\(/]);
 *   index.scan(text).start(/(?<!\w)eval\s*\(/)  // -1 (no "eval" in text), else where the first "eval" is
 */
export class LeadIndex {
  private readonly words: string[] = [];
  private readonly wordIds = new Map<string, number>();
  /** Per known pattern, the ids of its opening literals; null: it has none we can name. */
  private readonly patterns = new Map<RegExp, Int32Array | null>();
  /** slotOf(first three characters) → the number of the bucket of literals starting so, + 1 (0: none). */
  private readonly table = new Uint16Array(65536);
  private readonly buckets: Int32Array[] = [];
  /** Literals of one or two characters, found with indexOf. */
  private readonly short: number[] = [];

  constructor(patterns: Iterable<RegExp>) {
    const bySlot = new Map<number, number[]>();
    for (const re of patterns) {
      if (this.patterns.has(re)) continue;
      const leads = leadsOf(re);
      this.patterns.set(re, leads === undefined ? null : Int32Array.from(leads, (w) => this.idOf(w, bySlot)));
    }
    for (const [slot, ids] of bySlot) {
      this.buckets.push(Int32Array.from(ids));
      this.table[slot] = this.buckets.length;
    }
  }

  private idOf(word: string, bySlot: Map<number, number[]>): number {
    let id = this.wordIds.get(word);
    if (id !== undefined) return id;
    id = this.words.length;
    this.words.push(word);
    this.wordIds.set(word, id);
    if (word.length < 3) this.short.push(id);
    else {
      const slot = slotOf(word.charCodeAt(0) & 255, word.charCodeAt(1) & 255, word.charCodeAt(2) & 255);
      const ids = bySlot.get(slot) ?? [];
      ids.push(id);
      bySlot.set(slot, ids);
    }
    return id;
  }

  /**
   * Where each literal first occurs in `s`. `bytes`: the text as latin1 bytes (each character's low 8 bits), which a
   * caller that built `s` from bytes already has; the table is read on them, the literals compared on `s`.
   */
  scan(s: string, bytes: Uint8Array = Buffer.from(s, 'latin1')): Leads {
    const words = this.words;
    const first = new Int32Array(words.length).fill(-1);
    for (const id of this.short) first[id] = s.indexOf(words[id] as string);
    const n = Math.min(bytes.length, s.length);
    const table = this.table;
    const buckets = this.buckets;
    let a = n > 0 ? (bytes[0] as number) : 0;
    let b = n > 1 ? (bytes[1] as number) : 0;
    for (let i = 2; i < n; i++) {
      const c = bytes[i] as number;
      const slot = table[((a << 10) ^ (b << 5) ^ c) & 0xffff] as number;
      a = b;
      b = c;
      if (slot === 0) continue;
      const bucket = buckets[slot - 1] as Int32Array;
      for (let k = 0; k < bucket.length; k++) {
        const id = bucket[k] as number;
        if (first[id] === -1 && s.startsWith(words[id] as string, i - 2)) first[id] = i - 2;
      }
    }
    return new Leads(this.patterns, first);
  }
}

/** One text's look-up results: where a known pattern's search can start. */
export class Leads {
  constructor(
    private readonly patterns: ReadonlyMap<RegExp, Int32Array | null>,
    private readonly first: Int32Array,
  ) {}

  /** The first position a match of `re` can start at: -1 when it cannot match, 0 when `re` is not known here. */
  start(re: RegExp): number {
    const ids = this.patterns.get(re);
    if (ids === undefined || ids === null) return 0;
    let at = -1;
    for (let k = 0; k < ids.length; k++) {
      const p = this.first[ids[k] as number] as number;
      if (p >= 0 && (at < 0 || p < at)) at = p;
    }
    return at;
  }
}
