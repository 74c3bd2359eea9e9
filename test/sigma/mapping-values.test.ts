/**
 * Values Windows stores in one spelling and SigmaHQ rules test in another: the shipped mapping makes such fields
 * answer both. Events are written with our EVTX writer and read back, so the values are what the EVTX reader gives.
 */
import { describe, expect, it } from 'vitest';
import { ObjectEvent } from '../../src/events/object-event.js';
import { EvtxEvent, readEvtx } from '../../src/evtx/index.js';
import { el, sub, v, windowsEvent, writeEvtx, type WindowsEvent } from '../../src/evtx/writer/index.js';
import type { EventRecord } from '../../src/events/event.js';
import { parseMapping, type Mapping } from '../../src/sigma/index.js';
import { ruleSetOf, shippedMapping } from './helpers.js';

const mapping = shippedMapping();
const SECURITY = { provider: 'Microsoft-Windows-Security-Auditing', providerGuid: '54849625-5478-4994-A5BA-3E3B0328C30D', channel: 'Security' };

function events(...records: WindowsEvent[]): EvtxEvent[] {
  return [...readEvtx(writeEvtx(records.map((r) => windowsEvent(r))), (p) => expect.fail(p.message))].map((r) => new EvtxEvent(r));
}

/**
 * The rule set as hunt builds it (generated code, prefilter), checked on every match against the plain interpreter
 * over every candidate: the conversions' list values must read the same on both paths.
 */
function checkedRuleSet(texts: string[], m: Mapping) {
  const fast = ruleSetOf(texts, m);
  const slow = ruleSetOf(texts, m, { interpretOnly: true, prefilter: false });
  return {
    match(ev: EventRecord) {
      const got = fast.match(ev);
      expect(got.map((x) => x.rule.ref.id)).toEqual(slow.match(ev).map((x) => x.rule.ref.id));
      return got;
    },
  };
}

const rule = (id: string, logsource: string, detection: string) =>
  `title: ${id}\nid: ${id}\nlogsource:\n${logsource.replace(/^/gm, '    ')}\ndetection:\n${detection.replace(/^/gm, '    ')}\nlevel: high\n`;

// 5145 as Windows writes it (Microsoft's documentation of event 5145): the rights as %%N references, one a line.
const share5145 = (target: string, accessList: string, accessMask: string): WindowsEvent => ({
  ...SECURITY,
  eventId: 5145,
  eventData: {
    SubjectUserSid: v.sid('S-1-5-21-1587066498-1489273250-1035260531-500'),
    SubjectUserName: 'Administrator',
    SubjectDomainName: 'EXAMPLE',
    SubjectLogonId: v.hex64(0x197dfan),
    ObjectType: 'File',
    IpAddress: '10.0.2.17',
    IpPort: '49230',
    ShareName: '\\\\*\\IPC$',
    ShareLocalPath: '',
    RelativeTargetName: target,
    AccessMask: v.hex32(Number(accessMask)),
    AccessList: accessList,
    AccessReason: '-',
  },
});

