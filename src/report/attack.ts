/**
 * ATT&CK names for the report and the export, from the generated table (attack-data.ts, MITRE ATT&CK Enterprise):
 * technique and tactic names, tactic order, and revoked ids mapped to the ones that replaced them.
 */
import { ATTACK_TACTICS, ATTACK_TECHNIQUES } from './attack-data.js';

export { ATTACK_VERSION } from './attack-data.js';

const TACTIC_NAMES = new Map(ATTACK_TACTICS.map(([short, name]) => [short, name]));
const TACTIC_IDS = new Map(ATTACK_TACTICS.map(([short, , id]) => [short, id]));
const TACTIC_ORDER = new Map(ATTACK_TACTICS.map(([short], i) => [short, i]));

/** A technique id in ATT&CK's spelling (`t1059.001` → `T1059.001`), revoked ids replaced by their successor. */
export function canonicalTechnique(id: string): string {
  const up = id.trim().toUpperCase();
  const row = ATTACK_TECHNIQUES[up];
  return row && /^T\d{4}/.test(row[2]) ? row[2] : up;
}

export interface TechniqueInfo {
  id: string;
  name: string | undefined;
  tactics: string[];
  deprecated: boolean;
}

export function techniqueInfo(id: string): TechniqueInfo {
  const canon = canonicalTechnique(id);
  const row = ATTACK_TECHNIQUES[canon];
  return {
    id: canon,
    name: row?.[0],
    tactics: row?.[1] ? row[1].split(' ') : [],
    deprecated: row?.[2] === 'deprecated',
  };
}

export function tacticName(short: string): string {
  return TACTIC_NAMES.get(short) ?? short.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}

export function tacticId(short: string): string | undefined {
  return TACTIC_IDS.get(short);
}

/** Position in the Enterprise matrix (unknown tactics last). */
export function tacticOrder(short: string): number {
  return TACTIC_ORDER.get(short) ?? 99;
}

export const ALL_TACTICS: readonly string[] = ATTACK_TACTICS.map(([short]) => short);

/** `T1505.003` → `https://attack.mitre.org/techniques/T1505/003/` */
export function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}
