/**
 * The logsource and field mapping, as data (rules/mapping/event-logs.yml, and a user's file over it): for each Sigma
 * logsource, the event-log sources its events come from — channel or provider, event ids, extra conditions — and
 * how the rule's field names read those events (renames and a few named conversions). Parsing is pure; reading the
 * files is the caller's.
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import { getField, type FieldReader } from './context.js';
import type { Logsource } from './model.js';
import { entry, parseYamlDocuments, scalarText, type YMap, type YValue } from './yaml-tree.js';

export type FieldSource =
  | { kind: 'field'; field: string }
  /**
   * Conversions: `hex-to-decimal`, `values` (a lookup table), `account` (DOMAIN\name, well-known SIDs), `first-set`,
   * `parameter-messages` (`%%N` references also as their text, from a table), `guid` (a GUID with and without braces),
   * `registry-path` (a Security audit key and value name as Sysmon's TargetObject).
   */
  | { kind: 'convert'; convert: Conversion; from: string[][]; values?: Map<string, string> };

export type Conversion = 'hex-to-decimal' | 'values' | 'account' | 'first-set' | 'parameter-messages' | 'guid' | 'registry-path';
const CONVERSIONS: readonly Conversion[] = ['hex-to-decimal', 'values', 'account', 'first-set', 'parameter-messages', 'guid', 'registry-path'];

export interface SourceSpec {
  name: string;
  /** Lower-case channel names; `*` is every channel. */
  channels: string[];
  /** Lower-case provider names. */
  providers: string[];
  eventIds: number[] | undefined;
  /** Field values the events must have: field → any of these values (compared case-insensitively). */
  conditions: { field: string; values: string[] }[];
  fields: Map<string, FieldSource>;
  unavailable: Set<string>;
}

export interface LogsourceSpec {
  product?: string;
  category?: string;
  service?: string;
  sources: SourceSpec[];
  /** Where it was defined: `FILE:LINE`. */
  origin: string;
}

export interface Mapping {
  logsources: LogsourceSpec[];
  placeholders: Map<string, string[]>;
}

export interface MappingIssue {
  file: string;
  line: number;
  message: string;
}

class MappingProblem extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const lsKey = (l: { product?: string | undefined; category?: string | undefined; service?: string | undefined }) =>
  `${l.product ?? ''}|${l.category ?? ''}|${l.service ?? ''}`;

/** Parse a mapping file. Problems are returned with their line; the entries that are fine are kept. */
export function parseMapping(text: string, file: string): { mapping: Mapping; issues: MappingIssue[] } {
  const issues: MappingIssue[] = [];
  const mapping: Mapping = { logsources: [], placeholders: new Map() };
  const { documents, errors } = parseYamlDocuments(text);
  for (const e of errors) issues.push({ file, line: e.line, message: `YAML: ${e.message}` });
  const root = documents[0]?.root;
  if (!root) {
    if (!errors.length) issues.push({ file, line: 1, message: 'the mapping file is empty' });
    return { mapping, issues };
  }
  const guard = (f: () => void) => {
    try {
      f();
    } catch (err) {
      if (err instanceof MappingProblem) issues.push({ file, line: err.line, message: err.message });
      else throw err;
    }
  };
  guard(() => {
    if (root.kind !== 'map') throw new MappingProblem('a mapping file is a map with logsources and placeholders', root.line);
    for (const e of root.entries) {
      if (!['version', 'definitions', 'logsources', 'placeholders'].includes(e.key)) {
        throw new MappingProblem(`unknown key '${e.key}' (a mapping has version, definitions, logsources, placeholders)`, e.keyLine);
      }
    }
    const ls = entry(root, 'logsources');
    if (ls) {
      if (ls.value.kind !== 'seq') throw new MappingProblem("'logsources' must be a list", ls.keyLine);
      for (const item of ls.value.items) guard(() => mapping.logsources.push(parseLogsourceSpec(item, file)));
    }
    const ph = entry(root, 'placeholders');
    if (ph && !(ph.value.kind === 'scalar' && ph.value.value === null)) {
      if (ph.value.kind !== 'map') throw new MappingProblem("'placeholders' must map names to lists of values", ph.keyLine);
      for (const p of ph.value.entries) {
        guard(() => mapping.placeholders.set(p.key.replace(/^%|%$/g, ''), strings(p.value, `placeholder ${p.key}`)));
      }
    }
  });
  return { mapping, issues };
}

