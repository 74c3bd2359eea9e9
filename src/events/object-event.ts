/**
 * An event over a plain object: JSON documents, test events, anything already parsed. Top-level keys are the flat
 * fields; nested objects also answer dotted paths (`winlog.event_data.CommandLine`). Windows metadata is read from
 * the usual flat names (`Channel`, `EventID`, `Provider_Name`, `Computer`, `TimeCreated_SystemTime`,
 * `EventRecordID`), and a logsource hint may be given for events that are not Windows logs.
 */
import type { EventRecord, FieldValue, LogsourceHint } from './event.js';

type Plain = { [k: string]: unknown };
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

function asField(v: unknown): FieldValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(asField);
  return undefined;
}

export class ObjectEvent implements EventRecord {
  readonly channel: string | undefined;
  readonly eventId: number | undefined;
  readonly provider: string | undefined;
  readonly host: string | undefined;
  readonly time: string | undefined;
  readonly recordId: number | undefined;
  readonly logsource: LogsourceHint | undefined;

  constructor(
    private readonly doc: Plain,
    logsource?: LogsourceHint,
  ) {
    const str = (k: string) => (typeof doc[k] === 'string' ? (doc[k] as string) : undefined);
    const num = (k: string) => {
      const v = doc[k];
      return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
    };
    this.channel = str('Channel');
    this.eventId = num('EventID');
    this.provider = str('Provider_Name');
    this.host = str('Computer');
    this.time = str('TimeCreated_SystemTime') ?? str('@timestamp') ?? str('timestamp');
    this.recordId = num('EventRecordID');
    this.logsource = logsource;
  }

  get(field: string): FieldValue {
    if (Object.prototype.hasOwnProperty.call(this.doc, field)) return asField(this.doc[field]);
    if (!field.includes('.')) return undefined;
    let cur: unknown = this.doc;
    for (const part of field.split('.')) {
      if (!isPlain(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
      cur = cur[part];
    }
    return asField(cur);
  }

  /** Top-level fields, then the leaves of nested objects by dotted path. */
  *entries(): Iterable<readonly [string, FieldValue]> {
    yield* leaves(this.doc, '', 0);
  }
}

function* leaves(obj: Plain, prefix: string, depth: number): Generator<readonly [string, FieldValue]> {
  for (const [k, v] of Object.entries(obj)) {
    if (isPlain(v)) {
      if (depth < 16) yield* leaves(v, prefix + k + '.', depth + 1);
      continue;
    }
    const f = asField(v);
    if (f !== undefined) yield [prefix + k, f];
  }
}
