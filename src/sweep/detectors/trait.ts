/**
 * Traits: one thing seen in a file (a pattern, a set of patterns that occur together, a request-to-sink flow), each
 * with a Loki-style sub-score and a sentence saying what it is and why it matters. A language detector sums the
 * traits it sees into one hit, as Loki sums its sub-scores, so several weak signs can add up to a warning while one
 * strong sign (request input straight into eval) is an alert by itself.
 *
 * Every pattern runs on the ASCII-lowered text, non-global and without nested quantifiers; windows are bounded
 * (`[^;]{0,160}`), so the work per pattern is linear in the scanned length times a small constant.
 */
import type { Leads } from './leads.js';
import type { DetectorHit, DetectorMatch } from './types.js';
import type { SubjectText } from './text.js';

export const AUTHOR = 'hardnut';

/** ATT&CK tags used by the detectors. */
export const TAG = {
  persistence: 'attack.persistence',
  webShell: 'attack.t1505.003',
  execution: 'attack.execution',
  commandShell: 'attack.t1059',
  windowsCmd: 'attack.t1059.003',
  unixShell: 'attack.t1059.004',
  defenseEvasion: 'attack.defense-evasion',
  obfuscation: 'attack.t1027',
  reflectiveLoad: 'attack.t1620',
  ingressTransfer: 'attack.t1105',
  commandAndControl: 'attack.command-and-control',
  credentialAccess: 'attack.credential-access',
  lsass: 'attack.t1003.001',
  collection: 'attack.collection',
  archive: 'attack.t1560',
  initialAccess: 'attack.initial-access',
  exploitPublicApp: 'attack.t1190',
} as const;

export const REFS = {
  webShell: 'https://attack.mitre.org/techniques/T1505/003/',
  obfuscation: 'https://attack.mitre.org/techniques/T1027/',
  cisaHafnium: 'https://www.cisa.gov/news-events/cybersecurity-advisories/aa21-062a',
  msHafnium: 'https://www.microsoft.com/en-us/security/blog/2021/03/02/hafnium-targeting-exchange-servers/',
  nsaWebShells: 'https://media.defense.gov/2020/Jun/09/2002313081/-1/-1/0/CSI-DETECT-AND-PREVENT-WEB-SHELL-MALWARE-20200422.PDF',
  chinaChopper: 'https://www.cisa.gov/news-events/cybersecurity-advisories/aa18-284a',
  lsass: 'https://attack.mitre.org/techniques/T1003/001/',
  archive: 'https://attack.mitre.org/techniques/T1560/001/',
} as const;

/** One thing seen, with where it was seen. */
export interface Seen {
  id: string;
  title: string;
  /** A plain sentence: what was seen and why it matters. */
  why: string;
  score: number;
  tags: readonly string[];
  offset: number;
  length: number;
}

/** A pattern trait: `re` (or every one of `all`) must match; `min` asks for that many matches of `re`. */
export interface PatternTrait {
  id: string;
  title: string;
  why: string;
  score: number;
  tags?: readonly string[];
  re?: RegExp;
  all?: readonly RegExp[];
  /** None of these may match (a page that includes the application's shared files is part of an application). */
  none?: readonly RegExp[];
  /** At least `someMin` of these must match (a kit's many capabilities, none of them damning alone). */
  some?: readonly RegExp[];
  someMin?: number;
  /** Count matches of `re` (made global internally) and require at least this many. */
  min?: number;
  /** Only in files at most this many characters long (a one-liner is what China Chopper-style shells look like). */
  maxChars?: number;
  /**
   * Speed only: literal strings, at least one of which is inside every match of `re` (or of one of `all`), so a text
   * holding none of them cannot show the trait. Each `includes` costs about what a regex led by one literal does, so
   * a list only pays off when it is short and the regex is costly (a look-behind or a class tried at every
   * position); the traits that carry one were timed both ways. A wrong list loses detections: list only literals
   * that each alternative spells out.
   */
  needs?: readonly string[];
  /** Speed only: a cheap test that is false only where `re` cannot match (see operatorBetween). */
  precheck?: (s: string) => boolean;
}

/** Whitespace as `\s` reads it. */
function isSpace(code: number): boolean {
  if (code < 256) return (code >= 9 && code <= 13) || code === 32 || code === 160;
  return /\s/.test(String.fromCharCode(code));
}

/**
 * Whether some character of `ops` in `s` has, across whitespace only, one of `before` on its left and one of
 * `after` on its right. Patterns such as `(['"])[^'"]{1,2}\1\s*[+&]\s*(['"])` cannot match where this is false,
 * and most code has no quote next to its + and & (irregexp, by contrast, tries the pattern at every quote).
 */
export function operatorBetween(s: string, ops: string, before: string, after: string): boolean {
  for (const op of ops) {
    for (let p = s.indexOf(op); p >= 0; p = s.indexOf(op, p + 1)) {
      let l = p - 1;
      while (l >= 0 && isSpace(s.charCodeAt(l))) l--;
      if (l < 0 || !before.includes(s.charAt(l))) continue;
      let r = p + 1;
      while (r < s.length && isSpace(s.charCodeAt(r))) r++;
      if (r < s.length && after.includes(s.charAt(r))) return true;
    }
  }
  return false;
}

/** Whether `s` holds at least one of `needs` (true when there is no list); `leads` of `s` may know already. */
export function mayMatch(needs: readonly string[] | undefined, s: string, leads?: Leads): boolean {
  if (needs === undefined) return true;
  return leads?.holdsAny(needs) ?? needs.some((w) => s.includes(w));
}

