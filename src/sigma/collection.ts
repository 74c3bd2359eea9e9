/**
 * Multi-document rule files. Sigma 2 puts a correlation and its rules in one file as separate documents; Sigma 1
 * "rule collections" share content with `action` documents:
 *
 * - `action: global` — merged into every later document of the file (until a reset);
 * - `action: reset` — forgets the global content;
 * - `action: repeat` — the previous rule again, with this document's content merged over it.
 *
 * Merging is deep for maps; lists and values are replaced.
 */
import { invalid, RuleProblem } from './model.js';
import { entry, mergeValues, scalarText, type YDocument, type YMap } from './yaml-tree.js';

export interface RuleDocument {
  index: number;
  line: number;
  root: YMap;
}

export interface CollectionResult {
  documents: RuleDocument[];
  problems: { doc: number; problem: RuleProblem }[];
}

export function expandCollection(docs: readonly YDocument[]): CollectionResult {
  const out: RuleDocument[] = [];
  const problems: CollectionResult['problems'] = [];
  let global: YMap | undefined;
  let previous: YMap | undefined;
  for (const d of docs) {
    if (d.root === undefined) continue; // an empty document (a trailing `---`)
    try {
      if (d.root.kind !== 'map') throw invalid(`a Sigma document must be a map of keys, not a ${d.root.kind === 'seq' ? 'list' : 'plain value'}`, d.root.line);
      const actionEntry = entry(d.root, 'action');
      const action = actionEntry ? scalarText(actionEntry.value) : undefined;
      const body: YMap = { ...d.root, entries: d.root.entries.filter((e) => e.key !== 'action') };
      if (actionEntry && action === undefined) throw invalid("'action' must be global, reset or repeat", actionEntry.keyLine);
      switch (action) {
        case 'global':
          global = global ? (mergeValues(global, body) as YMap) : body;
          continue;
        case 'reset':
          global = undefined;
          continue;
        case 'repeat': {
          if (!previous) throw invalid("'action: repeat' with no rule before it to repeat", actionEntry!.keyLine);
          const merged = mergeValues(previous, body) as YMap;
          previous = merged;
          out.push({ index: d.index, line: d.root.line, root: merged });
          continue;
        }
        case undefined: {
          const merged = global ? (mergeValues(global, body) as YMap) : body;
          previous = merged;
          out.push({ index: d.index, line: d.root.line, root: merged });
          continue;
        }
        default:
          throw invalid(`unknown action '${action}' (Sigma collections know global, reset and repeat)`, actionEntry!.keyLine);
      }
    } catch (err) {
      if (err instanceof RuleProblem) problems.push({ doc: d.index, problem: err });
      else throw err;
    }
  }
  return { documents: out, problems };
}
