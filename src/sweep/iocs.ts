/**
 * Indicator lists in signature-base's (Loki's) formats, parsed from text (no file access here):
 *
 * - hash lists: `HASH;COMMENT` or `HASH;SCORE;COMMENT`, HASH being an MD5, SHA-1 or SHA-256 in hex; a match scores
 *   100 (an alert) unless the line gives its own score;
 * - file-name lists: `REGEX;SCORE[;FALSE-POSITIVE REGEX]`, each regex tested against the file's path; a `# comment`
 *   line describes the lines after it. Python's leading `(?i)` becomes the `i` flag.
 *
 * `#` starts a comment line; blank lines are skipped. A line that is not in the format is a counted problem naming
 * its line, and the rest of the list still loads.
 */

export type HashKind = 'md5' | 'sha1' | 'sha256';

export interface HashIoc {
  kind: HashKind;
  hash: string;
  score: number;
  description: string;
  /** Where it came from, for the finding: `FILE:LINE`. */
  source: string;
}

export interface FilenameIoc {
  pattern: RegExp;
  falsePositive: RegExp | undefined;
  score: number;
  description: string;
  source: string;
}

export interface IocProblem {
  line: number;
  message: string;
}

/** Loki's score for a hash match without one of its own. */
export const HASH_SCORE = 100;

const HASH_KIND: Record<number, HashKind> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

/** Is this list of hashes (else of file-name patterns)? Decided by its first non-comment line. */
export function isHashList(text: string): boolean {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    return /^[0-9a-fA-F]{32}(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{32})?(;|$)/.test(t);
  }
  return false;
}

export function parseHashIocs(text: string, file: string): { iocs: HashIoc[]; problems: IocProblem[] } {
  const iocs: HashIoc[] = [];
  const problems: IocProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const cut = line.indexOf(';');
    const hash = (cut < 0 ? line : line.slice(0, cut)).trim().toLowerCase();
    const kind = /^[0-9a-f]+$/.test(hash) ? HASH_KIND[hash.length] : undefined;
    if (!kind) {
      problems.push({ line: i + 1, message: `'${hash.slice(0, 70)}' is not an MD5, SHA-1 or SHA-256 in hex` });
      return;
    }
    let rest = cut < 0 ? '' : line.slice(cut + 1);
    let score = HASH_SCORE;
    const m = /^(\d{1,4});/.exec(rest);
    if (m) {
      score = Number(m[1]);
      rest = rest.slice(m[0].length);
    }
    iocs.push({ kind, hash, score, description: rest.trim(), source: `${file}:${i + 1}` });
  });
  return { iocs, problems };
}

/** A Python-style regex as a JavaScript one: a leading `(?i)` becomes the `i` flag. Throws on what JS cannot compile. */
export function regexOf(text: string): RegExp {
  let flags = '';
  let body = text;
  if (body.startsWith('(?i)')) {
    flags = 'i';
    body = body.slice(4);
  }
  return new RegExp(body, flags);
}

export function parseFilenameIocs(text: string, file: string): { iocs: FilenameIoc[]; problems: IocProblem[] } {
  const iocs: FilenameIoc[] = [];
  const problems: IocProblem[] = [];
  let description = '';
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('#')) {
      const c = line.replace(/^#+\s*/, '');
      if (c && !/^[-=#\s]*$/.test(c)) description = c;
      return;
    }
    // The regex itself may hold ';' only escaped or inside a class, which Loki's own split does not allow either.
    const parts = line.split(';');
    const score = Number(parts[1]);
    if (parts.length < 2 || !parts[0] || !/^\d{1,4}$/.test(parts[1]!.trim())) {
      problems.push({ line: i + 1, message: 'expected REGEX;SCORE[;FALSE-POSITIVE REGEX]' });
      return;
    }
    try {
      const fp = parts.slice(2).join(';');
      iocs.push({
        pattern: regexOf(parts[0]),
        falsePositive: fp ? regexOf(fp) : undefined,
        score,
        description: description || parts[0],
        source: `${file}:${i + 1}`,
      });
    } catch (err) {
      problems.push({ line: i + 1, message: `not a regular expression JavaScript reads: ${(err as Error).message}` });
    }
  });
  return { iocs, problems };
}

/** Hash lists indexed for lookup by digest. */
export class HashIndex {
  private readonly byHash = new Map<string, HashIoc>();
  readonly kinds = new Set<HashKind>();

  constructor(iocs: Iterable<HashIoc>) {
    for (const i of iocs) {
      if (!this.byHash.has(i.hash)) this.byHash.set(i.hash, i);
      this.kinds.add(i.kind);
    }
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The indicators matching any of a file's digests (lower-case hex). */
  lookup(digests: Partial<Record<HashKind, string>>): HashIoc[] {
    const out: HashIoc[] = [];
    for (const k of ['md5', 'sha1', 'sha256'] as const) {
      const d = digests[k];
      const hit = d === undefined ? undefined : this.byHash.get(d);
      if (hit) out.push(hit);
    }
    return out;
  }
}

/**
 * The file-name indicators that match a path. Loki's lists are written for Windows paths (`\\svchost\.exe`), so a
 * path is tested as given and with its slashes as backslashes.
 */
export function matchFilename(iocs: readonly FilenameIoc[], path: string): FilenameIoc[] {
  const windows = path.includes('/') ? path.replace(/\//g, '\\') : path;
  const out: FilenameIoc[] = [];
  for (const ioc of iocs) {
    const hit = ioc.pattern.test(path) || (windows !== path && ioc.pattern.test(windows));
    if (!hit) continue;
    if (ioc.falsePositive && (ioc.falsePositive.test(path) || ioc.falsePositive.test(windows))) continue;
    out.push(ioc);
  }
  return out;
}
