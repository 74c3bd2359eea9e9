/**
 * Apache and nginx access logs in the NCSA Common and Combined formats
 * (https://httpd.apache.org/docs/current/logs.html#accesslog), which nginx's default `combined` also writes:
 *
 *     %h %l %u %t "%r" %>s %b ["%{Referer}i" "%{User-agent}i"] [anything nginx adds]
 *
 * and Apache's `vhost_combined` with `%v:%p` in front. Values are exposed with Sigma's webserver taxonomy names; `-`
 * is an empty value. A request line that is not `METHOD target PROTOCOL` (TLS bytes sent to a plain port, a scanner's
 * junk) still yields an event with the raw request, since such lines are exactly what hunters look for.
 */
import type { EventRecord } from '../events/event.js';
import type { LineReader, ReaderContext } from './reader.js';
import { makeSchema, RowEvent } from './record.js';
import { isoFromClf } from './time.js';
import { WEBSERVER } from './webserver.js';

const NAMES = [
  'c-ip', 'ident', 'cs-username', 'timestamp', 'request', 'cs-method', 'cs-uri-stem', 'cs-uri-query', 'cs-version',
  'sc-status', 'sc-bytes', 'cs-referer', 'cs-user-agent', 'cs-host',
] as const;
const I = Object.fromEntries(NAMES.map((n, i) => [n, i])) as Record<(typeof NAMES)[number], number>;

/** `c-uri`: the request target as sent, the form proxy-taxonomy rules use. */
const SCHEMA = makeSchema(NAMES, {
  empty: '-',
  logsource: WEBSERVER,
  timeOf: (values) => isoFromClf(values[I.timestamp]!),
  derived: new Map([
    [
      'c-uri',
      (values: readonly string[]) => {
        const stem = values[I['cs-uri-stem']];
        if (stem === undefined || stem === '-') return null;
        const q = values[I['cs-uri-query']];
        return q === undefined || q === '-' ? stem : `${stem}?${q}`;
      },
    ],
  ]),
});

/** The start of a CLF line, for sniffing: host, ident, user, then a bracketed time. */
export const ACCESS_LOG_LINE = /^(?:\S+ )?\S+ \S+ (?:\S+|"[^"]*") \[\d{1,2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}[^\]]*\] "/;

/** A quoted CLF string from `from` (just after its opening quote): its text, unescaped, and the index after it. */
function quoted(line: string, from: number): { text: string; next: number } | undefined {
  let i = from;
  let hasEscape = false;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */) {
      hasEscape = true;
      i += 2;
      continue;
    }
    if (c === 34 /* " */) {
      const raw = line.slice(from, i);
      return { text: hasEscape ? raw.replace(/\\(["\\])/g, '$1') : raw, next: i + 1 };
    }
    i++;
  }
  return undefined;
}

export class AccessLogReader implements LineReader {
  constructor(private readonly ctx: ReaderContext) {}

  line(text: string, lineNo: number, out: EventRecord[]): void {
    if (text.length === 0) return;
    const values = this.parse(text);
    if (!values) {
      this.ctx.problems.report('lines that are not access-log lines', `line ${lineNo}: not a Common/Combined log line; skipped`);
      return;
    }
    out.push(
      new RowEvent(SCHEMA, values, {
        host: this.ctx.defaultHost,
        time: undefined, // from the schema, when asked
        recordId: lineNo,
      }),
    );
  }

  end(): void {
    // Nothing is held between lines.
  }

  private parse(line: string): string[] | undefined {
    const open = line.indexOf(' [');
    if (open < 0) return undefined;
    const close = line.indexOf(']', open);
    if (close < 0 || line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 34) return undefined;
    const head = line.slice(0, open).split(' ');
    let vhost = '-';
    if (head.length === 4) vhost = head.shift()!.replace(/:\d+$/, '');
    if (head.length !== 3) return undefined;
    const req = quoted(line, close + 3);
    if (!req) return undefined;
    const rest = line.slice(req.next).trimStart();
    const sp1 = rest.indexOf(' ');
    const status = sp1 < 0 ? rest : rest.slice(0, sp1);
    if (!/^(\d{3}|-)$/.test(status)) return undefined;
    let after = sp1 < 0 ? '' : rest.slice(sp1 + 1);
    const sp2 = after.indexOf(' ');
    const bytes = sp2 < 0 ? after : after.slice(0, sp2);
    after = sp2 < 0 ? '' : after.slice(sp2 + 1).trimStart();
    let referer = '-';
    let agent = '-';
    if (after.charCodeAt(0) === 34) {
      const r = quoted(after, 1);
      if (r) {
        referer = r.text || '-';
        const tail = after.slice(r.next).trimStart();
        if (tail.charCodeAt(0) === 34) {
          const a = quoted(tail, 1);
          if (a) agent = a.text || '-';
        }
      }
    }
    // "%r" is "METHOD target PROTOCOL"; anything else is kept whole in `request` only.
    let method = '-',
      stem = '-',
      query = '-',
      version = '-';
    const m = /^([A-Za-z][A-Za-z_-]*) (\S+)(?: (\S+))?$/.exec(req.text);
    if (m) {
      method = m[1]!;
      const target = m[2]!;
      const q = target.indexOf('?');
      stem = q < 0 ? target : target.slice(0, q);
      query = q < 0 || q === target.length - 1 ? '-' : target.slice(q + 1);
      version = m[3] ?? '-';
    }
    const time = line.slice(open + 2, close);
    return [head[0]!, head[1]!, head[2]!, time, req.text || '-', method, stem, query, version, status, bytes || '-', referer, agent, vhost];
  }
}
