/**
 * What sweep found, as Findings (src/findings/finding.ts): YARA matches (kind 'yara'), our own detectors' hits
 * ('heuristic') and indicator matches ('ioc'), each with the file's path, SHA-256, size and mtime, a score and level,
 * and the matched strings as short escaped excerpts. No raw content ever leaves this module.
 */
import { basename } from 'node:path';
import type { RuleMatch } from '@litko/yara-x';
import { techniquesFromTags, tacticsFromTags } from '../findings/attack.js';
import type { Finding, Match } from '../findings/finding.js';
import type { Level } from '../findings/level.js';
import { levelOfScore, type DetectorHit } from './detectors/types.js';
import { excerptOf } from './excerpt.js';
import type { FilenameIoc, HashIoc } from './iocs.js';

/** Loki's score for a YARA rule whose meta gives none. */
export const YARA_DEFAULT_SCORE = 75;
/** Matched strings kept per finding (the count of all is in the evidence). */
const MAX_MATCHES = 16;

/** The file a finding is about. */
export interface FileFacts {
  path: string;
  sha256: string;
  size: number;
  mtime: string;
}

/**
 * A YARA match's level: Loki's score bands (levelOfScore), never below medium. A signature in a curated set is written
 * to match malicious code, and its author's score ranks it among detections; signature-base gives 40–55 to its broad
 * webshell rules (WEBSHELL_PHP_Dynamic_Big), which alone find 14 of the 1,042 webshells it finds (docs/sweep.md).
 */
export function yaraLevel(score: number): Level {
  return levelOfScore(Math.max(score, 60));
}

function metaString(meta: Record<string, unknown>, key: string): string | null {
  const v = meta[key];
  if (typeof v === 'string' && v.trim()) return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return null;
}

export function metaScore(meta: Record<string, unknown>): number {
  const v = meta['score'];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : YARA_DEFAULT_SCORE;
}

function base(file: FileFacts, version: string, engine: string) {
  return {
    time: file.mtime,
    host: null,
    source: file.path,
    origin: { engine, command: 'sweep', version },
    path: file.path,
    sha256: file.sha256,
    size: file.size,
    mtime: file.mtime,
  };
}

export function yaraFinding(m: RuleMatch, label: string | undefined, bytes: Uint8Array, file: FileFacts, version: string): Finding {
  const meta = (m.meta ?? {}) as Record<string, unknown>;
  const score = metaScore(meta);
  const level = yaraLevel(score);
  const description = metaString(meta, 'description');
  const reference = metaString(meta, 'reference');
  const tags = m.tags ?? [];
  const matches: Match[] = m.matches.slice(0, MAX_MATCHES).map((s) => ({
    identifier: s.identifier,
    offset: s.offset,
    length: s.length,
    excerpt: excerptOf(bytes, s.offset, s.length),
  }));
  return {
    kind: 'yara',
    ...base(file, version, 'yara-x'),
    level,
    rule: {
      id: label ? `${label}:${m.ruleIdentifier}` : m.ruleIdentifier,
      title: m.ruleIdentifier,
      level,
      status: null,
      author: metaString(meta, 'author'),
      ...(description ? { description } : {}),
      references: reference ? [reference] : [],
      tags,
    },
    attack: techniquesFromTags(tags),
    tactics: tacticsFromTags(tags),
    summary: `YARA rule ${m.ruleIdentifier}${description ? `: ${description}` : ''}`,
    evidence: { rule_file: label ?? null, strings_matched: m.matches.length },
    score,
    matches,
  };
}

export function detectorFinding(hit: DetectorHit, bytes: Uint8Array, file: FileFacts, version: string): Finding {
  const level = levelOfScore(hit.score);
  return {
    kind: 'heuristic',
    ...base(file, version, 'hardnut-detectors'),
    level,
    rule: {
      id: hit.id,
      title: hit.title,
      level,
      status: null,
      author: hit.author,
      description: hit.description,
      references: hit.references,
      tags: hit.tags,
    },
    attack: techniquesFromTags(hit.tags),
    tactics: tacticsFromTags(hit.tags),
    summary: `${hit.title}: ${hit.description}`,
    evidence: { detector: hit.id, traits: hit.matches.length },
    score: hit.score,
    matches: hit.matches.slice(0, MAX_MATCHES).map((s) => ({ ...s, excerpt: excerptOf(bytes, s.offset, s.length) })),
  };
}

export function hashIocFinding(ioc: HashIoc, file: FileFacts, version: string): Finding {
  const level = levelOfScore(ioc.score);
  const title = `File hash on an indicator list (${ioc.kind.toUpperCase()})`;
  return {
    kind: 'ioc',
    ...base(file, version, 'iocs'),
    level,
    rule: { id: `ioc.hash.${ioc.kind}`, title, level, status: null, author: null, ...(ioc.description ? { description: ioc.description } : {}), references: [], tags: [] },
    attack: [],
    tactics: [],
    summary: `${title}${ioc.description ? `: ${ioc.description}` : ''}`,
    evidence: { indicator: ioc.hash, sha256: file.sha256, filename: basename(file.path), list: ioc.source },
    score: ioc.score,
    matches: [],
  };
}

export function filenameIocFinding(ioc: FilenameIoc, file: FileFacts, version: string): Finding {
  const level = levelOfScore(ioc.score);
  const title = 'File name on an indicator list';
  return {
    kind: 'ioc',
    ...base(file, version, 'iocs'),
    level,
    rule: { id: 'ioc.filename', title, level, status: null, author: null, description: ioc.description, references: [], tags: [] },
    attack: [],
    tactics: [],
    summary: `${title}: ${ioc.description}`,
    evidence: { indicator: ioc.pattern.source, sha256: file.sha256, filename: basename(file.path), list: ioc.source },
    score: ioc.score,
    matches: [],
  };
}
