/**
 * YAML documents as a small located tree: every map, entry, list and scalar keeps its line, so a rule error can say
 * where it is. Parsing is the `yaml` package's; this file only converts its nodes.
 *
 * Plain scalars are typed by their source text, not by a YAML schema: `4688` and `1.5` are numbers, `true`/`false`
 * booleans, `null`/`~`/nothing null, and everything else is the text as written. That keeps `0x17`, `0777` and `yes`
 * as the strings a rule author meant (YAML 1.1 and 1.2 disagree about all three), and numbers keep their spelling.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';

export interface YScalar {
  kind: 'scalar';
  line: number;
  value: string | number | boolean | null;
  /** The source spelling of a number (`4688`, `1.50`), so it compares as written. */
  text?: string;
  quoted: boolean;
}
export interface YEntry {
  key: string;
  keyLine: number;
  value: YValue;
}
export interface YMap {
  kind: 'map';
  line: number;
  entries: YEntry[];
}
export interface YSeq {
  kind: 'seq';
  line: number;
  items: YValue[];
}
export type YValue = YMap | YSeq | YScalar;

export interface YDocument {
  /** 0-based position of the document in the file. */
  index: number;
  line: number;
  /** Undefined for an empty document (`---` followed by nothing). */
  root: YValue | undefined;
}

export interface YParseError {
  line: number;
  message: string;
}

/** Hostile input: cap what one file may expand to (aliases can multiply a small text). */
const MAX_NODES = 200_000;
const MAX_DEPTH = 64;

const INT = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(?:\d+\.\d*|\.\d+)$/;

/** Parse every document of a YAML text; syntax errors come back as data, with their line. */
export function parseYamlDocuments(text: string): { documents: YDocument[]; errors: YParseError[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  const errors: YParseError[] = [];
  const documents: YDocument[] = [];
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  let budget = MAX_NODES;

  const convert = (node: unknown, doc: Document.Parsed, depth: number, seen: Set<unknown>): YValue => {
    if (--budget < 0) throw new TreeError('the document expands to too many nodes (alias bomb?)', 1);
    if (depth > MAX_DEPTH) throw new TreeError(`nesting deeper than ${MAX_DEPTH} levels`, 1);
    const n = node as YamlNode | null;
    const line = lineOf(n?.range?.[0]);
    if (n === null || n === undefined) return { kind: 'scalar', line, value: null, quoted: false };
    if (isAlias(n)) {
      const target = n.resolve(doc);
      if (!target) throw new TreeError(`unknown alias *${n.source}`, line);
      if (seen.has(target)) throw new TreeError(`alias *${n.source} refers to itself`, line);
      seen.add(target);
      const v = convert(target, doc, depth + 1, seen);
      seen.delete(target);
      return v;
    }
    if (isScalar(n)) return scalar(n, line);
    if (isSeq(n)) return { kind: 'seq', line, items: n.items.map((i) => convert(i, doc, depth + 1, seen)) };
    if (isMap(n)) {
      const entries: YEntry[] = [];
      for (const pair of n.items) {
        const k = pair.key as YamlNode | null;
        const keyLine = lineOf(k?.range?.[0]);
        const isMerge = (isScalar(k) && (k.value === '<<' || typeof k.value === 'symbol')) || (k as unknown) === '<<';
        const value = convert(pair.value, doc, depth + 1, seen);
        if (isMerge) {
          // `<<: *base` or `<<: [*a, *b]`: the merged maps' entries, unless this map sets them itself.
          const sources = value.kind === 'seq' ? value.items : [value];
          for (const s of sources) {
            if (s.kind !== 'map') throw new TreeError('a merge key (<<) must refer to a map', keyLine);
            for (const e of s.entries) if (!entries.some((x) => x.key === e.key)) entries.push(e);
          }
          continue;
        }
        let key: string;
        if (isScalar(k)) key = typeof k.value === 'string' ? k.value : k.value == null ? '' : String(k.source ?? k.value);
        else if (k === null || k === undefined) key = '';
        else throw new TreeError('a map key must be a plain value, not a list or a map', keyLine);
        const at = entries.findIndex((x) => x.key === key);
        if (at >= 0) entries.splice(at, 1); // an explicit key overrides one brought in by a merge
        entries.push({ key, keyLine, value });
      }
      return { kind: 'map', line, entries };
    }
    throw new TreeError('unexpected YAML node', line);
  };

  list.forEach((doc, index) => {
    for (const e of doc.errors) errors.push({ line: e.linePos?.[0]?.line ?? lineOf(e.pos[0]), message: firstLine(e.message) });
    if (doc.errors.length) return;
    const line = lineOf(doc.range?.[0]);
    try {
      const root = doc.contents === null ? undefined : convert(doc.contents, doc, 0, new Set());
      documents.push({ index, line, root });
    } catch (err) {
      if (err instanceof TreeError) errors.push({ line: err.line, message: err.message });
      else throw err;
    }
  });
  return { documents, errors };
}

class TreeError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function scalar(n: { value: unknown; source?: string; type?: string | undefined }, line: number): YScalar {
  const quoted = n.type !== undefined && n.type !== 'PLAIN';
  const v = n.value;
  if (quoted || typeof v === 'string') return { kind: 'scalar', line, value: v === null || v === undefined ? '' : String(v), quoted };
  const src = (n.source ?? String(v)).trim();
  if (v === null || v === undefined) return { kind: 'scalar', line, value: null, quoted };
  if (typeof v === 'boolean') {
    if (/^(?:true|false)$/i.test(src)) return { kind: 'scalar', line, value: v, quoted };
    return { kind: 'scalar', line, value: src, quoted };
  }
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (INT.test(src) || FLOAT.test(src)) {
      const num = Number(src);
      if (Number.isFinite(num)) return { kind: 'scalar', line, value: num, text: src.replace(/^\+/, ''), quoted };
    }
    return { kind: 'scalar', line, value: src, quoted };
  }
  return { kind: 'scalar', line, value: src, quoted };
}

// ---- small accessors used by the rule parser ----

export function entry(map: YMap, key: string): YEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

export function scalarText(v: YValue): string | undefined {
  if (v.kind !== 'scalar' || v.value === null) return undefined;
  if (typeof v.value === 'number') return v.text ?? String(v.value);
  return String(v.value);
}

/** A plain JSON view of a located value (for metadata the engine does not interpret). */
export function toPlain(v: YValue): unknown {
  if (v.kind === 'scalar') return v.value;
  if (v.kind === 'seq') return v.items.map(toPlain);
  const o: Record<string, unknown> = {};
  for (const e of v.entries) o[e.key] = toPlain(e.value);
  return o;
}

/** Deep merge for rule collections: maps merge key by key, anything else is replaced by the overlay. */
export function mergeValues(base: YValue, overlay: YValue): YValue {
  if (base.kind !== 'map' || overlay.kind !== 'map') return overlay;
  const entries = base.entries.map((e) => ({ ...e }));
  for (const o of overlay.entries) {
    const at = entries.findIndex((e) => e.key === o.key);
    if (at < 0) entries.push(o);
    else entries[at] = { key: o.key, keyLine: o.keyLine, value: mergeValues(entries[at]!.value, o.value) };
  }
  return { kind: 'map', line: overlay.line, entries };
}
