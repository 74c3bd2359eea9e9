/**
 * Literal prefiltering: most rules can only match when some literal occurs in some field (`Image|endswith:
 * '\whoami.exe'` needs Image to end with `\whoami.exe`). For each rule we derive such a necessary condition — a set
 * of (field, kind, literal) atoms at least one of which must hold: equal, starts with, ends with, contains — and for
 * each event check each field once for all the atoms any candidate rule needs (anchored ones by walking a trie from
 * the text's ends, `contains` ones in one scan). Only the rules whose literals were found (and those with no such condition) are
 * then evaluated. The scan reads the same lower-cased text the tests read, so it never skips a rule that could
 * match; the differential and regression tests run with it.
 */
import type { MatchContext } from './context.js';
import type { Expr } from './expr.js';

export type AtomKind = 'eq' | 'prefix' | 'suffix' | 'contains';

/** Per slot, literals (lower-case) of each kind; one of them must hold for the rule to match. */
export type SlotAtoms = Record<AtomKind, Set<string>>;
/** slot → atoms; null when nothing is required. */
export type Requirement = Map<number, SlotAtoms> | null;

const ASCII = /^[\x00-\x7f]*$/;
const KIND: Record<string, AtomKind> = { eq: 'eq', prefix: 'prefix', suffix: 'suffix', contains: 'contains' };
const atoms = (): SlotAtoms => ({ eq: new Set(), prefix: new Set(), suffix: new Set(), contains: new Set() });

/** A necessary condition of `e` (`e` ⇒ some atom holds), or null. `ignore` are slots not worth checking. */
export function requirementOf(e: Expr<number>, ignore: ReadonlySet<number>): Requirement {
  switch (e.k) {
    case 'test': {
      if (ignore.has(e.field)) return null;
      const t = e.test;
      let kind: AtomKind;
      let lits: string[];
      if (t.t === 'str') {
        kind = KIND[t.op]!;
        lits = t.values;
      } else if (t.t === 'glob') {
        // A glob needs its first part at the start, its last at the end, its middle parts somewhere.
        const first = t.parts[0]!;
        const last = t.parts[t.parts.length - 1]!;
        const middle = t.parts.slice(1, -1).reduce((a, b) => (b.length > a.length ? b : a), '');
        if (last.length >= first.length && last.length >= middle.length) [kind, lits] = ['suffix', [last]];
        else if (first.length >= middle.length) [kind, lits] = ['prefix', [first]];
        else [kind, lits] = ['contains', [middle]];
      } else return null;
      // Cased values are compared as written; their lower case must occur in the lower-cased text, which holds for
      // ASCII (and is not guaranteed for every Unicode character, so those are not used).
      if (lits.some((v) => v === '' || (t.cased && !ASCII.test(v)))) return null;
      const a = atoms();
      for (const v of lits) a[kind].add(t.cased ? v.toLowerCase() : v);
      return new Map([[e.field, a]]);
    }
    case 'or': {
      const out = new Map<number, SlotAtoms>();
      for (const arg of e.args) {
        const r = requirementOf(arg, ignore);
        if (!r) return null;
        for (const [slot, a] of r) {
          let o = out.get(slot);
          if (!o) out.set(slot, (o = atoms()));
          for (const k of ['eq', 'prefix', 'suffix', 'contains'] as const) for (const l of a[k]) o[k].add(l);
        }
      }
      return out;
    }
    case 'and': {
      // Any conjunct's condition is necessary; take the one likely to hold least often and cheapest to check:
      // long literals first, then anchored ones (found without scanning the text), then fewer.
      let best: Requirement = null;
      let bestScore = -Infinity;
      for (const arg of e.args) {
        const r = requirementOf(arg, ignore);
        if (!r) continue;
        let shortest = Infinity;
        let count = 0;
        let scans = false;
        for (const a of r.values()) {
          for (const k of ['eq', 'prefix', 'suffix', 'contains'] as const) {
            for (const l of a[k]) {
              shortest = Math.min(shortest, l.length);
              count++;
            }
          }
          if (a.contains.size) scans = true;
        }
        const score = Math.min(shortest, 10) * 1000 + (scans ? 0 : 3000) - Math.min(count, 999);
        if (score > bestScore) {
          best = r;
          bestScore = score;
        }
      }
      return best;
    }
    default:
      return null;
  }
}

