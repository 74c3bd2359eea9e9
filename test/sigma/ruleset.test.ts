/** Placement and indexing: rules meet only the events of the sources their logsource maps to, with its field names. */
import { describe, expect, it } from 'vitest';
import { ObjectEvent } from '../../src/events/object-event.js';
import { buildRuleSet, mergeMappings, parseMapping } from '../../src/sigma/index.js';
import { ruleSetOf, shippedMapping } from './helpers.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const mapping = shippedMapping();

const rule = (logsource: string, detection: string, id = 'r1') =>
  `title: t\nid: ${id}\nlogsource:\n${logsource.replace(/^/gm, '    ')}\ndetection:\n${detection.replace(/^/gm, '    ')}\nlevel: high\n`;

describe('placement by logsource', () => {
  it('a Security-only rule does not fire on a Sysmon event with the same event id', () => {
    const rs = ruleSetOf([rule('product: windows\nservice: security', 'sel:\n  EventID: 1\ncondition: sel')], mapping);
    expect(rs.match(new ObjectEvent({ Channel: 'Security', EventID: 1 }))).toHaveLength(1);
    expect(rs.match(new ObjectEvent({ Channel: SYSMON, EventID: 1 }))).toHaveLength(0);
  });

  it('process_creation: Sysmon 1 and Security 4688 with its field names and conversions', () => {
    const rs = ruleSetOf(
      [
        rule(
          'category: process_creation\nproduct: windows',
          "sel:\n  Image|endswith: '\\whoami.exe'\n  ParentImage|endswith: '\\w3wp.exe'\n  User|contains: 'AUTHORI'\n  IntegrityLevel: System\n  ProcessId: 6700\ncondition: sel",
        ),
      ],
      mapping,
    );
    const sysmon = { Channel: SYSMON, EventID: 1, Image: 'C:\\Windows\\System32\\whoami.exe', ParentImage: 'C:\\w3wp.exe', User: 'NT AUTHORITY\\SYSTEM', IntegrityLevel: 'System', ProcessId: 6700 };
    const security = {
      Channel: 'Security',
      EventID: 4688,
      NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
      ParentProcessName: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: 'EXCH01$',
      SubjectDomainName: 'CORP',
      TargetUserSid: 'S-1-0-0',
      TargetUserName: '-',
      MandatoryLabel: 'S-1-16-16384',
      NewProcessId: '0x1a2c',
    };
    expect(rs.match(new ObjectEvent(sysmon))).toHaveLength(1);
    const [m] = rs.match(new ObjectEvent(security));
    expect(m?.source).toBe('security-4688');
    expect(m?.value('User')).toBe('NT AUTHORITY\\SYSTEM');
    expect(m?.fields.map((f) => [f.field, f.source])).toContainEqual(['Image', 'NewProcessName']);
    // The same event ids on other channels are not process creations.
    expect(rs.match(new ObjectEvent({ ...security, Channel: 'System' }))).toHaveLength(0);
    expect(rs.match(new ObjectEvent({ ...sysmon, EventID: 4688 }))).toHaveLength(0);
  });

  it('4688 runs a rule only where fields it lacks could not change the answer', () => {
    const rs = ruleSetOf(
      [
        rule(
          'category: process_creation\nproduct: windows',
          "img:\n  - Image|endswith: '\\rundll32.exe'\n  - OriginalFileName: RUNDLL32.EXE\ncondition: img",
          'positive',
        ),
        rule(
          'category: process_creation\nproduct: windows',
          "sel:\n  Image|endswith: '\\rundll32.exe'\nfilter:\n  Hashes|contains: 'IMPHASH=ABC'\ncondition: sel and not filter",
          'negated',
        ),
      ],
      mapping,
    );
    const ev = new ObjectEvent({ Channel: 'Security', EventID: 4688, NewProcessName: 'C:\\Windows\\rundll32.exe' });
    expect(rs.match(ev).map((m) => m.rule.ref.id)).toEqual(['positive']);
    expect(rs.match(new ObjectEvent({ Channel: SYSMON, EventID: 1, Image: 'C:\\Windows\\rundll32.exe' })).map((m) => m.rule.ref.id)).toEqual([
      'positive',
      'negated',
    ]);
  });

  it("a rule's own EventID narrows the index; the mapping's conditions apply", () => {
    const rs = ruleSetOf(
      [
        rule('product: windows\nservice: security', 'sel:\n  EventID: [4624, 4625]\ncondition: sel', 'logon'),
        rule('product: windows\ncategory: registry_add', 'sel:\n  TargetObject|contains: Run\ncondition: sel', 'regadd'),
      ],
      mapping,
    );
    expect(rs.candidates(new ObjectEvent({ Channel: 'Security', EventID: 4624 })).map((p) => p.rule.ref.id)).toEqual(['logon']);
    expect(rs.candidates(new ObjectEvent({ Channel: 'Security', EventID: 4688 }))).toEqual([]);
    expect(rs.match(new ObjectEvent({ Channel: SYSMON, EventID: 12, EventType: 'CreateKey', TargetObject: 'HKLM\\Run' }))).toHaveLength(1);
    expect(rs.match(new ObjectEvent({ Channel: SYSMON, EventID: 12, EventType: 'DeleteKey', TargetObject: 'HKLM\\Run' }))).toHaveLength(0);
  });

  it('channel names compare case-insensitively; a provider-placed logsource is found by provider', () => {
    const rs = ruleSetOf(
      [
        rule('product: windows\nservice: system', 'sel:\n  EventID: 7045\ncondition: sel', 'svc'),
        rule('product: windows\ncategory: file_access', "sel:\n  FileName|endswith: '\\ntds.dit'\ncondition: sel", 'fa'),
      ],
      mapping,
    );
    expect(rs.match(new ObjectEvent({ Channel: 'SYSTEM', EventID: 7045 }))).toHaveLength(1);
    const ev = new ObjectEvent({ Channel: 'Microsoft-Windows-Kernel-File/Analytic', Provider_Name: 'Microsoft-Windows-Kernel-File', EventID: 12, FileName: 'C:\\ntds.dit' });
    expect(rs.match(ev).map((m) => m.rule.ref.id)).toEqual(['fa']);
  });

  it('field names with spaces match the rule name without them (specification: strip spaces)', () => {
    const rs = ruleSetOf([rule('product: windows\nservice: windefend', "sel:\n  ThreatName|contains: EICAR\ncondition: sel")], mapping);
    expect(rs.match(new ObjectEvent({ Channel: 'Microsoft-Windows-Windows Defender/Operational', EventID: 1116, 'Threat Name': 'Virus:DOS/EICAR_Test_File' }))).toHaveLength(1);
  });

  it('events with a logsource hint meet the rules whose logsource fits', () => {
    const rs = ruleSetOf(
      [
        rule('category: webserver', "sel:\n  cs-uri-query|contains: 'cmd='\ncondition: sel", 'web'),
        rule('product: exchange\nservice: httpproxy', "sel:\n  AnchorMailbox|startswith: 'ServerInfo~'\ncondition: sel", 'proxy'),
        rule('product: windows\ncategory: process_creation', "sel:\n  Image|endswith: 'cmd.exe'\ncondition: sel", 'win'),
      ],
      mapping,
    );
    expect(rs.match(new ObjectEvent({ 'cs-uri-query': 'cmd=whoami' }, { category: 'webserver', product: 'iis' })).map((m) => m.rule.ref.id)).toEqual(['web']);
    expect(rs.match(new ObjectEvent({ AnchorMailbox: 'ServerInfo~a]@x:444/' }, { product: 'exchange', service: 'httpproxy' }))).toHaveLength(1);
    expect(rs.match(new ObjectEvent({ AnchorMailbox: 'ServerInfo~a' }, { product: 'exchange', service: 'ecp' }))).toHaveLength(0);
    expect(rs.match(new ObjectEvent({ Image: 'C:\\cmd.exe' }, { product: 'windows', category: 'process_creation' }))).toHaveLength(1);
    expect(rs.match(new ObjectEvent({ Image: '/bin/cmd.exe' }, { product: 'linux', category: 'process_creation' }))).toHaveLength(0);
    expect(rs.match(new ObjectEvent({ Image: 'C:\\cmd.exe' }))).toHaveLength(0); // no channel, no hint: placed nowhere
  });

  it('product: windows alone covers Windows channels, not Sysmon for Linux', () => {
    const rs = ruleSetOf([rule('product: windows', "sel:\n  CommandLine|contains: mimikatz\ncondition: sel")], mapping);
    expect(rs.match(new ObjectEvent({ Channel: 'Application', EventID: 1, CommandLine: 'mimikatz' }))).toHaveLength(1);
    expect(rs.match(new ObjectEvent({ Channel: 'Linux-Sysmon/Operational', EventID: 1, CommandLine: 'mimikatz' }))).toHaveLength(0);
  });

  it('an unknown Windows logsource is reported, naming it; other products load (matched by hint)', () => {
    const { files } = buildRuleSet(
      [
        { path: 'a.yml', text: rule('product: windows\ncategory: no_such_thing', 'sel:\n  A: 1\ncondition: sel') },
        { path: 'b.yml', text: rule('product: aws\nservice: cloudtrail', 'sel:\n  eventName: ConsoleLogin\ncondition: sel', 'r2') },
      ],
      { mapping },
    );
    expect(files[0]!.issues[0]).toMatchObject({ code: 'RULE_UNSUPPORTED', file: 'a.yml', line: 1 });
    expect(files[0]!.issues[0]!.message).toContain('category: no_such_thing');
    expect(files[1]!.issues).toEqual([]);
  });

  it('a user mapping replaces an entry and adds placeholders', () => {
    const user = parseMapping(
      'logsources:\n  - logsource: {product: windows, service: security}\n    sources: [{channel: ForwardedEvents}]\nplaceholders:\n  Admins: [adm_*]\n',
      'user.yml',
    );
    expect(user.issues).toEqual([]);
    const merged = mergeMappings(mapping, user.mapping);
    const rs = ruleSetOf([rule('product: windows\nservice: security', "sel:\n  User|expand: '%Admins%'\ncondition: sel")], merged);
    expect(rs.match(new ObjectEvent({ Channel: 'ForwardedEvents', EventID: 1, User: 'adm_bob' }))).toHaveLength(1);
    expect(rs.match(new ObjectEvent({ Channel: 'Security', EventID: 1, User: 'adm_bob' }))).toHaveLength(0);
  });

  it('mapping problems name the file and line', () => {
    const { issues } = parseMapping('logsources:\n  - logsource: {product: windows}\n    sources: [{chanel: x}]\n', 'bad.yml');
    expect(issues[0]).toMatchObject({ file: 'bad.yml', line: 3 });
    expect(issues[0]!.message).toContain("unknown source key 'chanel'");
  });

  it('every logsource the SigmaHQ Windows rules use is in the shipped mapping', () => {
    const used = [
      'process_creation', 'registry_set', 'file_event', 'ps_script', 'image_load', 'network_connection', 'registry_event', 'ps_module',
      'process_access', 'dns_query', 'pipe_created', 'create_remote_thread', 'file_delete', 'file_access', 'ps_classic_start', 'driver_load',
      'registry_delete', 'create_stream_hash', 'registry_add', 'wmi_event', 'file_rename', 'file_change', 'file_executable_detected',
      'sysmon_error', 'sysmon_status', 'process_tampering', 'raw_access_thread', 'ps_classic_provider_start',
    ];
    for (const c of used) expect(mapping.logsources.some((l) => l.product === 'windows' && l.category === c && !l.service), c).toBe(true);
  });
});
