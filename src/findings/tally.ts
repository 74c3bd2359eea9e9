/**
 * Running counts of findings for the closing summary: top rules, hosts and ATT&CK tactics. Bounded by the number of
 * distinct rules, hosts and tactics, never by the number of findings.
 */
import type { Finding } from './finding.js';

export class Tally {
  private readonly rules = new Map<string, { title: string; level: string; count: number }>();
  private readonly hosts = new Map<string, number>();
  private readonly tactics = new Map<string, number>();

  add(f: Finding): void {
    const n = f.count ?? 1;
    const r = this.rules.get(f.rule.id);
    if (r) r.count += n;
    else this.rules.set(f.rule.id, { title: f.rule.title, level: f.level, count: n });
    const host = f.host ?? '(unknown host)';
    this.hosts.set(host, (this.hosts.get(host) ?? 0) + n);
    for (const t of f.tactics) this.tactics.set(t, (this.tactics.get(t) ?? 0) + n);
  }

  /** The `limit` most frequent rules as [title (level), count]. */
  topRules(limit = 10): [string, number][] {
    return [...this.rules.values()]
      .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title))
      .slice(0, limit)
      .map((r) => [`${r.title} (${r.level})`, r.count]);
  }

  topHosts(limit = 10): [string, number][] {
    return top(this.hosts, limit);
  }

  byTactic(): [string, number][] {
    return top(this.tactics, Infinity);
  }
}

function top(m: Map<string, number>, limit: number): [string, number][] {
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
}