/** Anchored literals (whole value, start, end) found by walking tries from the ends of the text, not by scanning. */
class AnchorIndex {
  private readonly eq = new Map<string, number[]>();
  private readonly prefix: TrieNode = { next: new Map(), ids: null };
  private readonly suffix: TrieNode = { next: new Map(), ids: null };
  private hasPrefix = false;
  private hasSuffix = false;

  add(kind: 'eq' | 'prefix' | 'suffix', lit: string, id: number): void {
    if (kind === 'eq') {
      const l = this.eq.get(lit);
      if (l) l.push(id);
      else this.eq.set(lit, [id]);
      return;
    }
    let node = kind === 'prefix' ? this.prefix : this.suffix;
    if (kind === 'prefix') this.hasPrefix = true;
    else this.hasSuffix = true;
    for (let i = 0; i < lit.length; i++) {
      const c = lit.charCodeAt(kind === 'prefix' ? i : lit.length - 1 - i);
      let n = node.next.get(c);
      if (!n) node.next.set(c, (n = { next: new Map(), ids: null }));
      node = n;
    }
    (node.ids ??= []).push(id);
  }

  check(s: string, m: Marks): void {
    if (this.eq.size) {
      const l = this.eq.get(s);
      if (l) for (const id of l) m.set(id);
    }
    if (this.hasPrefix) walk(this.prefix, s, 0, 1, m);
    if (this.hasSuffix) walk(this.suffix, s, s.length - 1, -1, m);
  }
}

interface TrieNode {
  next: Map<number, TrieNode>;
  ids: number[] | null;
}

function walk(root: TrieNode, s: string, from: number, step: number, m: Marks): void {
  let node: TrieNode | undefined = root;
  for (let i = from; i >= 0 && i < s.length; i += step) {
    node = node.next.get(s.charCodeAt(i));
    if (!node) return;
    if (node.ids) for (const id of node.ids) m.set(id);
  }
}

/**
 * The entries marked for the current event, as a stamp per entry and as a list (each entry once), so the caller
 * visits only those instead of testing every candidate.
 */
class Marks {
  readonly mark: Int32Array;
  readonly ids: Int32Array;
  stamp = 0;
  n = 0;
  constructor(size: number) {
    this.mark = new Int32Array(size);
    this.ids = new Int32Array(size);
  }
  set(id: number): void {
    if (this.mark[id] !== this.stamp) {
      this.mark[id] = this.stamp;
      this.ids[this.n++] = id;
    }
  }
}

/**
 * All literals wanted in one slot, found in one pass over its text. Literals of three or more characters are filed
 * under one of their three-character grams, the one whose bucket is emptiest when the literal is added (so
 * `IMPHASH=…` literals spread over their random parts instead of piling up under `imp`); one- and two-character
 * literals (emoji lists make hundreds) are filed under their characters. A text position is checked against a table
 * of two-character starts, then looked up in an open-addressing table of grams, and a hit is confirmed with
 * startsWith at the literal's own offset.
 */
class SlotScanner {
  private readonly entries: Entry[] = [];
  private readonly byLit = new Map<string, number>();
  private readonly gramCount = new Map<number, number>();
  private frozen: Tables | undefined;

  add(lit: string, id: number): void {
    let i = this.byLit.get(lit);
    if (i === undefined) {
      i = this.entries.length;
      this.byLit.set(lit, i);
      let at = 0;
      if (lit.length >= 3) {
        let bestSize = Infinity;
        for (let k = 0; k + 3 <= lit.length; k++) {
          const size = this.gramCount.get(gram3(lit.charCodeAt(k), lit.charCodeAt(k + 1), lit.charCodeAt(k + 2))) ?? 0;
          if (size < bestSize) {
            at = k;
            bestSize = size;
            if (size === 0) break;
          }
        }
        const g = gram3(lit.charCodeAt(at), lit.charCodeAt(at + 1), lit.charCodeAt(at + 2));
        this.gramCount.set(g, (this.gramCount.get(g) ?? 0) + 1);
      }
      this.entries.push({ lit, at, ids: [] });
      this.frozen = undefined;
    }
    const e = this.entries[i]!;
    if (e.ids[e.ids.length - 1] !== id) e.ids.push(id);
  }

