/**
 * The file side of the Sigma engine (which is pure): rule files and folders read into texts, the shipped mapping
 * and the built-in pack located, a user's mapping file merged over the shipped one. Used by `rules check` and `hunt`.
 *
 * Rule files are `*.yml` / `*.yaml`; a rule's test events live beside it in `NAME.tests.yml`, which folder walks skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostics } from '../core/diagnostics.js';
import { HardnutError } from '../core/errors.js';
import { loadRuleFiles, MAX_RULE_TEXT, type FileResult, type RuleText } from '../sigma/load.js';
import { mergeMappings, parseMapping, type Mapping } from '../sigma/mapping.js';
import { walkInputs } from './walk.js';

export const RULE_FILE = /\.ya?ml$/i;
export const RULE_TESTS_FILE = /\.tests\.ya?ml$/i;

/** The repository (or installed package) root: where `rules/` is. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rules'))) return dir;
    dir = dirname(dir);
  }
  throw new HardnutError('INTERNAL', 'cannot find the hardnut package root (rules/ and package.json)');
}

export const builtinMappingPath = () => join(packageRoot(), 'rules', 'mapping', 'event-logs.yml');
export const builtinRulesPath = () => join(packageRoot(), 'rules', 'sigma');

export interface ReadRules {
  texts: RuleText[];
  /** Files that could not be read or are not rules, as results with the reason. */
  unread: FileResult[];
}

/** Every rule file under `paths` (files named directly are always taken), read as UTF-8. */
export function readRuleTexts(paths: readonly string[], diagnostics: Diagnostics): ReadRules {
  const texts: RuleText[] = [];
  const unread: FileResult[] = [];
  const fail = (path: string, message: string) =>
    unread.push({ path, documents: [], notes: [], issues: [{ code: 'RULE_INVALID', file: path, line: 1, message }] });
  const accept = (p: string) => RULE_FILE.test(p) && !RULE_TESTS_FILE.test(p);
  for (const f of walkInputs(paths, { diagnostics, accept })) {
    if (RULE_TESTS_FILE.test(f.path)) {
      fail(f.path, `a rule's test events (NAME.tests.yml), not a rule; its rule is ${f.path.replace(RULE_TESTS_FILE, '.yml')}`);
      continue;
    }
    if (f.size > MAX_RULE_TEXT) {
      fail(f.path, `${f.size} bytes is too large for a rule file (limit ${MAX_RULE_TEXT})`);
      continue;
    }
    try {
      texts.push({ path: f.path, text: readFileSync(f.path, 'utf8') });
    } catch (err) {
      fail(f.path, `cannot read: ${(err as Error).message.replace(/^[A-Z]+: /, '')}`);
    }
  }
  return { texts, unread };
}

/** The shipped mapping, with the user's file (if any) over it. Problems in either are fatal: a bad mapping misplaces every rule. */
export function loadMapping(userFile?: string): Mapping {
  const read = (path: string) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new HardnutError('INPUT_UNREADABLE', `cannot read the mapping: ${(err as Error).message}`, { file: path });
    }
    const { mapping, issues } = parseMapping(text, path);
    const first = issues[0];
    if (first) throw new HardnutError('INPUT_FORMAT', `line ${first.line}: ${first.message}`, { file: path });
    return mapping;
  };
  const base = read(builtinMappingPath());
  return userFile ? mergeMappings(base, read(resolve(userFile))) : base;
}

/** Read and load rule files, with the mapping's placeholders (compile them with compileRuleSet). */
export function loadRulePaths(paths: readonly string[], mapping: Mapping, diagnostics: Diagnostics): FileResult[] {
  const { texts, unread } = readRuleTexts(paths, diagnostics);
  return [...loadRuleFiles(texts, { placeholders: mapping.placeholders }), ...unread];
}
