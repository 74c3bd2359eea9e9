/**
 * The IIS log file format (the "IIS" choice in IIS Manager, older than W3C and still selectable): fifteen fixed,
 * comma-and-space separated values ending with a comma, in this order (Microsoft's "IIS Log File Format" page):
 * client IP, user name, date, time, service and instance, server name, server IP, time taken, client bytes sent,
 * server bytes sent, service status code, Windows status code, request type, target of operation, parameters.
 * Exposed with the W3C/Sigma names of the same values. Its date and time are the server's local time, which the file
 * does not state: they are reported as if they were UTC (docs/sources.md says so).
 */
import type { EventRecord } from '../events/event.js';
import type { LineReader, ReaderContext } from './reader.js';
import { makeSchema, RowEvent } from './record.js';
import { isoFromUsDate } from './time.js';
import { W3C_COLUMNS, webserverView } from './webserver.js';

const NAMES = [
  'c-ip', 'cs-username', 'date', 'time', 's-sitename', 's-computername', 's-ip', 'time-taken', 'cs-bytes', 'sc-bytes',
  'sc-status', 'sc-win32-status', 'cs-method', 'cs-uri-stem', 'cs-uri-query',
];

const SCHEMA = makeSchema(NAMES, {
  empty: '-',
  logsource: { category: 'webserver', product: 'iis' },
  timeOf: (values) => isoFromUsDate(values[2]!, values[3]!),
  derived: webserverView(NAMES, W3C_COLUMNS, '-').derived,
});

/** For sniffing: an IP, a user, then a US date and a time. */
export const IIS_NATIVE_LINE = /^[0-9A-Fa-f.:]+, [^,]*, \d{1,2}\/\d{1,2}\/\d{2,4}, \d{1,2}:\d{2}:\d{2}, /;

export class IisNativeReader implements LineReader {
  constructor(private readonly ctx: ReaderContext) {}

  line(text: string, lineNo: number, out: EventRecord[]): void {
    if (text.trim().length === 0) return;
    let values = text.split(', ');
    // The line ends with a comma: the last value carries it, or an empty value follows it.
    const last = values.length - 1;
    if (values[last] === '' || values[last] === ',') values.pop();
    else values[last] = values[last]!.replace(/,\s*$/, '');
    values = values.map((v) => v.trim());
    if (values.length !== NAMES.length) {
      this.ctx.problems.report(
        'lines that are not IIS log format lines',
        `line ${lineNo}: ${values.length} values where the IIS log format has ${NAMES.length}; skipped`,
      );
      return;
    }
    const server = values[5];
    out.push(
      new RowEvent(SCHEMA, values, {
        host: server && server !== '-' ? server : this.ctx.defaultHost,
        time: undefined, // from the schema, when asked
        recordId: lineNo,
      }),
    );
  }

  end(): void {
    // Nothing is held between lines.
  }
}