/**
 * Whether the literals of the trait's patterns leave it a chance in the text `leads` were taken of: `re` and every
 * one of `all` must be able to match, and `someMin` of `some`. Only skips work; the trait is checked as always.
 */
function mayShow(t: PatternTrait, leads: Leads): boolean {
  if (t.re !== undefined && leads.start(t.re) < 0) return false;
  if (t.all !== undefined && t.all.some((re) => leads.start(re) < 0)) return false;
  if (t.some !== undefined) {
    let possible = 0;
    for (const re of t.some) if (leads.start(re) >= 0) possible++;
    if (possible < (t.someMin ?? 1)) return false;
  }
  return true;
}

const globalCache = new WeakMap<RegExp, RegExp>();
function globalOf(re: RegExp): RegExp {
  let g = globalCache.get(re);
  if (g === undefined) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    globalCache.set(re, g);
  }
  return g;
}

/**
 * The first match of `re` (not global) in `s`, as `re.exec(s)` finds it; `leads` (taken of `s`) may say that no
 * match can start before some position, or at all, so the search starts there or is skipped, and keep the answer.
 */
export function firstMatch(re: RegExp, s: string, leads?: Leads): RegExpExecArray | null {
  if (leads === undefined) return re.exec(s);
  // several traits (and the flows) ask for the same pattern, such as PHP's request sources, on the same text
  const known = leads.matches.get(re);
  if (known !== undefined) return known;
  const from = leads.start(re);
  let m: RegExpExecArray | null;
  if (from <= 0) m = from < 0 ? null : re.exec(s);
  else {
    const g = globalOf(re);
    g.lastIndex = from;
    m = g.exec(s);
  }
  leads.matches.set(re, m);
  return m;
}

/** How many times `re` matches `s`, counting no further than `limit`; no match starts before `from`. */
export function countMatches(re: RegExp, s: string, limit: number, from = 0): number {
  const g = globalOf(re);
  g.lastIndex = from;
  let n = 0;
  while (n < limit) {
    const m = g.exec(s);
    if (m === null) break;
    n++;
    if (m[0].length === 0) g.lastIndex++;
  }
  return n;
}

/** Run a table of pattern traits over the lowered text (`leads`: of that text, to skip or shorten searches). */
export function seePatterns(traits: readonly PatternTrait[], text: SubjectText, leads?: Leads): Seen[] {
  const s = text.lower;
  const out: Seen[] = [];
  for (const t of traits) {
    if (t.maxChars !== undefined && s.length > t.maxChars) continue;
    if (leads !== undefined && !mayShow(t, leads)) continue;
    if (!mayMatch(t.needs, s, leads)) continue;
    if (t.precheck !== undefined && !t.precheck(s)) continue;
    if (t.none !== undefined && t.none.some((re) => firstMatch(re, s, leads) !== null)) continue;
    let offset = -1;
    let length = 0;
    if (t.re !== undefined) {
      const m = firstMatch(t.re, s, leads);
      if (m === null) continue;
      // counting starts at the first match, before which there is none
      if (t.min !== undefined && t.min > 1 && countMatches(t.re, s, t.min, m.index) < t.min) continue;
      offset = m.index;
      length = m[0].length;
    }
    if (t.some !== undefined) {
      let hits = 0;
      for (const re of t.some) {
        const m = firstMatch(re, s, leads);
        if (m === null) continue;
        hits++;
        if (offset < 0) {
          offset = m.index;
          length = m[0].length;
        }
      }
      if (hits < (t.someMin ?? 1)) continue;
    }
    if (t.all !== undefined) {
      let ok = true;
      for (const re of t.all) {
        const m = firstMatch(re, s, leads);
        if (m === null) {
          ok = false;
          break;
        }
        if (offset < 0) {
          offset = m.index;
          length = m[0].length;
        }
      }
      if (!ok) continue;
    }
    out.push({ id: t.id, title: t.title, why: t.why, score: t.score, tags: t.tags ?? [], offset: Math.max(offset, 0), length });
  }
  return out;
}

/** Turn the traits one detector saw into one Loki-style hit: the strongest names it, the scores add up. */
export function hitOf(prefix: string, seen: Seen[], text: SubjectText, refs: readonly string[], minScore = 40): DetectorHit | undefined {
  if (seen.length === 0) return undefined;
  const unique = new Map<string, Seen>();
  for (const s of seen) if (!unique.has(s.id)) unique.set(s.id, s);
  const list = [...unique.values()].sort((a, b) => b.score - a.score);
  const score = list.reduce((sum, s) => sum + s.score, 0);
  if (score < minScore) return undefined;
  const top = list[0] as Seen;
  const tags = new Set<string>([TAG.persistence, TAG.webShell]);
  for (const s of list) for (const t of s.tags) tags.add(t);
  const matches: DetectorMatch[] = list.map((s) => ({
    identifier: s.id,
    offset: text.byteStart + s.offset * text.bytesPerChar,
    length: s.length * text.bytesPerChar,
  }));
  const description = list.map((s) => `${s.why} (${s.id}, +${s.score})`).join(' ');
  return {
    id: `${prefix}.${top.id}`,
    title: list.length > 1 ? `${top.title}, and ${list.length - 1} more webshell trait${list.length > 2 ? 's' : ''}` : top.title,
    description,
    author: AUTHOR,
    references: [...refs],
    tags: [...tags],
    score,
    matches,
  };
}
