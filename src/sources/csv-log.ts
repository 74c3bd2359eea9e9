/**
 * CSV logs with a header: Exchange's own text logs (`#Software`/`#Log-type`/`#Fields` directives, see exchange.ts),
 * PowerShell's `Export-Csv` files (a `#TYPE` line, then a quoted header row: Test-ProxyLogon's report is one), and
 * any CSV whose first row names its columns. Columns keep their names; web logs also answer Sigma's webserver names.
 *
 * Damage is tolerated: a quoted field that never closes is joined with the following lines only until a line that
 * starts a new record (an ISO timestamp) or a cap, then read as it stands; a row with more values than its header
 * gets `_N` names for the surplus; a header row repeated under `#Fields` is skipped; an Exchange log that lost its
 * `#Fields` line is still read, one event per line with the line as `message`, so keyword rules still apply.
 */
import type { EventRecord, FieldValue, LogsourceHint } from '../events/event.js';
import { splitCsv } from './csv.js';
import {
  cmdletInText,
  exchangeHint,
  parseEcpData,
  serviceOfColumns,
  serviceOfLogType,
  serviceOfPath,
  splitEcpCommand,
  type ExchangeService,
} from './exchange.js';
import type { LineReader, ReaderContext } from './reader.js';
import { MapEvent, makeSchema, RowEvent, type Derived, type RowSchema } from './record.js';
import { isoFromAny, isoFromIso } from './time.js';
import { CSV_COLUMNS, HTTPPROXY_COLUMNS, normaliseName, WEBSERVER, webserverView } from './webserver.js';

/** A quoted value may span lines (a stack trace); past this many the quote is taken as broken. */
const MAX_RECORD_LINES = 256;
const MAX_RECORD_CHARS = 1 << 20;
const RECORD_START = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

const TIME_COLUMNS = ['datetime', 'timestamp', 'datetimeutc', 'eventtime', 'time', 'date', 'createdat', 'logtime'];
const HOST_COLUMNS = ['serverhostname', 'servername', 'server', 'computername', 'computer', 'machinename', 'hostname', 'host'];

interface CsvSchema extends RowSchema {
  timeIdx: number | undefined;
  hostIdx: number | undefined;
  /** ECP rows: the column whose `S:KEY=value` pairs become fields. */
  ecpDataIdx: number | undefined;
  /** The normalised column names, to recognise a header row repeated as data. */
  headerKey: string;
}

function pickIndex(names: readonly string[], choices: readonly string[]): number | undefined {
  const norm = names.map(normaliseName);
  for (const c of choices) {
    const i = norm.indexOf(c);
    if (i >= 0) return i;
  }
  return undefined;
}

