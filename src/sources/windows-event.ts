/**
 * Windows-shaped events from any container (evtx_dump JSON, event XML, collector JSON) share two last steps: a host
 * for events whose `Computer` is missing, and a logsource hint for Sysmon for Linux, whose events have Windows'
 * shape but Linux's meaning (Sigma places them under `product: linux` by category, not by channel).
 */
import type { EventRecord, FieldValue, LogsourceHint } from '../events/event.js';

/** Sysmon event ids → Sigma categories (Sysmon's documented event types; those Sysmon for Linux emits). */
const SYSMON_LINUX_CATEGORY: Record<number, string> = {
  1: 'process_creation',
  3: 'network_connection',
  5: 'process_termination',
  9: 'raw_access_thread',
  11: 'file_event',
  23: 'file_delete',
};

const LINUX_HINTS = new Map<number | undefined, LogsourceHint>();

/** The hint for a Windows-shaped event, or undefined when its channel places it (every Windows event). */
export function hintForChannel(channel: string | undefined, eventId: number | undefined): LogsourceHint | undefined {
  if (channel === undefined || !/^Linux-Sysmon\//i.test(channel)) return undefined;
  let h = LINUX_HINTS.get(eventId);
  if (!h) {
    const category = eventId === undefined ? undefined : SYSMON_LINUX_CATEGORY[eventId];
    h = Object.freeze(category ? { product: 'linux', category } : { product: 'linux' });
    LINUX_HINTS.set(eventId, h);
  }
  return h;
}

/** The event as it is, with a host when it names none and its Linux hint; nothing changes a host the event names. */
class Placed implements EventRecord {
  constructor(
    private readonly inner: EventRecord,
    readonly host: string | undefined,
    readonly logsource: LogsourceHint | undefined,
  ) {}
  get channel() {
    return this.inner.channel;
  }
  get eventId() {
    return this.inner.eventId;
  }
  get provider() {
    return this.inner.provider;
  }
  get time() {
    return this.inner.time;
  }
  get recordId() {
    return this.inner.recordId;
  }
  get(field: string): FieldValue {
    return this.inner.get(field);
  }
  entries(): Iterable<readonly [string, FieldValue]> {
    return this.inner.entries();
  }
}

export function placeWindowsEvent(e: EventRecord, defaultHost: string | undefined): EventRecord {
  const hint = e.logsource ?? hintForChannel(e.channel, e.eventId);
  const host = e.host ?? defaultHost;
  if (hint === e.logsource && host === e.host) return e;
  return new Placed(e, host, hint);
}
