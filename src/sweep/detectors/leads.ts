/**
 * Speed only: where a pattern's matches can start, and whether they can occur at all. Most trait patterns find
 * nothing in most files, and irregexp has to try every position to say so, which is slow for patterns that open
 * with a look-behind or an alternation of names. The literals a pattern's matches must hold (literals.ts) are looked
 * up in one pass over the text: a pattern whose literals are all absent is skipped, and one whose matches start
 * with a literal is searched from the first of them. Either way it finds the very same matches.
 */
import { literalsOf, type Literals } from './literals.js';

/**
 * A pattern's literal sets without those holding a two-character literal: such a literal is looked for with indexOf,
 * which, when its first character is common ('$o' in PHP), costs about what searching the pattern itself does.
 * (One character is a memchr; three or more are read from the table during the one pass.)
 */
function cheap(literals: Literals): Literals {
  const out: Literals = {};
  const ok = (set: string[] | undefined): set is string[] => set !== undefined && set.every((w) => w.length !== 2);
  if (ok(literals.leads)) out.leads = literals.leads;
  if (ok(literals.factors)) out.factors = literals.factors;
  return out;
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
  /** Per known pattern, the ids of the literals its matches start with, and of those they hold somewhere. */
  private readonly patterns = new Map<RegExp, Known>();
  /** Lists of literals of which a trait needs one (PatternTrait.needs), by identity. */
  private readonly lists = new Map<readonly string[], Int32Array>();
  /** slotOf(first three characters) → the number of the bucket of literals starting so, + 1 (0: none). */
  private readonly table = new Uint16Array(65536);
  private readonly buckets: Int32Array[] = [];
  /** Literals of one or two characters, found with indexOf. */
  private readonly short: number[] = [];

  constructor(patterns: Iterable<RegExp>, lists: Iterable<readonly string[]> = []) {
    const bySlot = new Map<number, number[]>();
    const ids = (words: readonly string[] | undefined): Int32Array | null => (words === undefined ? null : Int32Array.from(words, (w) => this.idOf(w, bySlot)));
    for (const re of patterns) {
      if (this.patterns.has(re)) continue;
      const { leads, factors } = cheap(literalsOf(re));
      // the leads are a set of factors too; only a different set adds a check
      const extra = factors !== undefined && (leads === undefined || factors.join('\n') !== leads.join('\n'));
      this.patterns.set(re, { leads: ids(leads), factors: extra ? ids(factors) : null });
    }
    for (const list of lists) if (!this.lists.has(list)) this.lists.set(list, ids(list) as Int32Array);
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
    return new Leads(this.patterns, this.lists, first);
  }
}

interface Known {
  leads: Int32Array | null;
  factors: Int32Array | null;
}

/** One text's look-up results: where a known pattern's search can start. */
export class Leads {
  /** First matches already searched for in this text (see firstMatch), by pattern. */
  readonly matches = new Map<RegExp, RegExpExecArray | null>();

  constructor(
    private readonly patterns: ReadonlyMap<RegExp, Known>,
    private readonly lists: ReadonlyMap<readonly string[], Int32Array>,
    private readonly first: Int32Array,
  ) {}

  /** The first position a match of `re` can start at: -1 when it cannot match, 0 when `re` is not known here. */
  start(re: RegExp): number {
    const known = this.patterns.get(re);
    if (known === undefined) return 0;
    if (known.factors !== null && !this.any(known.factors)) return -1;
    if (known.leads === null) return 0;
    let at = -1;
    for (let k = 0; k < known.leads.length; k++) {
      const p = this.first[known.leads[k] as number] as number;
      if (p >= 0 && (at < 0 || p < at)) at = p;
    }
    return at;
  }

  /** Whether the text holds one of `list`; undefined when the list is not known here. */
  holdsAny(list: readonly string[]): boolean | undefined {
    const ids = this.lists.get(list);
    return ids === undefined ? undefined : this.any(ids);
  }

  private any(ids: Int32Array): boolean {
    for (let k = 0; k < ids.length; k++) if ((this.first[ids[k] as number] as number) >= 0) return true;
    return false;
  }
}
