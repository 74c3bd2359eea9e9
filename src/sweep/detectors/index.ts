// placeholder until the detectors branch lands
import type { Detector, DetectorHit, SweepSubject } from './types.js';

export const builtinDetectors: Detector[] = [];

export function runDetectors(_subject: SweepSubject): DetectorHit[] {
  return [];
}
