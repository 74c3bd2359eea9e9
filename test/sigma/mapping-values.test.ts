/**
 * Values Windows stores in one spelling and SigmaHQ rules test in another: the shipped mapping makes such fields
 * answer both. Events are written with our EVTX writer and read back, so the values are what the EVTX reader gives.
 */
import { describe, expect, it } from 'vitest';
import { EvtxEvent, readEvtx } from '../../src/evtx/index.js';
import { v, windowsEvent, writeEvtx, type WindowsEvent } from '../../src/evtx/writer/index.js';
import { parseMapping } from '../../src/sigma/index.js';
import { ruleSetOf, shippedMapping } from './helpers.js';

const mapping = shippedMapping();
const SECURITY = { provider: 'Microsoft-Windows-Security-Auditing', providerGuid: '54849625-5478-4994-A5BA-3E3B0328C30D', channel: 'Security' };

function events(...records: WindowsEvent[]): EvtxEvent[] {
  return [...readEvtx(writeEvtx(records.map((r) => windowsEvent(r))), (p) => expect.fail(p.message))].map((r) => new EvtxEvent(r));
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
  const rs = ruleSetOf(
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
  const rs = ruleSetOf(
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
});
