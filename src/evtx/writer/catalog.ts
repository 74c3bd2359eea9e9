/**
 * Builders for the events hunts look at most, each from a plain object of its EventData fields (any field left out
 * gets a realistic default) plus the common fields (`computer`, `time`, `recordId`…):
 *
 *   writeEvtx([sysmon1({ Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c whoami', computer: 'WS1' })])
 *
 * Field names, order and types follow each provider's manifest (Sysmon's schema, the Security auditing manifest),
 * so the records have the shapes real logs have: GUIDs as GUIDs, logon ids as hex64, SIDs as SIDs, Sysmon booleans.
 */
import { el, sub, type EvtxRecord } from './model.js';
import { v, type TypeName } from './values.js';
import { filetimeText } from './text.js';
import { dataValue, DEFAULT_TIME, windowsEvent, type DataInput, type DataItem, type EventCommon } from './windows-event.js';

type Field = readonly [name: string, type: TypeName, fallback: DataInput];
/** EventData fields by name (strings, numbers, bigints, booleans or typed values) and the common fields. */
export type Fields = EventCommon & { readonly [field: string]: unknown };

const COMMON_KEYS = new Set(['computer', 'time', 'recordId', 'processId', 'threadId', 'userId', 'activityId', 'relatedActivityId']);

const KNOWN = new WeakMap<readonly Field[], Set<string>>();

/** The Data items of `schema` from `f` (then `defaults`, then the schema's fallback), and any extra fields of `f`. */
function data(schema: readonly Field[], f: Fields, defaults?: Record<string, DataInput>, ignore?: string): DataItem[] {
  let known = KNOWN.get(schema);
  if (!known) KNOWN.set(schema, (known = new Set(schema.map((s) => s[0]))));
  const items: DataItem[] = [];
  for (const [name, type, fallback] of schema) {
    const x = f[name] as DataInput | undefined;
    items.push({ name, type, value: x === undefined ? (defaults?.[name] ?? fallback) : x });
  }
  // Fields outside the schema are kept with their natural type: newer schema versions add fields.
  for (const k in f) if (!known.has(k) && !COMMON_KEYS.has(k) && k !== ignore && f[k] !== undefined) items.push({ name: k, value: f[k] as DataInput });
  return items;
}

