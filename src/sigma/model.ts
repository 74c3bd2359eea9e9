/**
 * The Sigma rule model (specification v2.1): detection rules, correlation rules and filters as loaded from YAML,
 * before they are bound to a mapping and compiled. Field names here are the rule's own (Sigma taxonomy).
 */
import type { Level } from '../findings/level.js';
import type { Expr } from './expr.js';

/** A rule problem as data: which file, which line, what is wrong (`RULE_INVALID`) or not supported (`RULE_UNSUPPORTED`). */
export interface RuleIssue {
  code: 'RULE_INVALID' | 'RULE_UNSUPPORTED';
  file: string;
  line: number;
  message: string;
}

/** Thrown inside the loader, caught per document and turned into a `RuleIssue`. */
export class RuleProblem extends Error {
  constructor(
    readonly code: RuleIssue['code'],
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export const invalid = (message: string, line: number) => new RuleProblem('RULE_INVALID', message, line);
export const unsupported = (message: string, line: number) => new RuleProblem('RULE_UNSUPPORTED', message, line);

export interface Logsource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

/** What every kind of Sigma document carries about itself. */
export interface RuleMeta {
  /** The rule's `id`; when the rule has none, `name`, or else `FILE#DOC` so findings can still name it. */
  id: string;
  title: string;
  name?: string;
  status: string | null;
  level: Level;
  /** True when the rule gave no level (the default, medium, was used). */
  levelDefaulted: boolean;
  author: string | null;
  description?: string;
  references: string[];
  tags: string[];
  falsepositives: string[];
  date?: string;
  modified?: string;
  /** Fields the rule suggests showing (`fields:`), in its own names. */
  fields: string[];
}

export interface Located {
  /** The file as given to the loader. */
  file: string;
  /** 0-based document index in the file. */
  doc: number;
  /** Line of the document's first key. */
  line: number;
}

export interface Detection {
  line: number;
  /** Search identifiers by name, each already lowered to an expression over the rule's field names. */
  searches: Map<string, Expr<string>>;
  /** The condition, resolved against the searches (a list of conditions is their OR). */
  condition: Expr<string>;
}

export interface SigmaRule extends Located {
  kind: 'rule';
  meta: RuleMeta;
  logsource: Logsource;
  detection: Detection;
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile'
  | 'temporal'
  | 'temporal_ordered';

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface SigmaCorrelation extends Located {
  kind: 'correlation';
  meta: RuleMeta;
  type: CorrelationType;
  /** Referenced rules, by id or name, in the order written (the order matters for temporal_ordered). */
  rules: string[];
  groupBy: string[];
  timespanMs: number;
  timespanText: string;
  /** alias → (rule name or id → field name in that rule's events). */
  aliases: Map<string, Map<string, string>>;
  /** All must hold (a range is two); empty for temporal types without a condition (all rules must match). */
  condition: { op: CompareOp; value: number }[];
  /** The field(s) value_* types aggregate. */
  field: string[];
  /** Whether the referenced rules also report on their own (`generate: true`). */
  generate: boolean;
}

export interface SigmaFilter extends Located {
  kind: 'filter';
  meta: RuleMeta;
  logsource: Logsource;
  /** Rules the filter applies to, by id or name. */
  rules: string[];
  detection: Detection;
}

export type SigmaDocument = SigmaRule | SigmaCorrelation | SigmaFilter;
