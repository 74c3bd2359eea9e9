/**
 * The contract between the sweep pipeline and our own detectors (TypeScript heuristics over one file's bytes).
 * The pipeline reads a file (never executing it), hands its bytes and path here, and turns each hit into a Finding
 * of kind 'heuristic' whose level comes from the hit's score (see `levelOfScore`).
 */
import type { Level } from '../../findings/level.js';

/** One file as the detectors see it. */
export interface SweepSubject {
  /** The path as found under the scanned folder (context checks read folder names such as `upload/`, `owa/auth/`). */
  path: string;
  /** The whole content (the pipeline has already applied the size cap). */
  bytes: Uint8Array;
}

/** Where in the file a trait was seen. The pipeline turns it into a short escaped excerpt. */
export interface DetectorMatch {
  identifier: string;
  offset: number;
  length: number;
}

export interface DetectorHit {
  /** Stable check id, e.g. `hardnut.webshell.php.eval-request`. */
  id: string;
  title: string;
  /** What was seen and why it matters, in plain words. */
  description: string;
  author: string;
  references: string[];
  /** Sigma-style tags: `attack.persistence`, `attack.t1505.003`. */
  tags: string[];
  /** Loki-style score: 100 and above is an alert, 60 a warning, 40 a notice. */
  score: number;
  matches: DetectorMatch[];
}

/** A detector looks at one file and reports what it saw; it must never throw on hostile input. */
export type Detector = (subject: SweepSubject) => DetectorHit[];

/** Loki's bands: alert (>= 100) is high, 150 and above critical, warning (>= 60) medium, notice (>= 40) low. */
export function levelOfScore(score: number): Level {
  if (score >= 150) return 'critical';
  if (score >= 100) return 'high';
  if (score >= 60) return 'medium';
  if (score >= 40) return 'low';
  return 'informational';
}
