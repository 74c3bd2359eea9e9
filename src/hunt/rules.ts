/**
 * The rules a hunt runs: the built-in pack and the user's `--rules`, narrowed by `--min-level` and `--status`.
 * Narrowing happens on the loaded documents, before compiling, so rules that can never report cost nothing per event;
 * a rule a kept correlation uses is kept whatever its level, since the correlation needs its matches.
 * The same texts and the same selection give the same rule indices in every thread, which is what lets worker
 * threads send correlation inputs (rule index, time, values) to the main thread.
 */
import type { FileResult, RuleText } from '../sigma/load.js';
import type { SigmaDocument } from '../sigma/model.js';
import { levelRank, type Level } from '../findings/level.js';

export interface RuleSelection {
  minLevel: Level;
  /** Rule statuses to run (lower case); empty runs every status. */
  statuses: readonly string[];
}

/** How many documents the selection set aside, for the summary. */
export interface SelectionCounts {
  belowLevel: number;
  otherStatus: number;
}

const keyOf = (d: SigmaDocument) => [d.meta.id, d.meta.name].filter((x): x is string => x !== undefined);

/** The documents to compile, with the files' problems kept as they are (so every file is still accounted for). */
export function selectRules(files: readonly FileResult[], sel: RuleSelection): { files: FileResult[]; counts: SelectionCounts } {
  const min = levelRank(sel.minLevel);
  const statuses = new Set(sel.statuses.map((s) => s.toLowerCase()));
  const counts: SelectionCounts = { belowLevel: 0, otherStatus: 0 };
  const wantedDoc = (d: SigmaDocument): boolean => {
    if (d.kind === 'filter') return true;
    if (statuses.size && !statuses.has((d.meta.status ?? '').toLowerCase())) {
      counts.otherStatus++;
      return false;
    }
    if (levelRank(d.meta.level) < min) {
      counts.belowLevel++;
      return false;
    }
    return true;
  };
  // Correlations first: the rules they name are kept even when below the level or of another status.
  const needed = new Set<string>();
  const keptCorrelation = new Set<SigmaDocument>();
  const all = files.flatMap((f) => f.documents);
  for (const d of all) if (d.kind === 'correlation' && wantedDoc(d)) keptCorrelation.add(d);
  // Correlations may use correlations: follow the names until nothing new is needed.
  const byKey = new Map<string, SigmaDocument>();
  for (const d of all) for (const k of keyOf(d)) byKey.set(k, d);
  const queue = [...keptCorrelation];
  while (queue.length) {
    const c = queue.pop()!;
    if (c.kind !== 'correlation') continue;
    for (const r of c.rules) {
      if (needed.has(r)) continue;
      needed.add(r);
      const dep = byKey.get(r);
      if (dep?.kind === 'correlation' && !keptCorrelation.has(dep)) {
        keptCorrelation.add(dep);
        queue.push(dep);
      }
    }
  }
  const out = files.map((f) => ({
    ...f,
    documents: f.documents.filter((d) => {
      if (d.kind === 'correlation') return keptCorrelation.has(d);
      if (d.kind === 'rule' && keyOf(d).some((k) => needed.has(k))) return true;
      return wantedDoc(d);
    }),
  }));
  return { files: out, counts };
}

/** Rule texts are posted to every worker: keep them as plain `{path, text}` pairs. */
export type RuleTexts = RuleText[];
