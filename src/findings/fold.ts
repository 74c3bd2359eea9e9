/**
 * Folding: identical findings (same rule, same host, same summary) become one with a count and a time range,
 * so a rule that fires ten thousand times on one host reads as one line.
 */
import type { Finding } from './finding.js';
import { levelRank } from './level.js';

export interface Folded {
  finding: Finding;
  count: number;
  first: string | null;
  last: string | null;
}

/** Distinct lines kept before further ones fold by rule and host only: memory stays bounded however many findings. */
export const MAX_GROUPS = 20_000;

export class Folder {
  private readonly groups = new Map<string, Folded>();

  constructor(private readonly maxGroups = MAX_GROUPS) {}

  add(f: Finding): void {
    const head = `${f.level}\u0000${f.rule.id}\u0000${f.host ?? ''}`;
    let key = `${head}\u0000${f.summary}`;
    let g = this.groups.get(key);
    const n = f.count ?? 1;
    if (!g && this.groups.size >= this.maxGroups) {
      // Too many distinct lines to show anyway: the rest of this rule on this host becomes one line that says so.
      key = `${head}\u0001`;
      g = this.groups.get(key);
      if (!g) f = { ...f, summary: `${f.rule.title} (and more events like it, not listed one by one)` };
    }
    if (!g) {
      this.groups.set(key, { finding: f, count: n, first: f.time, last: f.time });
      return;
    }
    g.count += n;
    if (f.time !== null) {
      if (g.first === null || f.time < g.first) g.first = f.time;
      if (g.last === null || f.time > g.last) g.last = f.time;
    }
  }

  get size(): number {
    return this.groups.size;
  }

  /** Most severe first, then most frequent, then by title. */
  sorted(): Folded[] {
    return [...this.groups.values()].sort(
      (a, b) =>
        levelRank(b.finding.level) - levelRank(a.finding.level) ||
        b.count - a.count ||
        a.finding.rule.title.localeCompare(b.finding.rule.title),
    );
  }
}
