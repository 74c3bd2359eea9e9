/**
 * A Windows event as Windows writes it: one template for `<System>` whose fields are optional substitutions in
 * Windows' own numbering (Level is 0, Opcode 1 … Channel 16), `<Computer>` as literal text, and the EventData or
 * UserData as an embedded BinXml value (substitution 17) holding its own template instance — the layout seen in real
 * Sysmon and Security logs. `windowsEvent` builds that from plain fields.
 */
import { el, opt, sub, type EvtxRecord, type XmlElement } from './model.js';
import { filetime, invalid, v, type ScalarValue, type TypeName, type Value } from './values.js';

export const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

/** A Data value: plain JS values take the natural type (string, uint32 or int64 for numbers, bool, uint64 for bigint). */
export type DataInput = string | number | bigint | boolean | Value | null;

export interface DataItem {
  /** Omit for unnamed `<Data>` (classic providers). */
  name?: string;
  value: DataInput;
  /** The slot's type when `value` is null (kept in the template). */
  type?: TypeName;
}

/** Fields every event builder accepts. */
export interface EventCommon {
  computer?: string;
  /** TimeCreated (and the record's written time): ISO 8601 UTC, Date or FILETIME ticks. */
  time?: string | Date | bigint;
  /** Event record identifier; by default the writer's next. */
  recordId?: number | bigint;
  processId?: number;
  threadId?: number;
  /** Security/@UserID; null for none (`<Security/>`). */
  userId?: string | null;
  activityId?: string;
  relatedActivityId?: string;
}

export interface WindowsEvent extends EventCommon {
  provider: string;
  providerGuid?: string;
  eventSourceName?: string;
  eventId: number;
  qualifiers?: number;
  version?: number;
  level?: number;
  task?: number;
  opcode?: number;
  keywords?: bigint | number;
  channel: string;
  /** Named Data (an object, in order), or items for unnamed or typed ones. */
  eventData?: Record<string, DataInput> | readonly DataItem[];
  /** `<Binary>` after the Data elements, as classic providers write. */
  binary?: Uint8Array;
  /** UserData instead of EventData: the element inside `<UserData>`. */
  userData?: XmlElement;
  /** 'windows' (default): EventData as an embedded BinXml template; 'flat': one template for the whole event. */
  layout?: 'windows' | 'flat';
}

export const DEFAULT_TIME = '2024-01-15T09:30:00.0000000Z';

/** A plain JS value as a typed value. */
export function dataValue(x: DataInput, type?: TypeName): Value {
  if (x === null) return v.null();
  if (typeof x === 'object') return x;
  if (type) return typed(x, type);
  if (typeof x === 'string') return v.string(x);
  if (typeof x === 'boolean') return v.bool(x);
  if (typeof x === 'bigint') return v.uint64(x);
  if (Number.isInteger(x)) return x >= 0 && x <= 0xffffffff ? v.uint32(x) : v.int64(x);
  return v.real64(x);
}

/** `x` converted to the named type (a schema's field type). */
export function typed(x: string | number | bigint | boolean, type: TypeName): Value {
  const n = (): number => Number(x);
  const b = (): bigint => (typeof x === 'bigint' ? x : typeof x === 'string' && /^0x/i.test(x) ? BigInt(x) : BigInt(Number(x)));
  switch (type) {
    case 'string':
      return v.string(String(x));
    case 'ansi':
      return v.ansi(String(x));
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
      return v[type](n());
    case 'hex32':
      return v.hex32(typeof x === 'string' && /^0x/i.test(x) ? parseInt(x, 16) : n());
    case 'int64':
    case 'uint64':
    case 'hex64':
      return v[type](b());
    case 'real32':
    case 'real64':
      return v[type](n());
    case 'bool':
      return v.bool(typeof x === 'string' ? x === 'true' || x === '1' : Boolean(x));
    case 'guid':
      return v.guid(String(x));
    case 'sid':
      return v.sid(String(x));
    case 'filetime':
      return v.filetime(typeof x === 'number' ? BigInt(x) : (x as string | bigint));
    case 'systemtime':
      return v.systemtime(String(x));
    case 'sizet':
      return v.sizet(b());
    default:
      throw invalid(`cannot make a ${type} from ${typeof x}`);
  }
}

