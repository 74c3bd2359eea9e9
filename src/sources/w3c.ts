/**
 * W3C Extended Log File Format (https://www.w3.org/TR/WD-logfile.html), as IIS writes it: `#Software`, `#Version`,
 * `#Date` and `#Fields` directives, then one space-separated line per request, `-` for an empty value, `+` for the
 * spaces inside a header value, times in UTC. Every `#Fields` line starts a new schema (IIS repeats the header block
 * when a log is reopened, and an administrator may change the field set mid-file).
 *
 * Tolerated variants: data with no `#Fields` header at all (a fragment cut out of a log with grep, or a header lost
 * in transfer) is read with IIS's default field set when each line has that many values and looks like a request;
 * tabs or repeated spaces between values; a user agent logged with raw spaces; a `time`-only log dated by `#Date`.
 */
import type { EventRecord, LogsourceHint } from '../events/event.js';
import type { LineReader, ReaderContext } from './reader.js';
import { makeSchema, RowEvent, type Derived, type RowSchema } from './record.js';
import { isoFromDateAndTime, isoFromIso } from './time.js';
import { W3C_COLUMNS, webserverView } from './webserver.js';

/** IIS 8.5 and later (and Exchange's IIS sites): the default field selection. */
const IIS_DEFAULT_15 = 'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'.split(' ');
/** IIS 7 to 8: the same without cs(Referer). */
const IIS_DEFAULT_14 = IIS_DEFAULT_15.filter((f) => f !== 'cs(Referer)');

const WEB_FIELDS = ['cs-method', 'cs-uri-stem', 'cs-uri', 'cs(User-Agent)', 'sc-status', 'cs-uri-query'];

const LOOKS_LIKE_REQUEST = /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}(?:\.\d+)? \S+ [A-Z][A-Z_-]{1,19} [/*]/;

interface W3cSchema extends RowSchema {
  dateIdx: number | undefined;
  timeIdx: number | undefined;
  hostIdx: number | undefined;
  serverIpIdx: number | undefined;
  uaIdx: number | undefined;
}

export class W3cReader implements LineReader {
  private schema: W3cSchema | undefined;
  private software = '';
  private directiveDate: string | undefined;
  private readonly cache = new Map<string, W3cSchema>();

  constructor(private readonly ctx: ReaderContext) {}

  line(text: string, lineNo: number, out: EventRecord[]): void {
    if (text.length === 0) return;
    if (text.charCodeAt(0) === 35 /* # */) {
      this.directive(text);
      return;
    }
    let values = text.split(' ');
    let schema = this.schema;
    if (schema === undefined) {
      if (!LOOKS_LIKE_REQUEST.test(text.replace(/\s+/g, ' '))) {
        this.ctx.problems.report('lines that are not W3C log lines', `line ${lineNo}: not a W3C log line and no #Fields header yet; skipped`);
        return;
      }
      values = text.trim().split(/\s+/);
      const names = values.length === 15 ? IIS_DEFAULT_15 : values.length === 14 ? IIS_DEFAULT_14 : undefined;
      if (!names) {
        this.ctx.problems.report(
          'headerless lines of an unknown field set',
          `line ${lineNo}: ${values.length} values with no #Fields header, which matches neither of IIS's default field sets (14 or 15 values); skipped`,
        );
        return;
      }
      schema = this.schemaFor(names, true);
    }
    const want = schema.names.length;
    if (values.length !== want) {
      values = text.trim().split(/\s+/);
      if (values.length > want && schema.uaIdx !== undefined) {
        // The only W3C value that real-world loggers write with raw spaces is the user agent: give it the surplus.
        const extra = values.length - want;
        const ua = values.slice(schema.uaIdx, schema.uaIdx + extra + 1).join(' ');
        values.splice(schema.uaIdx, extra + 1, ua);
      }
      if (values.length > want) {
        this.ctx.problems.report(
          'lines with more values than their #Fields header',
          `line ${lineNo}: ${values.length} values where the #Fields header names ${want}; skipped`,
        );
        return;
      }
      if (values.length < want) {
        // A short line is usually the last one of a log copied while IIS was writing it: keep what it has.
        this.ctx.problems.report(
          'lines with fewer values than their #Fields header',
          `line ${lineNo}: ${values.length} values where the #Fields header names ${want}; read as far as it goes`,
        );
      }
    }
    out.push(
      new RowEvent(schema, values, {
        host: this.hostOf(schema, values),
        // With a date column the schema computes the time when asked; a time-only log is dated by #Date now.
        time: schema.dateIdx === undefined ? this.timeOnly(schema, values) : undefined,
        recordId: lineNo,
      }),
    );
  }

  end(): void {
    // Nothing is held between lines.
  }

  private directive(text: string): void {
    const colon = text.indexOf(':');
    const name = (colon < 0 ? text.slice(1) : text.slice(1, colon)).trim().toLowerCase();
    const value = colon < 0 ? '' : text.slice(colon + 1).trim();
    if (name === 'fields') {
      const names = value.split(/\s+/).filter(Boolean);
      this.schema = names.length ? this.schemaFor(names, false) : undefined;
    } else if (name === 'software') this.software = value;
    else if (name === 'date' || name === 'start-date') this.directiveDate = value.split(/\s+/)[0];
  }

  private schemaFor(names: readonly string[], iisDefault: boolean): W3cSchema {
    const key = `${iisDefault ? 'd' : 'f'}:${this.software}:${names.join(' ')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let logsource: LogsourceHint | undefined;
    let derived: ReadonlyMap<string, Derived> = new Map();
    if (names.some((n) => WEB_FIELDS.includes(n))) {
      const iis = iisDefault || /internet information services/i.test(this.software);
      logsource = iis ? { category: 'webserver', product: 'iis' } : { category: 'webserver' };
      derived = webserverView(names, W3C_COLUMNS, '-').derived;
    }
    const dateIdx = names.indexOf('date');
    const timeIdx = names.indexOf('time');
    const timeOf =
      dateIdx < 0
        ? undefined
        : (values: readonly string[]) => {
            const date = values[dateIdx];
            const time = timeIdx < 0 ? undefined : values[timeIdx];
            // Some exporters write an ISO date-time into the `date` column.
            if (time === undefined && date !== undefined && date.length > 10) return isoFromIso(date);
            return isoFromDateAndTime(date, time);
          };
    const base = makeSchema(names, { derived, empty: '-', ...(logsource ? { logsource } : {}), ...(timeOf ? { timeOf } : {}) });
    const idx = (n: string) => base.index.get(n);
    const schema: W3cSchema = {
      ...base,
      dateIdx: idx('date'),
      timeIdx: idx('time'),
      hostIdx: idx('s-computername'),
      serverIpIdx: idx('s-ip'),
      uaIdx: idx('cs(User-Agent)'),
    };
    this.cache.set(key, schema);
    return schema;
  }

  private hostOf(schema: W3cSchema, values: readonly string[]): string | undefined {
    const own = schema.hostIdx === undefined ? undefined : values[schema.hostIdx];
    if (own !== undefined && own !== '-') return own;
    if (this.ctx.defaultHost !== undefined) return this.ctx.defaultHost;
    const ip = schema.serverIpIdx === undefined ? undefined : values[schema.serverIpIdx];
    return ip !== undefined && ip !== '-' ? ip : undefined;
  }

  private timeOnly(schema: W3cSchema, values: readonly string[]): string | undefined {
    const time = schema.timeIdx === undefined ? undefined : values[schema.timeIdx];
    return time === undefined ? undefined : isoFromDateAndTime(this.directiveDate, time);
  }
}
