/**
 * Sigma's `webserver` taxonomy (sigma-appendix-taxonomy.md: the W3C field names `cs-method`, `cs-uri-stem`,
 * `cs-uri-query`, `sc-status`, `c-ip`, `cs-username`, `cs-host`, `cs-user-agent`, `cs-referer`, `cs-cookie`…) over
 * whatever a web log calls its columns. A source keeps its own column names and answers the taxonomy names as
 * derived fields, so a rule written for IIS runs unchanged on Exchange HttpProxy rows, access logs and CSV exports.
 */
import type { FieldValue, LogsourceHint } from '../events/event.js';
import type { Derived } from './record.js';

export const WEBSERVER: LogsourceHint = Object.freeze({ category: 'webserver' });

/** The taxonomy field → the columns that hold it, by a normalised name (lower case, letters and digits only). */
export type ColumnChoices = Partial<Record<TaxonomyField, readonly string[]>>;

export type TaxonomyField =
  | 'cs-method'
  | 'cs-uri-stem'
  | 'cs-uri-query'
  | 'sc-status'
  | 'c-ip'
  | 'cs-username'
  | 'cs-host'
  | 'cs-user-agent'
  | 'cs-referer'
  | 'cs-cookie'
  | 'cs-version'
  | 's-ip'
  | 's-port'
  | 's-computername';

/** W3C's own spellings: IIS writes request headers as `cs(User-Agent)`. */
export const W3C_COLUMNS: ColumnChoices = {
  'cs-user-agent': ['csuseragent'],
  'cs-referer': ['csreferer', 'csreferrer'],
  'cs-cookie': ['cscookie'],
  'cs-host': ['cshost'],
};

/** Exchange HttpProxy (and its PowerShell exports): DateTime, UrlStem, UrlQuery, Method, HttpStatus… */
export const HTTPPROXY_COLUMNS: ColumnChoices = {
  'cs-method': ['method'],
  'cs-uri-stem': ['urlstem'],
  'cs-uri-query': ['urlquery'],
  'sc-status': ['httpstatus'],
  'c-ip': ['clientipaddress'],
  'cs-username': ['authenticateduser'],
  'cs-host': ['urlhost'],
  'cs-user-agent': ['useragent'],
  's-computername': ['serverhostname'],
};

/** Common column names of web logs exported to CSV (SIEM exports, spreadsheets, hand-made extracts). */
export const CSV_COLUMNS: ColumnChoices = {
  'cs-method': ['method', 'httpmethod', 'requestmethod', 'verb', 'csmethod'],
  'cs-uri-stem': ['urlpath', 'uripath', 'urlstem', 'uristem', 'csuristem', 'requestpath', 'url', 'uri', 'requesturi', 'requesturl', 'curi', 'csuri'],
  'cs-uri-query': ['urlquery', 'uriquery', 'querystring', 'query', 'csuriquery'],
  'sc-status': ['status', 'httpstatus', 'statuscode', 'responsecode', 'scstatus', 'httpstatuscode'],
  'c-ip': ['clientip', 'clientipaddress', 'remoteaddr', 'remoteip', 'srcip', 'sourceip', 'cip'],
  'cs-username': ['username', 'user', 'authenticateduser', 'csusername', 'remoteuser'],
  'cs-host': ['urlhost', 'cshost', 'host'],
  'cs-user-agent': ['useragent', 'csuseragent', 'httpuseragent'],
  'cs-referer': ['referer', 'referrer', 'csreferer', 'httpreferer'],
};

/** Column name → the form `ColumnChoices` lists: `cs(User-Agent)` → `csuseragent`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The first column whose normalised name is one of `choices` (in the order of `choices`). */
function pick(names: readonly string[], choices: readonly string[] | undefined): number | undefined {
  if (!choices) return undefined;
  const norm = names.map(normaliseName);
  for (const c of choices) {
    const i = norm.indexOf(c);
    if (i >= 0) return i;
  }
  return undefined;
}