function parseLogsourceSpec(v: YValue, file: string): LogsourceSpec {
  const m = asMap(v, 'a logsources entry');
  const ls = entry(m, 'logsource');
  if (!ls) throw new MappingProblem("a logsources entry needs 'logsource' (product, category, service)", m.line);
  const lm = asMap(ls.value, 'logsource');
  const spec: LogsourceSpec = { sources: [], origin: `${file}:${m.line}` };
  for (const e of lm.entries) {
    if (e.key !== 'product' && e.key !== 'category' && e.key !== 'service') {
      throw new MappingProblem(`logsource key '${e.key}' is not product, category or service`, e.keyLine);
    }
    const t = scalarText(e.value);
    if (t === undefined) throw new MappingProblem(`logsource ${e.key} must be a plain value`, e.keyLine);
    spec[e.key] = t.toLowerCase();
  }
  const src = entry(m, 'sources');
  if (!src || src.value.kind !== 'seq') throw new MappingProblem("a logsources entry needs a list of 'sources'", m.line);
  src.value.items.forEach((s, i) => spec.sources.push(parseSource(s, `${lsKey(spec)}#${i + 1}`)));
  return spec;
}

function parseSource(v: YValue, defaultName: string): SourceSpec {
  const m = asMap(v, 'a source');
  for (const e of m.entries) {
    if (!['name', 'channel', 'provider', 'event_ids', 'conditions', 'fields', 'unavailable'].includes(e.key)) {
      throw new MappingProblem(`unknown source key '${e.key}'`, e.keyLine);
    }
  }
  const opt = (k: string) => {
    const e = entry(m, k);
    return e ? strings(e.value, k) : [];
  };
  const channels = opt('channel').map((c) => c.toLowerCase());
  const providers = opt('provider').map((c) => c.toLowerCase());
  if (!channels.length && !providers.length) throw new MappingProblem('a source needs a channel or a provider', m.line);
  const ids = entry(m, 'event_ids');
  const eventIds = ids
    ? strings(ids.value, 'event_ids').map((s) => {
        if (!/^\d+$/.test(s)) throw new MappingProblem(`event id '${s}' is not a number`, ids.keyLine);
        return Number(s);
      })
    : undefined;
  const conditions: SourceSpec['conditions'] = [];
  const ce = entry(m, 'conditions');
  if (ce) for (const c of asMap(ce.value, 'conditions').entries) conditions.push({ field: c.key, values: strings(c.value, c.key) });
  const fields = new Map<string, FieldSource>();
  const fe = entry(m, 'fields');
  if (fe) for (const f of asMap(fe.value, 'fields').entries) fields.set(f.key, parseFieldSource(f.value, f.key));
  const name = entry(m, 'name');
  return {
    name: (name && scalarText(name.value)) || defaultName,
    channels,
    providers,
    eventIds,
    conditions,
    fields,
    unavailable: new Set(opt('unavailable')),
  };
}

function parseFieldSource(v: YValue, field: string): FieldSource {
  if (v.kind === 'scalar') {
    const t = scalarText(v);
    if (!t) throw new MappingProblem(`field '${field}' maps to nothing`, v.line);
    return { kind: 'field', field: t };
  }
  const m = asMap(v, `field '${field}'`);
  const conv = entry(m, 'convert');
  const from = entry(m, 'from');
  if (!from) throw new MappingProblem(`field '${field}' needs 'from'`, m.line);
  const fromList: string[][] =
    from.value.kind === 'seq'
      ? from.value.items.map((i) => (i.kind === 'seq' ? strings(i, 'from') : strings(i, 'from')))
      : [strings(from.value, 'from')];
  if (!conv) {
    if (fromList.length !== 1 || fromList[0]!.length !== 1) throw new MappingProblem(`field '${field}' with several sources needs 'convert'`, m.line);
    return { kind: 'field', field: fromList[0]![0]! };
  }
  const name = scalarText(conv.value) as Conversion;
  if (!CONVERSIONS.includes(name)) throw new MappingProblem(`unknown conversion '${String(name)}' (known: ${CONVERSIONS.join(', ')})`, conv.keyLine);
  const out: FieldSource = { kind: 'convert', convert: name, from: fromList };
  if (name === 'account' && fromList.some((f) => f.length !== 3)) {
    throw new MappingProblem(`'account' takes [domain, name, sid] field triples`, from.keyLine);
  }
  if (name === 'registry-path' && (fromList.length !== 1 || fromList[0]!.length !== 2)) {
    throw new MappingProblem(`'registry-path' takes one [key name, value name] field pair`, from.keyLine);
  }
  const values = entry(m, 'values');
  if (name === 'values' || name === 'parameter-messages') {
    if (!values) throw new MappingProblem(`the '${name}' conversion needs a 'values' table`, m.line);
    out.values = new Map(asMap(values.value, 'values').entries.map((e) => [e.key.toLowerCase(), scalarText(e.value) ?? '']));
  }
  return out;
}

