/**
 * The Finding: one shape for every kind of detection, so every module feeds one case store, one report and one export.
 * Its JSONL form is a public contract, documented in docs/findings.md and schemas/finding.schema.json.
 */
import type { Level } from './level.js';

export type FindingKind =
  | 'sigma' // a Sigma rule matched an event
  | 'correlation' // a Sigma correlation rule matched a group of events
  | 'yara' // a YARA rule matched a file
  | 'heuristic' // one of our own detectors (webshell traits, context)
  | 'ioc' // a hash or filename indicator matched
  | 'check' // a built-in check that Sigma cannot express (Exchange log patterns, artefacts)
  | 'device' // a network device configuration check
  | 'exposure' // an asset on the exploited-vulnerabilities list
  | 'programme'; // a gap in the security programme (crown jewels, board questions)

/** The rule or check that produced a finding. `author` travels with every alert, as DRL 1.1 requires. */
export interface RuleRef {
  id: string;
  title: string;
  level: Level;
  status: string | null;
  author: string | null;
  description?: string;
  references: string[];
  tags: string[];
}

/** A matched string in a file: where, which pattern, and a short escaped excerpt (never the raw bytes). */
export interface Match {
  identifier: string;
  offset: number;
  length: number;
  excerpt: string;
}

export type EvidenceValue = string | number | boolean | null;

export interface Finding {
  kind: FindingKind;
  /** When it happened: the event's time, or the file's modification time; ISO 8601 UTC. */
  time: string | null;
  /** The computer the evidence came from, as the evidence names it. */
  host: string | null;
  /** The evidence file (log or scanned file) as given on the command line or found under it. */
  source: string;
  /** Severity of this finding: the rule's level, raised or lowered by context (crown-jewel hosts, scores). */
  level: Level;
  rule: RuleRef;
  /** ATT&CK technique ids (`T1505.003`). */
  attack: string[];
  /** ATT&CK tactic short names (`persistence`). */
  tactics: string[];
  /** What was seen, in plain words. */
  summary: string;
  /** Key fields of the matched event, or facts about the file. */
  evidence: Record<string, EvidenceValue>;
  /** Where the finding came from: which engine, in which command, of which hardnut. */
  origin: { engine: string; command: string; version: string };

  // Event-log findings (hunt).
  record?: number;
  channel?: string;
  event_id?: number;

  // File findings (sweep).
  path?: string;
  sha256?: string;
  size?: number;
  mtime?: string;
  score?: number;
  matches?: Match[];

  /** How many identical findings this one stands for, when folded (absent = 1). */
  count?: number;
}
