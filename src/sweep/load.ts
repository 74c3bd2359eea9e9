/**
 * The file side of sweep's inputs other than the evidence: YARA rule files and folders (ours in rules/yara, then
 * --yara), planned into worker shares with the verdict cache, and IOC lists (--iocs files or folders). Every file that
 * cannot be read or used is a counted warning naming it; the rest still load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Diagnostics } from '../core/diagnostics.js';
import { packageRoot } from '../sources/rule-files.js';
import { walkInputs, type InputFile } from '../sources/walk.js';
import { isHashList, parseFilenameIocs, parseHashIocs, type FilenameIoc, type HashIoc } from './iocs.js';
import { EXTERNALS } from './filetype.js';
import { createHash } from 'node:crypto';
import { cacheDir, readPlan, VerdictCache, verdictKey, writePlan } from './yara/cache.js';
import { checkRuleText, engineVersion } from './yara/engine.js';
import { planYara, type RuleFileText, type YaraPlan } from './yara/plan.js';

export const YARA_FILE = /\.(yar|yara)$/i;
/** Changes whenever the planner or the plan's shape does, so a plan made by older code is never reused. */
const PLAN_FORMAT = 'plan-8';
/** Rule files and IOC lists larger than this are not read (signature-base's largest rule file is 1 MiB). */
const MAX_RULE_FILE = 16 << 20;

export const builtinYaraPath = () => join(packageRoot(), 'rules', 'yara');

function readTexts(paths: readonly string[], accept: (p: string) => boolean, what: string, diagnostics: Diagnostics): { path: string; text: string }[] {
  return readFound([...walkInputs(paths, { diagnostics, accept, maxSize: MAX_RULE_FILE })], what, diagnostics);
}

function readFound(files: readonly InputFile[], what: string, diagnostics: Diagnostics): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const f of files) {
    try {
      out.push({ path: f.path, text: readFileSync(f.path, 'utf8') });
    } catch (err) {
      diagnostics.warn(what === 'rule' ? 'RULE_INVALID' : 'INPUT_UNREADABLE', `cannot read this ${what} file: ${(err as Error).message.replace(/^[A-Z]+: /, '')}`, f.path);
    }
  }
  return out;
}

export interface YaraLoad {
  plan: YaraPlan;
  /** Files whose verdict came from the cache, files checked now; whether the whole plan came from the cache. */
  cached: number;
  checked: number;
  planCached: boolean;
}

/** A cached plan with the warnings its making raised, given again on every run that uses it. */
interface StoredPlan {
  plan: YaraPlan;
  warnings: { code: string; message: string; file?: string }[];
}

/**
 * Read, check (through the cache) and plan the YARA rules under `paths`, for as many workers as `sharesFor` gives
 * for their total size in bytes.
 */
export function loadYara(paths: readonly string[], sharesFor: (bytes: number) => number, env: NodeJS.ProcessEnv, diagnostics: Diagnostics): YaraLoad {
  const found = [...walkInputs(paths, { diagnostics, accept: (p) => YARA_FILE.test(p), maxSize: MAX_RULE_FILE })];
  const shards = sharesFor(found.reduce((n, f) => n + f.size, 0));
  const engine = engineVersion();
  const dir = cacheDir(env);
  // Keyed by each file's path, size and modification time (nanoseconds where the file system has them), so a run
  // over unchanged rules reads none of them; any edit changes the mtime and plans again.
  const planKey = createHash('sha256').update(`${PLAN_FORMAT}\0${engine}\0${EXTERNALS.join(',')}\0${shards}\0`);
  for (const f of found) planKey.update(`${f.path}\0${f.size}\0${f.mtimeMs}\0`);
  const key = planKey.digest('hex');
  const stored = readPlan<StoredPlan>(dir, key);
  if (stored?.plan?.shards && Array.isArray(stored.warnings)) {
    for (const w of stored.warnings) diagnostics.warn(w.code, w.message, w.file);
    return { plan: stored.plan, cached: found.length, checked: 0, planCached: true };
  }
  // The plan's own warnings (files unreadable or not compiling) are kept with it, to be given again when it is reused.
  const warnings: StoredPlan['warnings'] = [];
  const planning = new Diagnostics();
  planning.onWarning((w) => {
    warnings.push(w);
    diagnostics.warn(w.code, w.message, w.file);
  });
  const texts: RuleFileText[] = readFound(found, 'rule', planning).map((t) => ({ ...t, label: basename(t.path, extname(t.path)) }));
  const cache = new VerdictCache(dir);
  let cached = 0;
  let checked = 0;
  const plan = planYara(
    texts,
    {
      shards,
      check(file) {
        const key = verdictKey(engine, EXTERNALS, file.text);
        const known = cache.get(key);
        if (known !== undefined) {
          cached++;
          return known;
        }
        checked++;
        const verdict = checkRuleText(file.text);
        cache.set(key, verdict);
        return verdict;
      },
    },
    planning,
  );
  cache.save();
  writePlan(dir, key, { plan, warnings } satisfies StoredPlan);
  return { plan, cached, checked, planCached: false };
}

/** The built-in YARA rules' folder when it exists (the rules/yara pack ships with the detectors). */
export function builtinYaraPaths(): string[] {
  const p = builtinYaraPath();
  return existsSync(p) ? [p] : [];
}

export interface IocLoad {
  hashes: HashIoc[];
  filenames: FilenameIoc[];
  files: number;
  failed: number;
}

/** IOC lists: each file is a hash list or a file-name list, told apart by its first entry. */
export function loadIocs(paths: readonly string[], diagnostics: Diagnostics): IocLoad {
  const out: IocLoad = { hashes: [], filenames: [], files: 0, failed: 0 };
  for (const { path, text } of readTexts(paths, (p) => /\.(txt|csv|ioc|iocs)$/i.test(p), 'IOC', diagnostics)) {
    const parsed = isHashList(text) ? parseHashIocs(text, path) : parseFilenameIocs(text, path);
    for (const p of parsed.problems) diagnostics.warn('INPUT_RECORD', `line ${p.line}: ${p.message}; line skipped`, path);
    if (parsed.iocs.length === 0) {
      out.failed++;
      diagnostics.warn('INPUT_FORMAT', 'no indicator in this file (expected HASH;COMMENT or REGEX;SCORE lines)', path);
      continue;
    }
    out.files++;
    if (isHashList(text)) out.hashes.push(...(parsed.iocs as HashIoc[]));
    else out.filenames.push(...(parsed.iocs as FilenameIoc[]));
  }
  return out;
}