  private tables(): Tables {
    if (this.frozen) return this.frozen;
    const n = this.entries.length;
    let size = 16;
    while (size < n * 2) size <<= 1;
    const t: Tables = {
      gramPairs: new Uint8Array(65536),
      duoPairs: new Uint8Array(65536),
      singles: new Uint8Array(65536),
      keys: new Int32Array(size).fill(-1),
      heads: new Int32Array(size).fill(-1),
      next: new Int32Array(n).fill(-1),
      after: new Int32Array(n).fill(-1),
      mask: size - 1,
      shift: 32 - Math.log2(size),
      singlesUsed: false,
      duosUsed: false,
    };
    this.entries.forEach((e, i) => {
      const l = e.lit;
      let key: number;
      if (l.length === 1) {
        t.singles[l.charCodeAt(0)] = 1;
        key = single(l.charCodeAt(0));
        t.singlesUsed = true;
      } else if (l.length === 2) {
        t.duoPairs[pair(l.charCodeAt(0), l.charCodeAt(1))] = 1;
        key = duo(l.charCodeAt(0), l.charCodeAt(1));
        t.duosUsed = true;
      } else {
        t.gramPairs[pair(l.charCodeAt(e.at), l.charCodeAt(e.at + 1))] = 1;
        key = gram3(l.charCodeAt(e.at), l.charCodeAt(e.at + 1), l.charCodeAt(e.at + 2));
        // The character after the gram rejects most wrong candidates before startsWith.
        if (e.at + 3 < l.length) t.after[i] = l.charCodeAt(e.at + 3);
      }
      let slot = (Math.imul(key, 0x9e3779b1) >>> t.shift) & t.mask;
      while (t.keys[slot] !== -1 && t.keys[slot] !== key) slot = (slot + 1) & t.mask;
      t.keys[slot] = key;
      t.next[i] = t.heads[slot]!;
      t.heads[slot] = i;
    });
    return (this.frozen = t);
  }

  scan(s: string, m: Marks): void {
    const t = this.tables();
    const n = s.length;
    let c1 = n > 0 ? s.charCodeAt(0) : 0;
    let c2 = n > 1 ? s.charCodeAt(1) : 0;
    for (let i = 0; i < n; i++) {
      const c0 = c1;
      c1 = c2;
      c2 = i + 2 < n ? s.charCodeAt(i + 2) : -1;
      if (t.singlesUsed && t.singles[c0] === 1) this.hits(t, single(c0), s, i, -2, m);
      if (i + 1 >= n) continue;
      const p = pair(c0, c1);
      if (t.duosUsed && t.duoPairs[p] === 1) this.hits(t, duo(c0, c1), s, i, -2, m);
      if (c2 >= 0 && t.gramPairs[p] === 1) this.hits(t, gram3(c0, c1, c2), s, i, i + 3 < n ? s.charCodeAt(i + 3) : -1, m);
    }
  }

  /** Literals filed under `key`, tried at text position `i`; `next` is the text's character after the gram. */
  private hits(t: Tables, key: number, s: string, i: number, next: number, m: Marks): void {
    let slot = (Math.imul(key, 0x9e3779b1) >>> t.shift) & t.mask;
    for (;;) {
      const k = t.keys[slot]!;
      if (k === key) break;
      if (k === -1) return;
      slot = (slot + 1) & t.mask;
    }
    for (let e = t.heads[slot]!; e !== -1; e = t.next[e]!) {
      const after = t.after[e]!;
      if (after !== -1 && next !== -2 && after !== next) continue;
      const entry = this.entries[e]!;
      const from = i - entry.at;
      if (from >= 0 && s.startsWith(entry.lit, from)) for (const id of entry.ids) m.set(id);
    }
  }
}

interface Entry {
  lit: string;
  /** Offset of the gram the literal is filed under. */
  at: number;
  ids: number[];
}