/** A header row: two or more column names, each short and name-like (no timestamp, number, colon or sentence). */
function looksLikeHeader(fields: readonly string[]): boolean {
  if (fields.length < 2) return false;
  return fields.every((f) => f.length > 0 && f.length <= 64 && /^[A-Za-z@_#(][\w@#()./ -]*$/.test(f));
}

export class CsvLogReader implements LineReader {
  private schema: CsvSchema | undefined;
  private readonly wider = new Map<number, CsvSchema>();
  private software = '';
  private logType = '';
  /** Seen an Exchange header block (`#Software: Microsoft Exchange…` or `#Log-type`). */
  private exchange = false;
  private pending: { text: string; lineNo: number; lines: number } | undefined;

  constructor(private readonly ctx: ReaderContext) {}

  line(text: string, lineNo: number, out: EventRecord[]): void {
    if (this.pending) {
      if (RECORD_START.test(text)) {
        this.reportBroken(this.pending.lineNo);
        this.flushPending(out, false);
      } else {
        this.pending.text += '\n' + text;
        this.pending.lines++;
        const split = splitCsv(this.pending.text);
        if (!split.open) {
          const p = this.pending;
          this.pending = undefined;
          this.record(split.fields, p.text, p.lineNo, out);
        } else if (this.pending.lines >= MAX_RECORD_LINES || this.pending.text.length > MAX_RECORD_CHARS) {
          this.reportBroken(this.pending.lineNo);
          this.flushPending(out, true);
        }
        return;
      }
    }
    if (text.length === 0) return;
    if (text.charCodeAt(0) === 35 /* # */) {
      this.directive(text);
      return;
    }
    if (this.schema === undefined && this.exchange && RECORD_START.test(text)) {
      // An Exchange log without its #Fields line: one event per line.
      out.push(this.messageEvent(text, lineNo));
      return;
    }
    const split = splitCsv(text);
    if (split.open) {
      this.pending = { text, lineNo, lines: 1 };
      return;
    }
    this.record(split.fields, text, lineNo, out);
  }

  /** A whole record: the header row if none was seen yet, else a row (or, in an Exchange log without one, a line). */
  private record(fields: string[], text: string, lineNo: number, out: EventRecord[]): void {
    if (this.schema === undefined) {
      const names = fields.map((f) => f.trim());
      if (looksLikeHeader(names)) {
        this.schema = this.schemaFor(names);
        return;
      }
      if (!this.exchange) {
        this.ctx.problems.report('CSV rows before any header', `line ${lineNo}: a CSV row before any header row; skipped`);
        return;
      }
      out.push(this.messageEvent(text, lineNo));
      return;
    }
    this.row(fields, lineNo, out);
  }

  end(out: EventRecord[]): void {
    if (this.pending) {
      this.reportBroken(this.pending.lineNo);
      this.flushPending(out, true);
    }
  }

  private reportBroken(lineNo: number): void {
    this.ctx.problems.report(
      'records with a quote that never closes',
      `line ${lineNo}: a quoted value never closes; the record is read as it stands`,
    );
  }

  /** Read a broken record leniently: its own first line only, or (`whole`) everything gathered. */
  private flushPending(out: EventRecord[], whole: boolean): void {
    const p = this.pending!;
    this.pending = undefined;
    const text = whole ? p.text : p.text.split('\n', 1)[0]!;
    if (this.schema === undefined && this.exchange) out.push(this.messageEvent(text, p.lineNo));
    else this.record(splitCsv(text).fields, text, p.lineNo, out);
    // Lines gathered after a broken first line are records of their own.
    if (!whole) {
      const rest = p.text.split('\n').slice(1);
      rest.forEach((l, i) => this.line(l, p.lineNo + 1 + i, out));
    }
  }

  private directive(text: string): void {
    if (text.startsWith('#TYPE')) return; // PowerShell's type line; the header row follows
    const colon = text.indexOf(':');
    if (colon < 0) return;
    const name = text.slice(1, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'software') {
      this.software = value;
      if (/exchange/i.test(value)) this.exchange = true;
    } else if (name === 'log-type') {
      this.logType = value;
      this.exchange = true;
    } else if (name === 'fields') {
      const names = splitCsv(value).fields.map((f) => f.trim());
      this.schema = names.length >= 2 || this.exchange ? this.schemaFor(names) : undefined;
    }
  }

  private service(names: readonly string[] | undefined): ExchangeService | undefined {
    return (
      serviceOfLogType(this.logType) ??
      (names ? serviceOfColumns(names) : undefined) ??
      (this.exchange || names === undefined || names.some((n) => /^(eventdata|urlstem|anchormailbox)$/i.test(n))
        ? serviceOfPath(this.ctx.file)
        : undefined)
    );
  }

  private schemaFor(names: readonly string[]): CsvSchema {
    const service = this.service(names);
    const isExchange = this.exchange || service !== undefined;
    let logsource: LogsourceHint | undefined;
    let derived: ReadonlyMap<string, Derived> = new Map();
    if (isExchange) {
      logsource = exchangeHint(service);
      if (service === 'httpproxy') derived = webserverView(names, HTTPPROXY_COLUMNS).derived;
    } else {
      const view = webserverView(names, CSV_COLUMNS);
      if (view.hasUrl) {
        logsource = WEBSERVER;
        derived = view.derived;
      }
    }
    const timeIdx = pickIndex(names, TIME_COLUMNS);
    const timeOf = timeIdx === undefined ? undefined : (values: readonly string[]) => isoFromAny(values[timeIdx]);
    const base = makeSchema(names, { derived, ...(logsource ? { logsource } : {}), ...(timeOf ? { timeOf } : {}) });
    const ecp = service === 'ecp-server' || service === 'ecp-activity';
    return {
      ...base,
      timeIdx,
      hostIdx: pickIndex(names, HOST_COLUMNS),
      ecpDataIdx: ecp ? pickIndex(names, ['eventdata']) : undefined,
      headerKey: names.map(normaliseName).join(','),
    };
  }

  /** The schema for rows wider than their header: the surplus values get the names `_N` (N counting from 1). */
  private widened(schema: CsvSchema, width: number): CsvSchema {
    const key = width;
    const hit = this.wider.get(key);
    if (hit && hit.headerKey === schema.headerKey) return hit;
    const names = [...schema.names];
    for (let i = names.length; i < width; i++) names.push(`_${i + 1}`);
    const base = makeSchema(names, {
      derived: schema.derived,
      ...(schema.logsource ? { logsource: schema.logsource } : {}),
      ...(schema.timeOf ? { timeOf: schema.timeOf } : {}),
    });
    const s: CsvSchema = { ...schema, ...base, headerKey: schema.headerKey };
    this.wider.set(key, s);
    return s;
  }

  private row(fields: string[], lineNo: number, out: EventRecord[]): void {
    let schema = this.schema!;
    const want = schema.names.length;
    if (fields.length === want && fields.map(normaliseName).join(',') === schema.headerKey) return; // a repeated header
    if (fields.length > want) {
      this.ctx.problems.report(
        'rows with more values than their header',
        `line ${lineNo}: ${fields.length} values where the header names ${want}; the surplus is kept as _${want + 1}…`,
      );
      schema = this.widened(schema, fields.length);
    } else if (fields.length < want) {
      this.ctx.problems.report(
        'rows with fewer values than their header',
        `line ${lineNo}: ${fields.length} values where the header names ${want}; read as far as it goes`,
      );
    }
    const ownHost = schema.hostIdx === undefined ? undefined : fields[schema.hostIdx];
    const host = ownHost ? ownHost : this.ctx.defaultHost;
    if (schema.ecpDataIdx !== undefined) {
      const time = schema.timeIdx === undefined ? undefined : isoFromAny(fields[schema.timeIdx]);
      out.push(this.ecpEvent(schema, fields, { host, time, recordId: lineNo }));
      return;
    }
    out.push(new RowEvent(schema, fields, { host, time: undefined, recordId: lineNo }));
  }

  /** ECP rows: the columns, then every `S:KEY=value` of EventData, then `Cmdlet` and `Parameters` from `S:CMD`. */
  private ecpEvent(schema: CsvSchema, fields: string[], meta: { host: string | undefined; time: string | undefined; recordId: number }): EventRecord {
    const map = new Map<string, FieldValue>();
    schema.names.forEach((n, i) => {
      const v = fields[i];
      if (v !== undefined && !map.has(n)) map.set(n, v);
    });
    const data = fields[schema.ecpDataIdx!];
    if (data) {
      for (const [k, v] of parseEcpData(data)) if (!map.has(k)) map.set(k, v);
      const cmd = map.get('S:CMD');
      if (typeof cmd === 'string') {
        const c = splitEcpCommand(cmd);
        if (c) {
          map.set('Cmdlet', c.cmdlet);
          map.set('Parameters', c.parameters);
        }
      }
    }
    return new MapEvent(map, { ...meta, logsource: schema.logsource });
  }

  /** A line of an Exchange log without columns: `message`, the leading timestamp, and the cmdlet if ECP ran one. */
  private messageEvent(text: string, lineNo: number): EventRecord {
    const map = new Map<string, FieldValue>([['message', text]]);
    const m = /^(\d{4}-\d{2}-\d{2}[T ][\d:.]+Z?)[,\s]/.exec(text);
    const time = m ? isoFromIso(m[1]) : undefined;
    if (m) map.set('TimeStamp', m[1]!);
    const cmdlet = cmdletInText(text);
    if (cmdlet) map.set('Cmdlet', cmdlet);
    return new MapEvent(map, {
      host: this.ctx.defaultHost,
      time,
      recordId: lineNo,
      logsource: exchangeHint(this.service(undefined)),
    });
  }
}