describe('Security object access: AccessList as %%N references and as text', () => {
  const rs = checkedRuleSet(
    [
      rule('by-text', 'product: windows\nservice: security', "sel:\n  EventID: 5145\n  RelativeTargetName: svcctl\n  AccessList|contains: 'WriteData'\ncondition: sel"),
      rule('by-ref', 'product: windows\nservice: security', "sel:\n  EventID: 5145\n  AccessList|contains: '%%4417'\ncondition: sel"),
      rule('not-written', 'product: windows\nservice: security', "sel:\n  EventID: 5145\nwrite:\n  AccessList|contains:\n    - WriteData\n    - AppendData\ncondition: sel and not write"),
      rule('elsewhere', 'product: windows\ncategory: process_creation', "sel:\n  AccessList|contains: 'WriteData'\ncondition: sel"),
    ],
    mapping,
  );
  const ids = (ev: EvtxEvent) => rs.match(ev).map((m) => m.rule.ref.id).sort();
  const [write, read] = events(
    share5145('svcctl', '%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416\r\n\t\t\t\t%%4417\r\n\t\t\t\t%%4418', '0x120007'),
    share5145('svcctl', '%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416', '0x120001'),
  );

  it('a rule written with the rendered name and one with the reference both fire on a write', () => {
    expect(ids(write!)).toEqual(['by-ref', 'by-text']);
  });

  it('a read-only access matches neither; `not` sees both spellings', () => {
    expect(ids(read!)).toEqual(['not-written']);
  });

  it('the rendered text replaces each known reference and keeps the layout', () => {
    const [m] = rs.match(write!);
    expect(m!.value('AccessList')).toEqual([
      '%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416\r\n\t\t\t\t%%4417\r\n\t\t\t\t%%4418',
      'READ_CONTROL\r\n\t\t\t\tSYNCHRONIZE\r\n\t\t\t\tReadData (or ListDirectory)\r\n\t\t\t\tWriteData (or AddFile)\r\n\t\t\t\tAppendData (or AddSubdirectory or CreatePipeInstance)',
    ]);
  });

  it('an unknown reference stays as it is (one spelling)', () => {
    const [ev] = events(share5145('svcctl', '%%7688', '0x100'));
    expect(rs.match(ev!).map((m) => m.value('AccessList'))).toEqual(['%%7688']);
  });
});

describe('GUID-typed values: Windows writes braces, the EVTX reader (like evtx_dump) does not', () => {
  // 4719 "System audit policy was changed" (Microsoft's documentation): SubcategoryGuid is a GUID.
  const policy = (guid: string, changes: string): WindowsEvent => ({
    ...SECURITY,
    eventId: 4719,
    eventData: {
      SubjectUserSid: v.sid('S-1-5-18'),
      SubjectUserName: 'DC1$',
      SubjectDomainName: 'CORP',
      SubjectLogonId: v.hex64(0x3e7n),
      CategoryId: '%%8272',
      SubcategoryId: '%%12544',
      SubcategoryGuid: v.guid(guid),
      AuditPolicyChanges: changes,
    },
  });
  const rs = checkedRuleSet(
    [
      rule('braced', 'product: windows\nservice: security', "sel:\n  EventID: 4719\n  SubcategoryGuid: '{0CCE9215-69AE-11D9-BED3-505054503030}'\ncondition: sel"),
      rule('bare', 'product: windows\nservice: security', "sel:\n  EventID: 4719\n  SubcategoryGuid: '0cce9215-69ae-11d9-bed3-505054503030'\ncondition: sel"),
      rule(
        'removed-not-logon',
        'product: windows\nservice: security',
        "sel:\n  EventID: 4719\n  AuditPolicyChanges|contains: '%%8448'\nfilter:\n  SubcategoryGuid: '{0CCE9215-69AE-11D9-BED3-505054503030}'\ncondition: sel and not filter",
      ),
    ],
    mapping,
  );
  const [logon, other] = events(policy('0CCE9215-69AE-11D9-BED3-505054503030', '%%8448'), policy('0CCE9217-69AE-11D9-BED3-505054503030', '%%8448'));

  it('the reader gives the bare GUID; rules in either spelling match it', () => {
    expect(logon!.get('SubcategoryGuid')).toBe('0CCE9215-69AE-11D9-BED3-505054503030');
    expect(rs.match(logon!).map((m) => m.rule.ref.id).sort()).toEqual(['bare', 'braced']);
  });

  it('a filter written with braces excludes the GUID it names, and only it', () => {
    expect(rs.match(other!).map((m) => m.rule.ref.id)).toEqual(['removed-not-logon']);
  });
});

describe('the conversions in a mapping file', () => {
  it("'parameter-messages' needs its table, and says so with the line", () => {
    const { issues } = parseMapping(
      'logsources:\n  - logsource: {product: windows, service: security}\n    sources:\n      - channel: Security\n        fields:\n          AccessList: {from: AccessList, convert: parameter-messages}\n',
      'user.yml',
    );
    expect(issues).toEqual([{ file: 'user.yml', line: 6, message: "the 'parameter-messages' conversion needs a 'values' table" }]);
  });

  it("'registry-path' takes one [key, value] pair", () => {
    const { issues } = parseMapping(
      'logsources:\n  - logsource: {product: windows, category: registry_set}\n    sources:\n      - channel: Security\n        fields:\n          TargetObject: {from: [ObjectName], convert: registry-path}\n',
      'user.yml',
    );
    expect(issues).toEqual([{ file: 'user.yml', line: 6, message: "'registry-path' takes one [key name, value name] field pair" }]);
  });
});