function asMap(v: YValue, what: string): YMap {
  if (v.kind !== 'map') throw new MappingProblem(`${what} must be a map`, v.line);
  return v;
}

function strings(v: YValue, what: string): string[] {
  if (v.kind === 'scalar') {
    const t = scalarText(v);
    return t === undefined ? [] : [t];
  }
  if (v.kind === 'map') throw new MappingProblem(`${what} must be a value or a list`, v.line);
  return v.items.map((i) => {
    const t = scalarText(i);
    if (t === undefined) throw new MappingProblem(`${what} must list plain values`, i.line);
    return t;
  });
}

/** `over`'s logsources replace `base`'s with the same product/category/service; placeholders are added. */
export function mergeMappings(base: Mapping, over: Mapping): Mapping {
  const keys = new Set(over.logsources.map(lsKey));
  return {
    logsources: [...over.logsources, ...base.logsources.filter((l) => !keys.has(lsKey(l)))],
    placeholders: new Map([...base.placeholders, ...over.placeholders]),
  };
}

/** The mapping entry for a rule's logsource (exact product, category and service), if any. */
export function findLogsource(mapping: Mapping, ls: Logsource): LogsourceSpec | undefined {
  const key = lsKey(ls);
  return mapping.logsources.find((l) => lsKey(l) === key);
}

// ---- field readers ----

/** The slot key and reader for a Sigma field on a source: the slot is shared by every rule reading the same thing. */
export function readerFor(src: FieldSource): { key: string; name: string; read: FieldReader } {
  if (src.kind === 'field') {
    const f = src.field;
    return { key: f, name: f, read: (ev, c) => getField(ev, f, c) };
  }
  const key = `${src.convert}(${JSON.stringify(src.from)}${src.values ? ',' + JSON.stringify([...src.values]) : ''})`;
  const name = src.from.map((f) => f.join('\\')).join('|');
  switch (src.convert) {
    case 'hex-to-decimal': {
      const f = src.from[0]![0]!;
      return { key, name: f, read: (ev) => hexToDecimal(ev.get(f)) };
    }
    case 'values': {
      const f = src.from[0]![0]!;
      const table = src.values!;
      return {
        key,
        name: f,
        read: (ev) => {
          const v = ev.get(f);
          return typeof v === 'string' ? (table.get(v.toLowerCase()) ?? v) : v;
        },
      };
    }
    case 'first-set': {
      const fields = src.from.flat();
      return {
        key,
        name,
        read: (ev) => {
          let last: FieldValue;
          for (const f of fields) {
            const v = ev.get(f);
            if (!unset(v)) return v;
            if (v !== undefined) last = v;
          }
          return last;
        },
      };
    }
    case 'account':
      return { key, name, read: (ev) => account(ev, src.from) };
    case 'parameter-messages': {
      const f = src.from[0]![0]!;
      const table = src.values!;
      return { key, name: f, read: (ev) => withMessages(ev.get(f), table) };
    }
    case 'guid': {
      const f = src.from[0]![0]!;
      return { key, name: f, read: (ev) => bothGuidSpellings(ev.get(f)) };
    }
    case 'registry-path': {
      const [k, val] = src.from[0]!;
      return { key, name: k!, read: (ev) => registryPath(ev.get(k!), ev.get(val!)) };
    }
  }
}

