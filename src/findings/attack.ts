/**
 * ATT&CK ids and tactics from Sigma-style tags (`attack.t1059.001`, `attack.execution`).
 * Tactic tags use ATT&CK's short names with underscores or hyphens (`attack.credential_access`).
 */
export const TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const;
export type Tactic = (typeof TACTICS)[number];

const TACTIC_SET = new Set<string>(TACTICS);
const TECHNIQUE = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;

/** Technique ids in ATT&CK's spelling: `attack.t1059.001` → `T1059.001`. */
export function techniquesFromTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const m = TECHNIQUE.exec(t.trim());
    if (m?.[1]) {
      const id = m[1].toUpperCase();
      if (!out.includes(id)) out.push(id);
    }
  }
  return out;
}

/** Tactic short names: `attack.credential_access` → `credential-access`. */
export function tacticsFromTags(tags: readonly string[]): Tactic[] {
  const out: Tactic[] = [];
  for (const t of tags) {
    const lower = t.trim().toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const name = lower.slice(7).replace(/_/g, '-');
    if (TACTIC_SET.has(name) && !out.includes(name as Tactic)) out.push(name as Tactic);
  }
  return out;
}