describe('Security 4657 (a registry value was modified) as registry_set / registry_event / registry_delete', () => {
  // As Microsoft documents event 4657: the key as the kernel names it, the value name apart, %%190N operations.
  const reg4657 = (objectName: string, valueName: string, operation: string, newValue = 'C:\\Users\\Public\\evil.exe'): WindowsEvent => ({
    ...SECURITY,
    eventId: 4657,
    eventData: {
      SubjectUserSid: v.sid('S-1-5-21-3457937927-2839227994-823803824-1104'),
      SubjectUserName: 'dadmin',
      SubjectDomainName: 'CONTOSO',
      SubjectLogonId: v.hex64(0x364ebn),
      ObjectName: objectName,
      ObjectValueName: valueName,
      HandleId: v.hex64(0x54n),
      OperationType: operation,
      OldValueType: '%%1873',
      OldValue: '',
      NewValueType: '%%1873',
      NewValue: newValue,
      ProcessId: v.hex64(0xce4n),
      ProcessName: 'C:\\Windows\\regedit.exe',
    },
  });
  const rs = checkedRuleSet(
    [
      rule('run-key', 'product: windows\ncategory: registry_set', "sel:\n  TargetObject|contains: '\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\'\n  Image|endswith: '\\regedit.exe'\ncondition: sel"),
      rule('hklm-prefix', 'product: windows\ncategory: registry_set', "sel:\n  TargetObject|startswith: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run'\ncondition: sel"),
      rule('service', 'product: windows\ncategory: registry_set', "sel:\n  TargetObject|contains: '\\CurrentControlSet\\Services\\'\n  TargetObject|endswith: '\\ImagePath'\ncondition: sel"),
      rule('default', 'product: windows\ncategory: registry_set', "sel:\n  TargetObject|endswith: '\\shell\\open\\command\\(Default)'\ncondition: sel"),
      rule('needs-details', 'product: windows\ncategory: registry_set', "sel:\n  TargetObject|contains: '\\Run\\'\n  Details|contains: 'Public'\ncondition: sel"),
      rule('event-set', 'product: windows\ncategory: registry_event', "sel:\n  EventType: SetValue\n  TargetObject|contains: '\\Run\\'\ncondition: sel"),
      rule('deleted', 'product: windows\ncategory: registry_delete', "sel:\n  TargetObject|contains: '\\Run\\'\ncondition: sel"),
      rule('key-added', 'product: windows\ncategory: registry_add', "sel:\n  TargetObject|contains: '\\Run'\ncondition: sel"),
      rule('user', 'product: windows\ncategory: registry_set', "sel:\n  User: 'CONTOSO\\dadmin'\n  ProcessId: 3300\n  TargetObject|endswith: '\\Run\\updater'\ncondition: sel"),
    ],
    mapping,
  );
  const ids = (ev: EvtxEvent) => rs.match(ev).map((m) => m.rule.ref.id).sort();
  const [created, modified, deleted, service, defaultValue] = events(
    reg4657('\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', 'updater', '%%1904'),
    reg4657('\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', 'updater', '%%1905'),
    reg4657('\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', 'updater', '%%1906'),
    reg4657('\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\evilsvc', 'ImagePath', '%%1905'),
    reg4657('\\REGISTRY\\USER\\S-1-5-21-1-2-3-1000_Classes\\ms-settings\\shell\\open\\command', '', '%%1904'),
  );

  it('a value created or modified is a registry_set; the path reads as Sysmon writes it', () => {
    expect(ids(created!)).toEqual(['event-set', 'hklm-prefix', 'run-key', 'user']);
    expect(ids(modified!)).toEqual(['event-set', 'hklm-prefix', 'run-key', 'user']);
    const m = rs.match(modified!).find((x) => x.rule.ref.id === 'run-key')!;
    expect(m.source).toBe('security-4657');
    expect(m.value('TargetObject')).toBe('HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\updater');
  });

  it('a value deleted is a registry_delete (and a registry_event, but not a SetValue)', () => {
    expect(ids(deleted!)).toEqual(['deleted']);
  });

  it('the control set answers as CurrentControlSet and as the kernel named it; the default value as (Default)', () => {
    expect(ids(service!)).toEqual(['service']);
    const [m] = rs.match(service!);
    expect(m!.value('TargetObject')).toEqual([
      'HKLM\\SYSTEM\\CurrentControlSet\\Services\\evilsvc\\ImagePath',
      'HKLM\\SYSTEM\\ControlSet001\\Services\\evilsvc\\ImagePath',
    ]);
    expect(ids(defaultValue!)).toEqual(['default']);
  });

  it('Sysmon 13 and 12 still place the same rules, with Details', () => {
    const [set] = events({
      provider: 'Microsoft-Windows-Sysmon',
      channel: 'Microsoft-Windows-Sysmon/Operational',
      eventId: 13,
      eventData: {
        RuleName: '-',
        EventType: 'SetValue',
        UtcTime: '2024-01-01 00:00:00.000',
        ProcessGuid: v.guid('747F3D96-1EA9-5EFE-0000-0010B1F13D00'),
        ProcessId: v.uint32(3300),
        Image: 'C:\\Windows\\regedit.exe',
        TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\updater',
        Details: 'C:\\Users\\Public\\evil.exe',
      },
    });
    expect(ids(set!)).toEqual(['event-set', 'hklm-prefix', 'needs-details', 'run-key']);
  });

  it('the same event id on another channel, or another Security event, is no registry event', () => {
    const fields = { ObjectName: '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', ObjectValueName: 'updater', OperationType: '%%1905' };
    expect(rs.match(new ObjectEvent({ Channel: 'System', EventID: 4657, ...fields }))).toEqual([]);
    expect(rs.match(new ObjectEvent({ Channel: 'Security', EventID: 4663, ...fields }))).toEqual([]);
    expect(rs.match(new ObjectEvent({ Channel: 'Security', EventID: 4657, ...fields })).map((m) => m.rule.ref.id)).toContain('hklm-prefix');
  });
});

