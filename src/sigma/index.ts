/**
 * The Sigma engine's public API (docs/sigma.md): rule texts → per-file results and a compiled RuleSet; events →
 * matches; matches → correlation matches. Pure: callers read files and hand over texts.
 *
 * ```ts
 * const { mapping } = parseMapping(mappingText, 'event-logs.yml');
 * const { ruleSet, files } = buildRuleSet(texts, { mapping });
 * const correlations = new CorrelationEngine(ruleSet);
 * for (const ev of events) for (const m of ruleSet.match(ev)) {
 *   if (m.rule.report) report(m);
 *   for (const c of correlations.feedMatch(m)) if (c.report) reportCorrelation(c);
 * }
 * for (const c of correlations.flush()) if (c.report) reportCorrelation(c);
 * ```
 */
import { loadRuleFiles, type FileResult, type LoadOptions, type RuleText } from './load.js';
import type { Mapping } from './mapping.js';
import { compileRuleSet, type CompileOptions, type RuleSet } from './ruleset.js';

export { correlationFinding, matchFinding, type FindingContext } from './finding.js';
export { CorrelationEngine, type CorrelationEvent, type CorrelationMatch, type EventRef } from './correlation.js';
export { loadRuleFiles, MAX_RULE_TEXT, type FileResult, type LoadOptions, type RuleText } from './load.js';
export { findLogsource, mergeMappings, parseMapping, type LogsourceSpec, type Mapping, type MappingIssue, type SourceSpec } from './mapping.js';
export type { Logsource, RuleIssue, RuleMeta, SigmaCorrelation, SigmaDocument, SigmaFilter, SigmaRule } from './model.js';
export {
  compileRuleSet,
  describeLogsource,
  RuleSet,
  type CompiledCorrelation,
  type CompiledRule,
  type CompileOptions,
  type MatchedField,
  type Placement,
  type RuleMatch,
} from './ruleset.js';

/** Load and compile in one step: the RuleSet, and one result per text (loaded or not, and why). */
export function buildRuleSet(
  texts: readonly RuleText[],
  options: { mapping: Mapping } & Omit<CompileOptions, 'mapping'> & Omit<LoadOptions, 'placeholders'>,
): { ruleSet: RuleSet; files: FileResult[] } {
  const loaded = loadRuleFiles(texts, { placeholders: options.mapping.placeholders });
  return compileRuleSet(loaded, options);
}

/** One line of `hardnut rules check`: the file's main rule and whether the whole file loaded. */
export interface FileSummary {
  path: string;
  id: string | null;
  title: string | null;
  ok: boolean;
  /** The first problem, `line N: what` (more in `issues`). */
  error?: string;
  /** Documents in the file (rules, correlations, filters) that loaded. */
  documents: number;
  issues?: { line: number; code: string; message: string }[];
  notes?: string[];
}

export function summariseFile(f: FileResult): FileSummary {
  // The outermost rule of a correlation file is the correlation; else the first document.
  const main = f.documents.find((d) => d.kind === 'correlation') ?? f.documents[0];
  const s: FileSummary = {
    path: f.path,
    id: main?.meta.id ?? null,
    title: main?.meta.title ?? null,
    ok: f.issues.length === 0,
    documents: f.documents.length,
  };
  const first = f.issues[0];
  if (first) {
    s.error = `line ${first.line}: ${first.message}` + (f.issues.length > 1 ? ` (and ${f.issues.length - 1} more)` : '');
    s.issues = f.issues.map((i) => ({ line: i.line, code: i.code, message: i.message }));
  }
  if (f.notes.length) s.notes = f.notes;
  return s;
}
