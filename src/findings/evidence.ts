/**
 * What a finding shows of the event it came from: the key fields (evidence) and one line in plain words (summary).
 * Every event kind names its actors differently (Sysmon's Image, Security's NewProcessName, a web log's cs-uri-stem),
 * so the summary is chosen by which fields the event has, not by its channel: the same code serves EVTX, JSON and
 * web logs. Values are hostile text; they are cut to a bounded length here and escaped by each sink.
 */
import type { EventRecord, FieldValue } from '../events/event.js';
import { fieldText } from '../events/event.js';
import type { EvidenceValue } from './finding.js';

/** Longest evidence value kept (a 1 MB PowerShell script block would otherwise travel with every finding). */
export const MAX_VALUE = 2048;
/** Most fields kept as evidence: the matched ones first, then the well-known ones. */
const MAX_FIELDS = 24;

/** Fields that tell an analyst what happened, in the order they are worth reading. */
const KEY_FIELDS = [
  // processes
  'Image', 'NewProcessName', 'CommandLine', 'ParentImage', 'ParentProcessName', 'ParentCommandLine', 'OriginalFileName',
  'User', 'SubjectUserName', 'SubjectDomainName', 'TargetUserName', 'TargetDomainName', 'IntegrityLevel',
  // files, registry, modules
  'TargetFilename', 'TargetObject', 'Details', 'EventType', 'ImageLoaded', 'Signed', 'SourceImage', 'TargetImage',
  'GrantedAccess', 'CallTrace', 'PipeName',
  // network
  'SourceIp', 'SourcePort', 'DestinationIp', 'DestinationPort', 'DestinationHostname', 'QueryName', 'QueryResults',
  'IpAddress', 'IpPort', 'WorkstationName', 'LogonType', 'AuthenticationPackageName', 'Status', 'SubStatus',
  // services, tasks, scripts
  'ServiceName', 'ImagePath', 'ServiceFileName', 'StartType', 'AccountName', 'TaskName', 'TaskContent',
  'ScriptBlockText', 'Path', 'HostApplication', 'Payload', 'ObjectName', 'ObjectType', 'AccessMask', 'ShareName',
  'RelativeTargetName', 'ProcessName', 'Hashes',
  // web servers and Exchange
  'cs-method', 'cs-uri-stem', 'cs-uri-query', 'sc-status', 'c-ip', 'cs-username', 'cs-user-agent', 'cs-referer',
  'UrlStem', 'UrlQuery', 'AnchorMailbox', 'AuthenticatedUser', 'HttpStatus', 'ClientIpAddress', 'Method', 'UserAgent',
];

/** A field value as evidence: scalars as they are, lists joined, long text cut with a marker saying how long it was. */
export function evidenceValue(v: FieldValue): EvidenceValue | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  const s = typeof v === 'string' ? v : v.map((x) => fieldText(x) ?? '').join(', ');
  return cut(s);
}