const SYSMON = { provider: 'Microsoft-Windows-Sysmon', providerGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', channel: 'Microsoft-Windows-Sysmon/Operational' };
const SYSMON_USER = 'S-1-5-18';
const GUID0 = '{00000000-0000-0000-0000-000000000000}';

function utc(time: EventCommon['time']): string {
  // Sysmon's UtcTime is text with milliseconds: "2019-05-16 13:10:13.759".
  const iso = typeof time === 'string' ? time : time instanceof Date ? time.toISOString() : time === undefined ? DEFAULT_TIME : filetimeText(time);
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?/.exec(iso);
  return m ? `${m[1]} ${m[2]}.${(m[3] ?? '0').padEnd(3, '0')}` : '2024-01-15 09:30:00.000';
}

function sysmon(eventId: number, version: number, task: number, schema: readonly Field[], f: Fields): EvtxRecord {
  const eventData = data(schema, f, f.UtcTime === undefined ? { UtcTime: utc(f.time) } : undefined);
  return windowsEvent({ ...SYSMON, eventId, version, level: 4, task, opcode: 0, keywords: 0x8000000000000000n, userId: SYSMON_USER, processId: 2844, threadId: 3412, eventData }, f);
}

const SYSMON_1: readonly Field[] = [
  ['RuleName', 'string', '-'],
  ['UtcTime', 'string', ''],
  ['ProcessGuid', 'guid', '{3F4E2A10-9B1C-65A5-1A03-000000000E00}'],
  ['ProcessId', 'uint32', 6120],
  ['Image', 'string', 'C:\\Windows\\System32\\cmd.exe'],
  ['FileVersion', 'string', '10.0.19041.746 (WinBuild.160101.0800)'],
  ['Description', 'string', 'Windows Command Processor'],
  ['Product', 'string', 'Microsoft® Windows® Operating System'],
  ['Company', 'string', 'Microsoft Corporation'],
  ['OriginalFileName', 'string', 'Cmd.Exe'],
  ['CommandLine', 'string', 'cmd.exe'],
  ['CurrentDirectory', 'string', 'C:\\Windows\\system32\\'],
  ['User', 'string', 'CORP\\alice'],
  ['LogonGuid', 'guid', '{3F4E2A10-1D2B-65A5-B4E1-0B0000000000}'],
  ['LogonId', 'hex64', 0xbe1b4n],
  ['TerminalSessionId', 'uint32', 1],
  ['IntegrityLevel', 'string', 'Medium'],
  ['Hashes', 'string', 'SHA256=B99D114B267FFD068C3289199B6DF95C9A2CF12B3D46A9AE3E6B4F8E0A73D1A0'],
  ['ParentProcessGuid', 'guid', '{3F4E2A10-9A00-65A5-F602-000000000E00}'],
  ['ParentProcessId', 'uint32', 4312],
  ['ParentImage', 'string', 'C:\\Windows\\explorer.exe'],
  ['ParentCommandLine', 'string', 'C:\\Windows\\Explorer.EXE'],
  ['ParentUser', 'string', 'CORP\\alice'],
];

/** Sysmon 1, process creation. */
export function sysmon1(f: Fields = {}): EvtxRecord {
  return sysmon(1, 5, 1, SYSMON_1, f);
}

const SYSMON_3: readonly Field[] = [
  ['RuleName', 'string', '-'],
  ['UtcTime', 'string', ''],
  ['ProcessGuid', 'guid', '{3F4E2A10-9B1C-65A5-1A03-000000000E00}'],
  ['ProcessId', 'uint32', 6120],
  ['Image', 'string', 'C:\\Windows\\System32\\svchost.exe'],
  ['User', 'string', 'NT AUTHORITY\\NETWORK SERVICE'],
  ['Protocol', 'string', 'tcp'],
  ['Initiated', 'bool', true],
  ['SourceIsIpv6', 'bool', false],
  ['SourceIp', 'string', '10.0.2.15'],
  ['SourceHostname', 'string', 'WS1.corp.example'],
  ['SourcePort', 'uint16', 49833],
  ['SourcePortName', 'string', '-'],
  ['DestinationIsIpv6', 'bool', false],
  ['DestinationIp', 'string', '13.107.4.52'],
  ['DestinationHostname', 'string', '-'],
  ['DestinationPort', 'uint16', 443],
  ['DestinationPortName', 'string', 'https'],
];

/** Sysmon 3, network connection (Initiated and the IsIpv6 fields are booleans). */
export function sysmon3(f: Fields = {}): EvtxRecord {
  return sysmon(3, 5, 3, SYSMON_3, f);
}

const SYSMON_11: readonly Field[] = [
  ['RuleName', 'string', '-'],
  ['UtcTime', 'string', ''],
  ['ProcessGuid', 'guid', '{3F4E2A10-9B1C-65A5-1A03-000000000E00}'],
  ['ProcessId', 'uint32', 6120],
  ['Image', 'string', 'C:\\Windows\\System32\\svchost.exe'],
  ['TargetFilename', 'string', 'C:\\Windows\\Temp\\x.tmp'],
  ['CreationUtcTime', 'string', '2024-01-15 09:30:00.000'],
  ['User', 'string', 'NT AUTHORITY\\SYSTEM'],
];

/** Sysmon 11, file created. */
export function sysmon11(f: Fields = {}): EvtxRecord {
  return sysmon(11, 2, 11, SYSMON_11, f);
}

const SYSMON_13: readonly Field[] = [
  ['RuleName', 'string', '-'],
  ['EventType', 'string', 'SetValue'],
  ['UtcTime', 'string', ''],
  ['ProcessGuid', 'guid', '{3F4E2A10-9B1C-65A5-1A03-000000000E00}'],
  ['ProcessId', 'uint32', 6120],
  ['Image', 'string', 'C:\\Windows\\regedit.exe'],
  ['TargetObject', 'string', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\x'],
  ['Details', 'string', 'C:\\Users\\Public\\x.exe'],
  ['User', 'string', 'CORP\\alice'],
];

/** Sysmon 13, registry value set. */
export function sysmon13(f: Fields = {}): EvtxRecord {
  return sysmon(13, 2, 13, SYSMON_13, f);
}

const SECURITY = { provider: 'Microsoft-Windows-Security-Auditing', providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', channel: 'Security' };
const AUDIT_SUCCESS = 0x8020000000000000n;
const AUDIT_FAILURE = 0x8010000000000000n;

function security(eventId: number, version: number, task: number, keywords: bigint, schema: readonly Field[], f: Fields): EvtxRecord {
  return windowsEvent({ ...SECURITY, eventId, version, level: 0, task, opcode: 0, keywords, processId: 4, threadId: 7156, userId: null, eventData: data(schema, f) }, f);
}

const SUBJECT: readonly Field[] = [
  ['SubjectUserSid', 'sid', 'S-1-5-18'],
  ['SubjectUserName', 'string', 'WS1$'],
  ['SubjectDomainName', 'string', 'CORP'],
  ['SubjectLogonId', 'hex64', 0x3e7n],
];

const SECURITY_4688: readonly Field[] = [
  ...SUBJECT,
  ['NewProcessId', 'hex64', 0x17e8n],
  ['NewProcessName', 'string', 'C:\\Windows\\System32\\cmd.exe'],
  ['TokenElevationType', 'string', '%%1936'],
  ['ProcessId', 'hex64', 0x10d8n],
  ['CommandLine', 'string', 'cmd.exe'],
  ['TargetUserSid', 'sid', 'S-1-0-0'],
  ['TargetUserName', 'string', '-'],
  ['TargetDomainName', 'string', '-'],
  ['TargetLogonId', 'hex64', 0n],
  ['ParentProcessName', 'string', 'C:\\Windows\\explorer.exe'],
  ['MandatoryLabel', 'sid', 'S-1-16-8192'],
];

/** Security 4688, a new process has been created. */
export function security4688(f: Fields = {}): EvtxRecord {
  return security(4688, 2, 13312, AUDIT_SUCCESS, SECURITY_4688, f);
}

const SECURITY_4624: readonly Field[] = [
  ...SUBJECT,
  ['TargetUserSid', 'sid', 'S-1-5-21-3623811015-3361044348-30300820-1013'],
  ['TargetUserName', 'string', 'alice'],
  ['TargetDomainName', 'string', 'CORP'],
  ['TargetLogonId', 'hex64', 0x2b91a4n],
  ['LogonType', 'uint32', 3],
  ['LogonProcessName', 'string', 'NtLmSsp '],
  ['AuthenticationPackageName', 'string', 'NTLM'],
  ['WorkstationName', 'string', 'WS2'],
  ['LogonGuid', 'guid', GUID0],
  ['TransmittedServices', 'string', '-'],
  ['LmPackageName', 'string', 'NTLM V2'],
  ['KeyLength', 'uint32', 128],
  ['ProcessId', 'hex64', 0n],
  ['ProcessName', 'string', '-'],
  ['IpAddress', 'string', '10.0.2.17'],
  ['IpPort', 'string', '49725'],
  ['ImpersonationLevel', 'string', '%%1833'],
  ['RestrictedAdminMode', 'string', '-'],
  ['TargetOutboundUserName', 'string', '-'],
  ['TargetOutboundDomainName', 'string', '-'],
  ['VirtualAccount', 'string', '%%1843'],
  ['TargetLinkedLogonId', 'hex64', 0n],
  ['ElevatedToken', 'string', '%%1842'],
];

/** Security 4624, an account was successfully logged on. */
export function security4624(f: Fields = {}): EvtxRecord {
  return security(4624, 2, 12544, AUDIT_SUCCESS, SECURITY_4624, f);
}

const SECURITY_4625: readonly Field[] = [
  ['SubjectUserSid', 'sid', 'S-1-0-0'],
  ['SubjectUserName', 'string', '-'],
  ['SubjectDomainName', 'string', '-'],
  ['SubjectLogonId', 'hex64', 0n],
  ['TargetUserSid', 'sid', 'S-1-0-0'],
  ['TargetUserName', 'string', 'administrator'],
  ['TargetDomainName', 'string', 'CORP'],
  ['Status', 'hex32', 0xc000006d],
  ['FailureReason', 'string', '%%2313'],
  ['SubStatus', 'hex32', 0xc000006a],
  ['LogonType', 'uint32', 3],
  ['LogonProcessName', 'string', 'NtLmSsp '],
  ['AuthenticationPackageName', 'string', 'NTLM'],
  ['WorkstationName', 'string', 'KALI'],
  ['TransmittedServices', 'string', '-'],
  ['LmPackageName', 'string', '-'],
  ['KeyLength', 'uint32', 0],
  ['ProcessId', 'hex64', 0n],
  ['ProcessName', 'string', '-'],
  ['IpAddress', 'string', '10.0.2.99'],
  ['IpPort', 'string', '0'],
];

/** Security 4625, an account failed to log on (Status and SubStatus as hex32). */
export function security4625(f: Fields = {}): EvtxRecord {
  return security(4625, 0, 12544, AUDIT_FAILURE, SECURITY_4625, f);
}

/** Security 1102, the audit log was cleared: UserData, not EventData. */
export function security1102(f: Fields = {}): EvtxRecord {
  const field = (name: string, type: TypeName, fallback: DataInput) => el(name, null, sub(dataValue(f[name] === undefined ? fallback : (f[name] as DataInput), type), { declared: type }));
  const cleared = el(
    'LogFileCleared',
    { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' },
    field('SubjectUserSid', 'sid', 'S-1-5-21-3623811015-3361044348-30300820-500'),
    field('SubjectUserName', 'string', 'Administrator'),
    field('SubjectDomainName', 'string', 'CORP'),
    field('SubjectLogonId', 'hex64', 0x5a3c1n),
  );
  return windowsEvent({
    provider: 'Microsoft-Windows-Eventlog',
    providerGuid: '{FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148}',
    channel: 'Security',
    eventId: 1102,
    version: 0,
    level: 4,
    task: 104,
    opcode: 0,
    keywords: 0x4020000000000000n,
    processId: 1104,
    threadId: 5176,
    userId: null,
    userData: cleared,
  }, f);
}

const SYSTEM_7045: readonly Field[] = [
  ['ServiceName', 'string', 'Windows Update Helper'],
  ['ImagePath', 'string', 'C:\\Windows\\System32\\svchost.exe -k netsvcs'],
  ['ServiceType', 'string', 'user mode service'],
  ['StartType', 'string', 'auto start'],
  ['AccountName', 'string', 'LocalSystem'],
];

/** System 7045, a service was installed (Service Control Manager, with Qualifiers and EventSourceName). */
export function system7045(f: Fields = {}): EvtxRecord {
  return windowsEvent({
    provider: 'Service Control Manager',
    providerGuid: '{555908D1-A6D7-4695-8E1E-26931D2012F4}',
    eventSourceName: 'Service Control Manager',
    channel: 'System',
    eventId: 7045,
    qualifiers: 16384,
    version: 0,
    level: 4,
    task: 0,
    opcode: 0,
    keywords: 0x8080000000000000n,
    processId: 668,
    threadId: 5916,
    userId: 'S-1-5-21-3623811015-3361044348-30300820-500',
    eventData: data(SYSTEM_7045, f),
  }, f);
}

const POWERSHELL_4104: readonly Field[] = [
  ['MessageNumber', 'int32', 1],
  ['MessageTotal', 'int32', 1],
  ['ScriptBlockText', 'string', 'Get-Process'],
  ['ScriptBlockId', 'string', '1c2e3d4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5'],
  ['Path', 'string', ''],
];

/** PowerShell 4104, script block logging (level 5; Windows raises suspicious blocks to 3, pass `level`). */
export function powershell4104(f: Fields = {}): EvtxRecord {
  const level = f.level;
  return windowsEvent({
    provider: 'Microsoft-Windows-PowerShell',
    providerGuid: '{A0C1853B-5C40-4B15-8766-3CF1C58F985A}',
    channel: 'Microsoft-Windows-PowerShell/Operational',
    eventId: 4104,
    version: 1,
    level: typeof level === 'number' ? level : 5,
    task: 2,
    opcode: 15,
    keywords: 0n,
    processId: 5384,
    threadId: 6000,
    userId: 'S-1-5-21-3623811015-3361044348-30300820-1013',
    activityId: '{E3F6C1A2-4B5D-0003-9C11-E8F3A24BD801}',
    eventData: data(POWERSHELL_4104, f, undefined, 'level'),
  }, f);
}

/** A classic-provider event with unnamed Data (`<Data>text</Data>`), e.g. Application log entries. */
export function classicEvent(f: EventCommon & { provider: string; eventId: number; channel?: string; data: readonly string[]; binary?: Uint8Array }): EvtxRecord {
  return windowsEvent({
    provider: f.provider,
    eventSourceName: f.provider,
    channel: f.channel ?? 'Application',
    eventId: f.eventId,
    qualifiers: 0,
    level: 4,
    keywords: 0x80000000000000n,
    processId: 0,
    threadId: 0,
    userId: null,
    eventData: f.data.map((d) => ({ value: v.string(d) })),
    ...(f.binary ? { binary: f.binary } : {}),
  }, f);
}
