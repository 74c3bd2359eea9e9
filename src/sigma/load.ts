/**
 * Rule texts in, rules and per-file results out. Pure: the caller reads the files (so rule texts can also be sent to
 * worker threads) and gets back every problem as data, with its file and line; one bad document never stops the
 * others. `compileRuleSet` (ruleset.ts) later adds what only a mapping can tell (an unknown logsource, say).
 */
import { expandCollection } from './collection.js';
import type { RuleIssue, SigmaDocument } from './model.js';
import { RuleProblem } from './model.js';
import { parseDocument } from './parse.js';
import { parseYamlDocuments } from './yaml-tree.js';

export interface RuleText {
  /** The file as it should be named in results (as given on the command line, or found under a folder). */
  path: string;
  text: string;
}

export interface FileResult {
  path: string;
  /** Documents that loaded (rules, correlations, filters), in file order. */
  documents: SigmaDocument[];
  /** Problems: a file with any does not count as loaded. */
  issues: RuleIssue[];
  /** Facts worth saying that do not stop the file loading (a placeholder without values). */
  notes: string[];
}

export interface LoadOptions {
  /** Values for `expand` placeholders (`%Workstations%`), by name without the percent signs. */
  placeholders?: ReadonlyMap<string, readonly string[]> | Record<string, readonly string[]>;
}

/** Texts larger than this are refused: a rule file is a few KiB; this is not one. */
export const MAX_RULE_TEXT = 4 << 20;

export function loadRuleFiles(texts: readonly RuleText[], options: LoadOptions = {}): FileResult[] {
  const ph = options.placeholders;
  const placeholder =
    ph instanceof Map ? (n: string) => ph.get(n) : (n: string) => (ph as Record<string, readonly string[]> | undefined)?.[n];
  return texts.map((t) => loadOne(t, placeholder));
}

function loadOne(t: RuleText, placeholder: (n: string) => readonly string[] | undefined): FileResult {
  const result: FileResult = { path: t.path, documents: [], issues: [], notes: [] };
  const issue = (p: RuleProblem) => result.issues.push({ code: p.code, file: t.path, line: p.line, message: p.message });
  if (t.text.length > MAX_RULE_TEXT) {
    issue(new RuleProblem('RULE_INVALID', `${t.text.length} characters is too large for a rule file (limit ${MAX_RULE_TEXT})`, 1));
    return result;
  }
  const text = t.text.charCodeAt(0) === 0xfeff ? t.text.slice(1) : t.text;
  const parsed = parseYamlDocuments(text);
  for (const e of parsed.errors) issue(new RuleProblem('RULE_INVALID', `YAML: ${e.message}`, e.line));
  const collection = expandCollection(parsed.documents);
  for (const p of collection.problems) issue(p.problem);
  for (const d of collection.documents) {
    const also: RuleProblem[] = [];
    try {
      const r = parseDocument(d.root, t.path, d.index, d.line, { placeholder, also });
      result.documents.push(r.document);
      if (r.missingPlaceholders.length) {
        result.notes.push(
          `placeholder${r.missingPlaceholders.length > 1 ? 's' : ''} ${r.missingPlaceholders.map((p) => `%${p}%`).join(', ')} ` +
            'without values (give them in a mapping file); until then those values match nothing',
        );
      }
    } catch (err) {
      if (err instanceof RuleProblem) issue(err);
      else throw err;
    }
    for (const p of also) issue(p);
  }
  if (!result.documents.length && !result.issues.length) {
    issue(new RuleProblem('RULE_INVALID', 'the file holds no Sigma document', 1));
  }
  return result;
}
