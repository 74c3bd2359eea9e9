/**
 * What YARA-X said about each rule text, kept on disk between runs: compiling a rule file alone to learn whether it
 * loads costs about 2 ms, which over signature-base's 741 files is 1.5 s per run. YARA-X (through @litko/yara-x 0.3.0)
 * cannot serialise compiled rules, so the compiled form itself cannot be cached; the verdicts can.
 *
 * The key is the SHA-256 of the engine version, the external variables and the rule text, so a new engine or a changed
 * file is checked again. The cache lives in `$XDG_CACHE_HOME/hardnut` (else `~/.cache/hardnut`); when it cannot be
 * read or written, every file is simply checked again, and nothing else changes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/** Entries kept; the oldest go first past this. */
const MAX_ENTRIES = 50_000;
const FILE = 'yara-x-verdicts.v1.json';

export function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg) return join(xdg, 'hardnut');
  try {
    const home = env['HOME'] || homedir();
    return home ? join(home, '.cache', 'hardnut') : undefined;
  } catch {
    return undefined;
  }
}

export function verdictKey(engine: string, externals: readonly string[], text: string): string {
  return createHash('sha256').update(`${engine}\0${externals.join(',')}\0`).update(text).digest('hex');
}

/** Verdicts by key: '' when the text compiles alone, else the first error. */
export class VerdictCache {
  private readonly entries = new Map<string, string>();
  private changed = false;

  constructor(private readonly dir: string | undefined) {
    if (!dir) return;
    try {
      const data = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as unknown;
      if (data && typeof data === 'object' && !Array.isArray(data)) {
        for (const [k, v] of Object.entries(data as Record<string, unknown>)) if (typeof v === 'string') this.entries.set(k, v);
      }
    } catch {
      // absent, unreadable or damaged: start empty
    }
  }

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  set(key: string, verdict: string): void {
    this.entries.delete(key);
    this.entries.set(key, verdict);
    this.changed = true;
  }

  /** Write the cache back (atomically: a temporary file renamed over the old one). Failures are ignored on purpose. */
  save(): void {
    if (!this.dir || !this.changed) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      const keep = [...this.entries].slice(-MAX_ENTRIES);
      const tmp = join(this.dir, `${FILE}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(keep)));
      renameSync(tmp, join(this.dir, FILE));
      this.changed = false;
    } catch {
      // an unwritable cache only costs the next run the checks again
    }
  }
}

/** Plans kept on disk (each is about the size of its rule texts). */
const MAX_PLANS = 4;

/**
 * A whole plan (yara/plan.ts) by the key of everything it was made from, so a run over the same rules skips reading
 * their layout again. Stored one file a plan in V8's own serialisation (read back in a third of the time JSON takes,
 * for a plan of 8 MB), the oldest removed past MAX_PLANS. Unreadable, unwritable or not a plan: undefined.
 */
export function readPlan<T>(dir: string | undefined, key: string): T | undefined {
  if (!dir) return undefined;
  try {
    return deserialize(readFileSync(join(dir, `yara-plan-${key}.v8`))) as T;
  } catch {
    return undefined;
  }
}

export function writePlan(dir: string | undefined, key: string, plan: unknown): void {
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `yara-plan-${key}.v8.${process.pid}.tmp`);
    writeFileSync(tmp, serialize(plan));
    renameSync(tmp, join(dir, `yara-plan-${key}.v8`));
    const old = readdirSync(dir)
      .filter((f) => /^yara-plan-[0-9a-f]{64}\.(?:v8|json)$/.test(f))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)
      .slice(MAX_PLANS);
    for (const { f } of old) rmSync(join(dir, f), { force: true });
  } catch {
    // no cache: the next run plans again
  }
}