function dataItems(data: WindowsEvent['eventData']): DataItem[] {
  if (!data) return [];
  if (Array.isArray(data)) return [...(data as readonly DataItem[])];
  return Object.entries(data as Record<string, DataInput>).map(([name, value]) => ({ name, value }));
}

function eventDataElement(e: WindowsEvent): XmlElement {
  const data = dataItems(e.eventData).map((d) =>
    el('Data', d.name === undefined ? null : { Name: d.name }, sub(dataValue(d.value, d.type), d.type ? { declared: d.type } : {})),
  );
  return el('EventData', null, ...data, e.binary ? el('Binary', null, v.binary(e.binary)) : null);
}

/** The common field `k`: from `over` when it has it, else from `e`. */
function field<K extends keyof EventCommon>(e: WindowsEvent, over: EventCommon | undefined, k: K): EventCommon[K] {
  const x = over?.[k];
  return x === undefined ? e[k] : x;
}

/** The record for a Windows event; `over` replaces its common fields (the builders pass their caller's fields). */
export function windowsEvent(e: WindowsEvent, over?: EventCommon): EvtxRecord {
  const time = filetime(field(e, over, 'time') ?? DEFAULT_TIME);
  const userId = field(e, over, 'userId');
  const activityId = field(e, over, 'activityId');
  const relatedActivityId = field(e, over, 'relatedActivityId');
  const recordId = field(e, over, 'recordId');
  const o = <T extends ScalarValue>(x: T | undefined, id: number, declared: TypeName) => opt(x ?? v.null(), { id, declared });
  const guid = (s: string | undefined) => (s === undefined ? undefined : v.guid(s));
  const body = e.userData ? el('UserData', null, e.userData) : eventDataElement(e);
  const layout = e.layout ?? 'windows';
  const system = el(
    'System',
    null,
    el('Provider', {
      Name: o(v.string(e.provider), 14, 'string'),
      Guid: o(guid(e.providerGuid), 15, 'guid'),
      EventSourceName: e.eventSourceName === undefined ? undefined : o(v.string(e.eventSourceName), 18, 'string'),
    }),
    el('EventID', { Qualifiers: o(e.qualifiers === undefined ? undefined : v.uint16(e.qualifiers), 4, 'uint16') }, o(v.uint16(e.eventId), 3, 'uint16')),
    el('Version', null, o(v.uint8(e.version ?? 0), 11, 'uint8')),
    el('Level', null, o(v.uint8(e.level ?? 4), 0, 'uint8')),
    el('Task', null, o(v.uint16(e.task ?? 0), 2, 'uint16')),
    el('Opcode', null, o(v.uint8(e.opcode ?? 0), 1, 'uint8')),
    el('Keywords', null, o(v.hex64(BigInt(e.keywords ?? 0x8000000000000000n)), 5, 'hex64')),
    el('TimeCreated', { SystemTime: o(v.filetime(time), 6, 'filetime') }),
    el('EventRecordID', null, opt(v.recordId(), { id: 10, declared: 'uint64' })),
    el('Correlation', { ActivityID: o(guid(activityId), 7, 'guid'), RelatedActivityID: o(guid(relatedActivityId), 13, 'guid') }),
    el('Execution', { ProcessID: o(v.uint32(field(e, over, 'processId') ?? 4), 8, 'uint32'), ThreadID: o(v.uint32(field(e, over, 'threadId') ?? 8), 9, 'uint32') }),
    el('Channel', null, o(v.string(e.channel), 16, 'string')),
    el('Computer', null, field(e, over, 'computer') ?? 'WIN-HARDNUT01'),
    el('Security', { UserID: o(userId ? v.sid(userId) : undefined, 12, 'sid') }),
  );
  const event =
    layout === 'windows'
      ? el('Event', { xmlns: EVENT_NS }, system, opt(v.binxml(body), { id: 17, declared: 'binxml' }))
      : el('Event', { xmlns: EVENT_NS }, system, body);
  return recordId === undefined ? { written: time, event } : { id: recordId, written: time, event };
}