/** Kernel registry roots as Sysmon abbreviates them. */
const HIVES: readonly [RegExp, string][] = [
  [/^\\REGISTRY\\MACHINE(?=\\|$)/i, 'HKLM'],
  [/^\\REGISTRY\\USER(?=\\|$)/i, 'HKU'],
];
const MACHINE_CLASSES = /^HKLM\\SOFTWARE\\Classes(?=\\|$)/i;
const CONTROL_SET = /^(HKLM\\SYSTEM\\)ControlSet\d{3}(?=\\|$)/i;

/**
 * Security 4657 names the key as the kernel does (`\REGISTRY\MACHINE\SYSTEM\ControlSet001\Services\x`) and the
 * value apart; registry rules are written against Sysmon's TargetObject (`HKLM\System\CurrentControlSet\Services\x\
 * Value`, the default value as `(Default)`, the machine's classes as `HKCR\…`). The path answers in Sysmon's spelling
 * and as the kernel names it (CurrentControlSet is the link Windows resolves to one of the ControlSet00N keys;
 * HKCR shows HKLM\SOFTWARE\Classes), so rules written either way match.
 */
function registryPath(keyName: FieldValue, valueName: FieldValue): FieldValue {
  if (typeof keyName !== 'string' || keyName === '' || keyName === '-') return keyName;
  let path = keyName;
  for (const [root, short] of HIVES) {
    if (root.test(path)) {
      path = path.replace(root, short);
      break;
    }
  }
  if (typeof valueName === 'string') path += '\\' + (valueName === '' || valueName === '-' ? '(Default)' : valueName);
  const sysmon = path.replace(CONTROL_SET, '$1CurrentControlSet').replace(MACHINE_CLASSES, 'HKCR');
  return sysmon === path ? path : [sysmon, path];
}

/**
 * Windows stores some values as `%%N`, references to the provider's parameter message file (msobjs.dll for the
 * Security log), which event viewers and most collectors replace with its text (`%%4417` is `WriteData (or AddFile)`).
 * SigmaHQ rules are written in both forms, so such a field answers both: the value as stored and as rendered.
 */
function withMessages(v: FieldValue, table: Map<string, string>): FieldValue {
  if (typeof v !== 'string' || !v.includes('%%')) return v;
  const rendered = v.replace(/%%\d+/g, (ref) => table.get(ref) ?? ref);
  return rendered === v ? v : [v, rendered];
}

const GUID = /^(\{)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\})?$/i;

/**
 * Windows renders a GUID-typed value in braces (`{0CCE9215-…}`), evtx_dump and the JSON collectors without; rules
 * are written either way, so the field answers both spellings.
 */
function bothGuidSpellings(v: FieldValue): FieldValue {
  if (typeof v !== 'string') return v;
  const m = GUID.exec(v.trim());
  if (!m || (m[1] === undefined) !== (m[3] === undefined)) return v; // both braces or neither
  return m[1] ? [v, m[2]!] : [v, `{${m[2]!}}`];
}

const UNSET = new Set(['', '-', '0x0', 's-1-0-0']);
function unset(v: FieldValue): boolean {
  return v === undefined || v === null || (typeof v === 'string' && UNSET.has(v.toLowerCase()));
}

function hexToDecimal(v: FieldValue): FieldValue {
  if (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v.trim())) {
    const n = parseInt(v.trim(), 16);
    return Number.isSafeInteger(n) ? String(n) : v;
  }
  return v;
}

/** Windows writes these accounts as NT AUTHORITY\… in Sysmon but as the computer account in Security events. */
const WELL_KNOWN_SIDS: Record<string, string> = {
  'S-1-5-18': 'NT AUTHORITY\\SYSTEM',
  'S-1-5-19': 'NT AUTHORITY\\LOCAL SERVICE',
  'S-1-5-20': 'NT AUTHORITY\\NETWORK SERVICE',
};

function account(ev: EventRecord, candidates: string[][]): FieldValue {
  for (const [df, nf, sf] of candidates) {
    const name = ev.get(nf!);
    const sid = ev.get(sf!);
    if (typeof sid === 'string' && WELL_KNOWN_SIDS[sid.toUpperCase()]) return WELL_KNOWN_SIDS[sid.toUpperCase()]!;
    if (unset(name)) continue;
    const domain = ev.get(df!);
    return unset(domain) ? name : `${String(domain)}\\${String(name)}`;
  }
  return undefined;
}
