/** Severity levels, Sigma's names, lowest first. */
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

const RANK: Record<string, number> = { informational: 0, info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** 0 (informational) … 4 (critical); -1 for anything that is not a level. */
export function levelRank(level: string): number {
  return RANK[level.toLowerCase()] ?? -1;
}

/** A level from user or rule text (`info` is accepted for informational); undefined when it is not one. */
export function parseLevel(text: string): Level | undefined {
  const r = levelRank(text);
  return r < 0 ? undefined : LEVELS[r];
}

export function atLeast(level: Level, min: Level): boolean {
  return levelRank(level) >= levelRank(min);
}
