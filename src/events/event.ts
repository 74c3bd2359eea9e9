/**
 * The event as the engines see it, whatever its source format (EVTX record, evtx_dump JSON, Winlogbeat document,
 * web log line). Engines read fields through `get`; they never see the source's own representation, so a lazy source
 * (an EVTX record whose values are decoded only when asked for) and an eager one (a parsed JSON line) look the same.
 *
 * Field names are the source's own, flattened: for Windows events, the `EventData` `Data` names (`CommandLine`), the
 * leaves of `UserData`, the `System` children (`EventID`, `Channel`, `Computer`) and `System` attributes as
 * `Element_Attribute` (`Provider_Name`, `Execution_ProcessID`, `Security_UserID`, `TimeCreated_SystemTime`).
 * Sources that hold nested documents also answer dotted paths (`winlog.event_data.CommandLine`).
 */

/** A field's value: numbers stay numbers; repeated fields are arrays; null is "present but empty". */
export type FieldValue = string | number | boolean | null | undefined | readonly FieldValue[];

export interface EventRecord {
  /** The value of a field, undefined when the event has no such field. */
  get(field: string): FieldValue;
  /** Every field of the flat view, in source order: keyword search, evidence, storage. */
  entries(): Iterable<readonly [string, FieldValue]>;

  /** Metadata for rule indexing and findings; undefined when the source has none. */
  readonly channel: string | undefined;
  readonly eventId: number | undefined;
  readonly provider: string | undefined;
  readonly host: string | undefined;
  /** ISO 8601 UTC. */
  readonly time: string | undefined;
  readonly recordId: number | undefined;
  /**
   * For sources that are not Windows event logs, the Sigma logsource they are (`{ category: 'webserver' }`,
   * `{ product: 'linux', service: 'auditd' }`); Windows events are placed by channel, provider and event id instead.
   */
  readonly logsource?: LogsourceHint | undefined;
}

export interface LogsourceHint {
  product?: string;
  category?: string;
  service?: string;
}

/** A field value as text, the way Sigma compares it (numbers and booleans as their JSON spelling). */
export function fieldText(v: FieldValue): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
