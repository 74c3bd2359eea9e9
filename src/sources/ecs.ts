/**
 * Windows events shipped by Winlogbeat or Elastic Agent, as ECS documents (`winlog.*`, `@timestamp`; Winlogbeat 6's
 * older top-level `event_data`, `log_name`, `computer_name`, `source_name`, `record_number` too). They get the flat
 * field names of the EVTX path, so the same Sigma rules apply to both:
 *
 * | ECS                                  | field                      |
 * |--------------------------------------|----------------------------|
 * | winlog.event_data.X, winlog.user_data.X | X                       |
 * | winlog.event_id (or event.code)      | EventID                    |
 * | winlog.channel                       | Channel                    |
 * | winlog.computer_name (or host.name)  | Computer                   |
 * | winlog.provider_name / provider_guid | Provider_Name / Provider_Guid |
 * | winlog.record_id                     | EventRecordID              |
 * | winlog.process.pid / .thread.id      | Execution_ProcessID / Execution_ThreadID |
 * | winlog.user.identifier               | Security_UserID            |
 * | winlog.version                       | Version                    |
 * | winlog.activity_id / related_activity_id | Correlation_ActivityID / Correlation_RelatedActivityID |
 * | log.level (information, error…)      | Level (4, 2…)              |
 * | @timestamp                           | TimeCreated_SystemTime     |
 *
 * Every other ECS field stays reachable by its dotted path (`process.command_line`).
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import { atPath, isObject, jsonField, JsonDocEvent, type Json, type JsonObject } from './json-doc.js';
import { isoFromAny } from './time.js';
import { hintForChannel } from './windows-event.js';

/** Winlogbeat's level names → the numeric System/Level of the event. */
const LEVELS: Record<string, number> = { critical: 1, error: 2, warning: 3, information: 4, info: 4, verbose: 5 };

const num = (v: Json | undefined): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Whether a document is a Winlogbeat/Elastic Agent Windows event. */
export function isWinlogDocument(doc: JsonObject): boolean {
  if (isObject(doc['winlog'])) return true;
  if (isObject(atPath(doc, ['winlog']))) return true;
  return isObject(doc['event_data']) && (typeof doc['log_name'] === 'string' || typeof doc['computer_name'] === 'string');
}

function addLeaves(flat: Map<string, FieldValue>, obj: JsonObject, override: boolean): void {
  for (const [k, v] of Object.entries(obj)) {
    if (isObject(v)) addLeaves(flat, v, false);
    else {
      const f = jsonField(v);
      if (f !== undefined && (override || !flat.has(k))) flat.set(k, f);
    }
  }
}

export function fromWinlogDocument(doc: JsonObject, fallbackRecordId: number, defaultHost: string | undefined): EventRecord {
  const w: JsonObject = isObject(doc['winlog']) ? doc['winlog'] : isObject(atPath(doc, ['winlog'])) ? (atPath(doc, ['winlog']) as JsonObject) : doc;
  const legacy = w === doc;
  const get = (...path: string[]) => atPath(w, path);
  const flat = new Map<string, FieldValue>();
  const set = (name: string, v: Json | undefined) => {
    const f = jsonField(v);
    if (f !== undefined && f !== null) flat.set(name, f);
  };

  const eventId = num(get('event_id')) ?? num(atPath(doc, ['event', 'code']));
  const channel = str(get(legacy ? 'log_name' : 'channel'));
  const provider = str(get(legacy ? 'source_name' : 'provider_name'));
  const computer = str(get('computer_name')) ?? str(atPath(doc, ['host', 'name'])) ?? str(atPath(doc, ['host', 'hostname']));
  const recordId = num(get(legacy ? 'record_number' : 'record_id'));
  const timestamp = str(doc['@timestamp']);
  const levelName = str(atPath(doc, ['log', 'level'])) ?? str(get('level'));

  set('Provider_Name', provider);
  set('Provider_Guid', get('provider_guid'));
  if (eventId !== undefined) flat.set('EventID', eventId);
  set('Version', get('version'));
  if (levelName !== undefined && LEVELS[levelName.toLowerCase()] !== undefined) flat.set('Level', LEVELS[levelName.toLowerCase()]!);
  set('TimeCreated_SystemTime', timestamp);
  if (recordId !== undefined) flat.set('EventRecordID', recordId);
  set('Correlation_ActivityID', get('activity_id'));
  set('Correlation_RelatedActivityID', get('related_activity_id'));
  set('Execution_ProcessID', get('process', 'pid') ?? (legacy ? get('process_id') : undefined));
  set('Execution_ThreadID', get('process', 'thread', 'id') ?? (legacy ? get('thread_id') : undefined));
  set('Channel', channel);
  set('Computer', computer);
  set('Security_UserID', get('user', 'identifier'));

  const eventData = get('event_data');
  if (isObject(eventData)) {
    for (const [k, v] of Object.entries(eventData)) {
      const f = jsonField(v);
      if (f !== undefined) flat.set(k, f);
    }
  }
  // UserData is the event's own data, as in the EVTX path: a leaf named like a System field (event 104's Channel,
  // the log that was cleared) wins over it.
  const userData = get('user_data');
  if (isObject(userData)) addLeaves(flat, userData, true);

  return new JsonDocEvent(flat, doc, {
    channel,
    eventId,
    provider,
    host: computer ?? defaultHost,
    time: isoFromAny(timestamp),
    recordId: recordId ?? fallbackRecordId,
    logsource: hintForChannel(channel, eventId),
  });
}