describe("UserData fields named like System fields are the event's own (event 104, a log cleared)", () => {
  // System 104 (Microsoft-Windows-Eventlog): UserData/LogFileCleared names the log that was cleared in its Channel.
  const cleared = (log: string): WindowsEvent => ({
    provider: 'Microsoft-Windows-Eventlog',
    providerGuid: '{FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148}',
    channel: 'System',
    eventId: 104,
    userData: el(
      'LogFileCleared',
      { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' },
      el('SubjectUserName', null, sub(v.string('user01'))),
      el('SubjectDomainName', null, sub(v.string('EXAMPLE'))),
      el('Channel', null, sub(v.string(log))),
      el('BackupPath', null, sub(v.string(''))),
    ),
  });
  const rs = checkedRuleSet(
    [
      rule('important', 'product: windows\nservice: system', "sel:\n  EventID: 104\n  Provider_Name: 'Microsoft-Windows-Eventlog'\n  Channel: [Security, System, 'Microsoft-Windows-Sysmon/Operational']\ncondition: sel"),
      rule('other', 'product: windows\nservice: system', "sel:\n  EventID: 104\ncovered:\n  Channel: [Security, System, 'Microsoft-Windows-Sysmon/Operational']\ncondition: sel and not covered"),
    ],
    mapping,
  );
  const [sysmon, app] = events(cleared('Microsoft-Windows-Sysmon/Operational'), cleared('Application'));

  it('the event is placed by its System channel, its Channel field is the cleared log', () => {
    expect(sysmon!.channel).toBe('System');
    expect(sysmon!.get('Channel')).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(rs.match(sysmon!).map((m) => m.rule.ref.id)).toEqual(['important']);
    expect(rs.match(app!).map((m) => m.rule.ref.id)).toEqual(['other']);
  });
});