interface Tables {
  /** Two-character starts of the grams, of the two-character literals (indexed by their low bytes). */
  gramPairs: Uint8Array;
  duoPairs: Uint8Array;
  singles: Uint8Array;
  /** Open addressing: key per slot (-1 empty), first entry per slot, entries chained by `next`. */
  keys: Int32Array;
  heads: Int32Array;
  next: Int32Array;
  /** Per entry: the literal's character after its gram (-1 when the gram ends it). */
  after: Int32Array;
  mask: number;
  shift: number;
  singlesUsed: boolean;
  duosUsed: boolean;
}

// Keys of the three kinds are told apart by a tag in their low two bits, and all stay small non-negative integers.
const gram3 = (a: number, b: number, c: number) => ((((a << 20) ^ (b << 10) ^ c) & 0x0fffffff) << 2) | 0;
const duo = (a: number, b: number) => ((((a << 14) ^ b) & 0x0fffffff) << 2) | 1;
const single = (a: number) => (a << 2) | 2;
const pair = (a: number, b: number) => (Math.imul(a, 0x9e37) + b) & 0xffff;

/**
 * The prefilter of one candidate list: which entries always run, and the scanners that mark the others.
 * `run` marks the entries to evaluate for the current event and lists them, in list order, in `selected`.
 */
export class Prefilter {
  /** Entries with no requirement, in list order. */
  private readonly always: number[] = [];
  /** Scanners by slot, and the same as parallel arrays for the per-event loop (no iterator allocation). */
  private readonly scanners = new Map<number, { anchors: AnchorIndex | undefined; scanner: SlotScanner | undefined }>();
  private slotList: number[] = [];
  private scannerList: { anchors: AnchorIndex | undefined; scanner: SlotScanner | undefined }[] = [];
  private readonly marks: Marks;
  readonly size: number;

  constructor(requirements: readonly Requirement[]) {
    this.size = requirements.length;
    this.marks = new Marks(this.size);
    requirements.forEach((r, id) => {
      if (!r) {
        this.always.push(id);
        return;
      }
      for (const [slot, a] of r) {
        let sc = this.scanners.get(slot);
        if (!sc) this.scanners.set(slot, (sc = { anchors: undefined, scanner: undefined }));
        for (const k of ['eq', 'prefix', 'suffix'] as const) for (const l of a[k]) (sc.anchors ??= new AnchorIndex()).add(k, l, id);
        for (const l of a.contains) (sc.scanner ??= new SlotScanner()).add(l, id);
      }
    });
    this.slotList = [...this.scanners.keys()];
    this.scannerList = [...this.scanners.values()];
  }

  /**
   * Mark the entries whose literals occur in this event (the context has begun the event), with those that always
   * run; returns how many, listed in list order in `selected` (valid until the next run).
   */
  run(c: MatchContext): number {
    const m = this.marks;
    m.stamp++;
    m.n = 0;
    for (const id of this.always) m.set(id);
    const slots = this.slotList;
    for (let i = 0; i < slots.length; i++) {
      const x = c.L(slots[i]!);
      if (x === undefined) continue;
      const { anchors, scanner } = this.scannerList[i]!;
      if (typeof x === 'string') {
        anchors?.check(x, m);
        scanner?.scan(x, m);
      } else {
        for (const s of x) {
          anchors?.check(s, m);
          scanner?.scan(s, m);
        }
      }
    }
    // Rules run in list order (their load order), as without the prefilter; a short list is insertion sorted.
    const ids = m.ids;
    if (m.n > 64) {
      ids.subarray(0, m.n).sort();
      return m.n;
    }
    for (let i = 1; i < m.n; i++) {
      const v = ids[i]!;
      let j = i - 1;
      while (j >= 0 && ids[j]! > v) {
        ids[j + 1] = ids[j]!;
        j--;
      }
      ids[j + 1] = v;
    }
    return m.n;
  }

  /** The entries to evaluate after `run`, in list order: the first `run()` of them. */
  get selected(): Int32Array {
    return this.marks.ids;
  }

  /** Whether entry `id` must be evaluated for the event of the last `run`. */
  wanted(id: number): boolean {
    return this.marks.mark[id] === this.marks.stamp;
  }
}