/** IIS writes spaces in header values as `+`; a rule may be written either way, so both spellings are answered. */
function bothSpellings(v: string): FieldValue {
  if (v.indexOf('+') < 0) return v;
  const spaced = v.replace(/\+/g, ' ');
  return [spaced, v];
}

/** Split a URL column that may hold a full URL or a path with its query. */
function splitUrl(v: string): { stem: string; query: string | undefined } {
  let rest = v;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length) || '/';
  const q = rest.indexOf('?');
  return q < 0 ? { stem: rest, query: undefined } : { stem: rest.slice(0, q), query: rest.slice(q + 1) };
}

export interface WebserverView {
  derived: Map<string, Derived>;
  /** Whether the columns include a request path: only then is the log a web log. */
  hasUrl: boolean;
}

/**
 * Derived taxonomy fields for a header. Columns already named as in the taxonomy stay as they are; a stem-less log
 * with a full URL column gets `cs-uri-stem`/`cs-uri-query` split from it; `c-uri` (stem and query) is always
 * offered because proxy-style rules use it.
 */
export function webserverView(names: readonly string[], choices: ColumnChoices, empty?: string): WebserverView {
  const derived = new Map<string, Derived>();
  const own = new Set(names);
  const val = (values: readonly string[], i: number): string | undefined => {
    const v = values[i];
    return v === undefined || v === empty || v === '' ? undefined : v;
  };
  const at = (field: TaxonomyField) => (own.has(field) ? names.indexOf(field) : pick(names, choices[field]));

  let stemIdx = at('cs-uri-stem');
  const queryIdx = at('cs-uri-query');
  // A column holding a whole URL (`cs-uri`, `url`): stem and query are split from it on demand.
  const urlIsWhole = stemIdx !== undefined && !own.has('cs-uri-stem') && queryIdx === undefined;
  if (stemIdx === undefined && own.has('cs-uri')) stemIdx = names.indexOf('cs-uri');
  const wholeIdx = stemIdx !== undefined && (urlIsWhole || names[stemIdx] === 'cs-uri') ? stemIdx : undefined;

  for (const field of Object.keys(choices) as TaxonomyField[]) {
    if (own.has(field) || field === 'cs-uri-stem' || field === 'cs-uri-query') continue;
    const i = at(field);
    if (i === undefined) continue;
    if (field === 'cs-user-agent' || field === 'cs-referer' || field === 'cs-cookie') {
      derived.set(field, (values) => {
        const v = val(values, i);
        return v === undefined ? null : bothSpellings(v);
      });
    } else derived.set(field, (values) => val(values, i) ?? null);
  }

  if (wholeIdx !== undefined) {
    derived.set('cs-uri-stem', (values) => {
      const v = val(values, wholeIdx);
      return v === undefined ? null : splitUrl(v).stem;
    });
    derived.set('cs-uri-query', (values) => {
      const v = val(values, wholeIdx);
      return v === undefined ? null : (splitUrl(v).query ?? null);
    });
  } else {
    if (stemIdx !== undefined && !own.has('cs-uri-stem')) derived.set('cs-uri-stem', (values) => val(values, stemIdx) ?? null);
    if (queryIdx !== undefined && !own.has('cs-uri-query')) {
      // HttpProxy's UrlQuery keeps its leading '?', W3C's cs-uri-query does not.
      derived.set('cs-uri-query', (values) => {
        const v = val(values, queryIdx);
        return v === undefined ? null : v.charCodeAt(0) === 63 ? v.slice(1) || null : v;
      });
    }
  }

  if (stemIdx !== undefined && !own.has('c-uri')) {
    const sIdx = stemIdx;
    derived.set('c-uri', (values) => {
      const stem = val(values, sIdx);
      if (stem === undefined) return null;
      if (wholeIdx !== undefined || queryIdx === undefined) return stem;
      const q = val(values, queryIdx);
      if (q === undefined) return stem;
      return q.charCodeAt(0) === 63 ? stem + q : `${stem}?${q}`;
    });
  }
  return { derived, hasUrl: stemIdx !== undefined };
}

