/** Helpers for the Sigma tests: rule sets from texts, the shipped mapping, evtx_dump's concatenated JSON. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectEvent } from '../../src/events/object-event.js';
import { buildRuleSet, parseMapping, type Mapping } from '../../src/sigma/index.js';
import type { CompileOptions } from '../../src/sigma/ruleset.js';
import { ROOT } from '../helpers.js';

export function shippedMapping(): Mapping {
  const path = join(ROOT, 'rules', 'mapping', 'event-logs.yml');
  const { mapping, issues } = parseMapping(readFileSync(path, 'utf8'), path);
  if (issues.length) throw new Error(`shipped mapping: ${JSON.stringify(issues)}`);
  return mapping;
}

export const emptyMapping = (placeholders: Record<string, string[]> = {}): Mapping => ({
  logsources: [],
  placeholders: new Map(Object.entries(placeholders)),
});

/** Compile rule texts; throws with the problems when any file does not load. */
export function ruleSetOf(texts: string[], mapping: Mapping = emptyMapping(), extra: Omit<CompileOptions, 'mapping'> = {}) {
  const { ruleSet, files } = buildRuleSet(
    texts.map((text, i) => ({ path: `rule${i}.yml`, text })),
    { mapping, ...extra },
  );
  const bad = files.filter((f) => f.issues.length);
  if (bad.length) throw new Error(bad.map((f) => f.issues.map((i) => `${f.path}:${i.line}: ${i.message}`).join('\n')).join('\n'));
  return ruleSet;
}

/** A whole rule around a detection section (indented for YAML), for hint events of product `conformance`. */
export function ruleAround(detection: string, title = 'case', id = 'case-1'): string {
  const body = detection
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
  return `title: ${JSON.stringify(title)}\nid: ${id}\nlogsource:\n    product: conformance\ndetection:\n${body}\nlevel: medium\n`;
}

export const hintEvent = (fields: Record<string, unknown>) => new ObjectEvent(fields, { product: 'conformance' });

/** The objects of a text of concatenated (pretty-printed) JSON documents, as evtx_dump writes them. */
export function concatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}
