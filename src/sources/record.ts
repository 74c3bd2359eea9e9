/**
 * Events of text logs (W3C, CSV, access logs): one row of values under a schema shared by every row with the same
 * header. The schema holds the name → column index once, so a row costs one array of strings and one small object;
 * derived fields (taxonomy aliases such as `cs-user-agent`, `c-uri`) are computed only when a rule asks for them.
 */
import type { EventRecord, FieldValue, LogsourceHint } from '../events/event.js';

/** A field computed from a row's values (an alias, a decoded or joined value). */
export type Derived = (values: readonly string[], schema: RowSchema) => FieldValue;

export interface RowSchema {
  /** Column names, in source order. */
  readonly names: readonly string[];
  /** Column name → index (first occurrence). */
  readonly index: ReadonlyMap<string, number>;
  /** Extra field names answered by computation, in the order `entries()` lists them. */
  readonly derived: ReadonlyMap<string, Derived>;
  /** The text that means "no value" in this format (`-` in W3C and access logs), answered as null. */
  readonly empty: string | undefined;
  readonly logsource: LogsourceHint | undefined;
  /** The row's time, computed only when asked for (most events are never shown, and times are costly to check). */
  readonly timeOf?: ((values: readonly string[]) => string | undefined) | undefined;
}

/** A schema over `names`, with the derived fields given. */
export function makeSchema(
  names: readonly string[],
  options: {
    derived?: ReadonlyMap<string, Derived>;
    empty?: string;
    logsource?: LogsourceHint;
    timeOf?: (values: readonly string[]) => string | undefined;
  } = {},
): RowSchema {
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (!index.has(n)) index.set(n, i);
  });
  return { names, index, derived: options.derived ?? new Map(), empty: options.empty, logsource: options.logsource, timeOf: options.timeOf };
}

/** The value of column `name` of a row, with the format's "empty" marker as null; undefined when absent. */
export function column(values: readonly string[], schema: RowSchema, name: string): string | null | undefined {
  const i = schema.index.get(name);
  if (i === undefined) return undefined;
  const v = values[i];
  if (v === undefined) return undefined;
  return v === schema.empty ? null : v;
}

export interface RowMeta {
  host: string | undefined;
  /** Undefined: the schema's `timeOf` gives it, when asked. */
  time: string | undefined;
  recordId: number;
  channel?: string | undefined;
  eventId?: number | undefined;
  provider?: string | undefined;
}

export class RowEvent implements EventRecord {
  readonly host: string | undefined;
  readonly recordId: number;
  readonly channel: string | undefined;
  readonly eventId: number | undefined;
  readonly provider: string | undefined;
  /** null until computed. */
  private cachedTime: string | undefined | null;

  constructor(
    readonly schema: RowSchema,
    readonly values: readonly string[],
    meta: RowMeta,
  ) {
    this.host = meta.host;
    this.cachedTime = meta.time === undefined && schema.timeOf ? null : meta.time;
    this.recordId = meta.recordId;
    this.channel = meta.channel;
    this.eventId = meta.eventId;
    this.provider = meta.provider;
  }

  get logsource(): LogsourceHint | undefined {
    return this.schema.logsource;
  }

  get time(): string | undefined {
    if (this.cachedTime === null) this.cachedTime = this.schema.timeOf!(this.values);
    return this.cachedTime;
  }

  get(field: string): FieldValue {
    const i = this.schema.index.get(field);
    if (i !== undefined) {
      const v = this.values[i];
      if (v === undefined) return undefined;
      return v === this.schema.empty ? null : v;
    }
    const d = this.schema.derived.get(field);
    return d === undefined ? undefined : d(this.values, this.schema);
  }

  *entries(): Iterable<readonly [string, FieldValue]> {
    const { names, empty, derived } = this.schema;
    const n = Math.min(names.length, this.values.length);
    for (let i = 0; i < n; i++) {
      const v = this.values[i]!;
      yield [names[i]!, v === empty ? null : v];
    }
    for (const [name, d] of derived) {
      const v = d(this.values, this.schema);
      if (v !== undefined) yield [name, v];
    }
  }
}

/** An event over a plain map of fields (documents, XML, text lines without columns). */
export class MapEvent implements EventRecord {
  constructor(
    readonly fields: ReadonlyMap<string, FieldValue>,
    readonly meta: RowMeta & { logsource?: LogsourceHint | undefined },
  ) {}

  get host(): string | undefined {
    return this.meta.host;
  }
  get time(): string | undefined {
    return this.meta.time;
  }
  get recordId(): number | undefined {
    return this.meta.recordId;
  }
  get channel(): string | undefined {
    return this.meta.channel;
  }
  get eventId(): number | undefined {
    return this.meta.eventId;
  }
  get provider(): string | undefined {
    return this.meta.provider;
  }
  get logsource(): LogsourceHint | undefined {
    return this.meta.logsource;
  }

  get(field: string): FieldValue {
    return this.fields.get(field);
  }

  entries(): Iterable<readonly [string, FieldValue]> {
    return this.fields.entries();
  }
}