function cut(s: string): string {
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}… (${s.length} characters)` : s;
}

/**
 * The evidence of a match: the fields the rule looked at (`matched`, in rule order), then the well-known fields the
 * event has, up to MAX_FIELDS. Empty values and the placeholder `-` are left out: they say nothing.
 */
export function pickEvidence(event: EventRecord, matched: readonly string[] = []): Record<string, EvidenceValue> {
  const out: Record<string, EvidenceValue> = {};
  let n = 0;
  const take = (name: string) => {
    if (n >= MAX_FIELDS || Object.hasOwn(out, name)) return;
    const v = evidenceValue(event.get(name));
    if (v === undefined || v === '' || v === '-') return;
    out[name] = v;
    n++;
  };
  for (const f of matched) take(f);
  for (const f of KEY_FIELDS) take(f);
  return out;
}

const text = (e: EventRecord, ...names: string[]): string | undefined => {
  for (const n of names) {
    const t = fieldText(e.get(n) as FieldValue);
    if (t !== undefined && t !== '' && t !== '-') return t;
  }
  return undefined;
};

/** The last path component, for readable summaries (`C:\Windows\System32\cmd.exe` → `cmd.exe`). */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i >= 0 && i < path.length - 1 ? path.slice(i + 1) : path;
}

const SUMMARY_MAX = 300;

/**
 * One line saying what the event shows, e.g. `w3wp.exe started cmd.exe: cmd /c whoami` or
 * `POST /owa/auth/x.aspx?… → 200 from 203.0.113.9`. Falls back to the rule title and the first evidence fields.
 */
export function summarise(event: EventRecord, title: string, evidence: Record<string, EvidenceValue>): string {
  return cutSummary(describe(event) ?? actor(event, title) ?? message(event, title) ?? fallback(title, evidence));
}

/** Log lines matched by keywords (an ECP server log's cmdlet, a free-text message): the title and the line's text. */
function message(e: EventRecord, title: string): string | undefined {
  const cmdlet = text(e, 'Cmdlet');
  const params = text(e, 'Parameters');
  const m = cmdlet !== undefined ? cmdlet + (params !== undefined ? ` ${params}` : '') : text(e, 'EventData', 'message', 'Message', 'Parameters');
  return m === undefined ? undefined : `${title}: ${m}`;
}

/** Events that name only who acted (a log cleared, a policy changed): the rule's title, by whom. */
function actor(e: EventRecord, title: string): string | undefined {
  const user = text(e, 'SubjectUserName');
  if (user === undefined) return undefined;
  const domain = text(e, 'SubjectDomainName');
  return `${title}, by ${domain ? domain + '\\' : ''}${user}`;
}

function describe(e: EventRecord): string | undefined {
  const image = text(e, 'Image', 'NewProcessName');
  const cmd = text(e, 'CommandLine', 'ProcessCommandLine');
  const parent = text(e, 'ParentImage', 'ParentProcessName');
  if (cmd !== undefined || (image !== undefined && parent !== undefined)) {
    const who = parent !== undefined ? `${baseName(parent)} started ${image ? baseName(image) : 'a process'}` : `${image ? baseName(image) : 'a process'} ran`;
    return cmd !== undefined ? `${who}: ${cmd}` : who;
  }
  const script = text(e, 'ScriptBlockText');
  if (script !== undefined) return `PowerShell script block: ${script}`;
  const file = text(e, 'TargetFilename');
  if (file !== undefined) return `${image ? baseName(image) : 'a process'} wrote ${file}`;
  const key = text(e, 'TargetObject');
  if (key !== undefined) {
    const details = text(e, 'Details');
    return `${image ? baseName(image) : 'a process'} set ${key}` + (details !== undefined ? ` = ${details}` : '');
  }
  const target = text(e, 'TargetImage');
  if (target !== undefined) return `${text(e, 'SourceImage') ?? 'a process'} opened ${target}` + access(e);
  const loaded = text(e, 'ImageLoaded');
  if (loaded !== undefined) return `${image ? baseName(image) : 'a process'} loaded ${loaded}`;
  const dest = text(e, 'DestinationIp', 'DestinationHostname');
  if (dest !== undefined) {
    const port = text(e, 'DestinationPort');
    return `${image ? baseName(image) : 'a process'} connected to ${dest}${port ? ':' + port : ''}`;
  }
  const query = text(e, 'QueryName');
  if (query !== undefined) return `${image ? baseName(image) : 'a process'} looked up ${query}`;
  const service = text(e, 'ServiceName');
  if (service !== undefined) {
    const path = text(e, 'ImagePath', 'ServiceFileName');
    return `service ${service} installed` + (path !== undefined ? `: ${path}` : '');
  }
  const stem = text(e, 'cs-uri-stem', 'UrlStem', 'c-uri');
  if (stem !== undefined) {
    const method = text(e, 'cs-method', 'Method');
    const q = text(e, 'cs-uri-query', 'UrlQuery');
    const status = text(e, 'sc-status', 'HttpStatus');
    const from = text(e, 'c-ip', 'ClientIpAddress');
    return `${method ? method + ' ' : ''}${stem}${q ? '?' + q : ''}${status ? ' → ' + status : ''}${from ? ' from ' + from : ''}`;
  }
  const user = text(e, 'TargetUserName');
  if (user !== undefined) {
    const domain = text(e, 'TargetDomainName');
    const src = text(e, 'IpAddress', 'WorkstationName');
    const by = text(e, 'SubjectUserName');
    return `${by ? by + ' acted on ' : 'account '}${domain ? domain + '\\' : ''}${user}${src ? ' from ' + src : ''}`;
  }
  return undefined;
}

function access(e: EventRecord): string {
  const a = text(e, 'GrantedAccess');
  return a !== undefined ? ` (access ${a})` : '';
}

function fallback(title: string, evidence: Record<string, EvidenceValue>): string {
  const parts = Object.entries(evidence)
    .filter(([k]) => k !== 'EventID')
    .slice(0, 3)
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? `${title}: ${parts.join(', ')}` : title;
}

function cutSummary(s: string): string {
  const one = s.replace(/\s*[\r\n]+\s*/g, ' ');
  return one.length > SUMMARY_MAX ? one.slice(0, SUMMARY_MAX - 1) + '…' : one;
}
