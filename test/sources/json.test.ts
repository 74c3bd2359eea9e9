import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvtxJsonEvent } from '../../src/events/evtx-json.js';
import { DATA, dataMissing } from '../helpers.js';
import { fields, readContent, readFile } from './read-helper.js';

/** An evtx_dump document of a Sysmon process creation, built the way evtx_dump renders one. */
function sysmonDoc(recordId: number, commandLine: string, computer = 'WS01.corp.example') {
  return {
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
        EventID: 1,
        Version: 5,
        Level: 4,
        Task: 1,
        Opcode: 0,
        Keywords: '0x8000000000000000',
        TimeCreated: { '#attributes': { SystemTime: '2021-03-03T07:01:02.345678Z' } },
        EventRecordID: recordId,
        Correlation: null,
        Execution: { '#attributes': { ProcessID: 3208, ThreadID: 1724 } },
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: computer,
        Security: { '#attributes': { UserID: 'S-1-5-18' } },
      },
      EventData: {
        RuleName: '-',
        UtcTime: '2021-03-03 07:01:02.340',
        ProcessId: 4460,
        Image: 'C:\\Windows\\System32\\cmd.exe',
        CommandLine: commandLine,
        ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      },
    },
  };
}

describe('JSON: evtx_dump output', () => {
  it('reads JSONL, one event a line, with the EVTX field names and metadata', () => {
    const { events, warnings } = readContent(
      [JSON.stringify(sysmonDoc(10, 'cmd /c whoami')), JSON.stringify(sysmonDoc(11, 'cmd /c net group "domain admins" /domain'))].join('\n') + '\n',
      'sysmon.jsonl',
    );
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(2);
    const e = events[1]!;
    expect([e.channel, e.eventId, e.provider, e.host, e.time, e.recordId, e.logsource]).toEqual([
      'Microsoft-Windows-Sysmon/Operational', 1, 'Microsoft-Windows-Sysmon', 'WS01.corp.example', '2021-03-03T07:01:02.345678Z', 11, undefined,
    ]);
    expect(e.get('CommandLine')).toBe('cmd /c net group "domain admins" /domain');
    expect(e.get('Provider_Name')).toBe('Microsoft-Windows-Sysmon');
    expect(e.get('Execution_ProcessID')).toBe(3208);
  });

  it("reads evtx_dump's default output: pretty documents with `Record N` lines between them", () => {
    const text = [1, 2, 3].map((n) => `Record ${n}\n${JSON.stringify(sysmonDoc(n, `cmd /c echo ${n}`), null, 2)}`).join('\n');
    const { events, warnings } = readContent(text, 'dump.txt');
    expect(warnings).toEqual([]);
    expect(events.map((e) => [e.recordId, e.get('CommandLine')])).toEqual([
      [1, 'cmd /c echo 1'],
      [2, 'cmd /c echo 2'],
      [3, 'cmd /c echo 3'],
    ]);
  });

  it('reads a JSON array of documents, and a pretty stream in UTF-16 with a byte order mark', () => {
    const array = readContent(JSON.stringify([sysmonDoc(1, 'a'), sysmonDoc(2, 'b')], null, 1), 'events.json');
    expect(array.events.map((e) => e.get('CommandLine'))).toEqual(['a', 'b']);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${JSON.stringify(sysmonDoc(7, 'naïve — ünïcode'), null, 2)}\n`, 'utf16le')]);
    const u = readContent(utf16, 'export.json');
    expect(u.warnings).toEqual([]);
    expect(u.events.map((e) => e.get('CommandLine'))).toEqual(['naïve — ünïcode']);
  });

  it('keeps each forwarded event its own host (WEF ForwardedEvents), whatever default host is given', () => {
    const { events } = readContent(
      [sysmonDoc(1, 'a', 'DC01.corp.example'), sysmonDoc(2, 'b', 'WS07.corp.example')].map((d) => JSON.stringify(d)).join('\n'),
      'ForwardedEvents.jsonl',
      { defaultHost: 'COLLECTOR' },
    );
    expect(events.map((e) => e.host)).toEqual(['DC01.corp.example', 'WS07.corp.example']);
  });
});

describe('JSON: Winlogbeat and Elastic Agent (ECS)', () => {
  const ecs = {
    '@timestamp': '2021-03-03T07:01:02.345Z',
    agent: { type: 'winlogbeat', version: '8.12.0', hostname: 'ws01' },
    host: { name: 'ws01.corp.example' },
    event: { code: '1', kind: 'event', provider: 'Microsoft-Windows-Sysmon', module: 'sysmon' },
    log: { level: 'information' },
    message: 'Process Create:\nRuleName: -\n…',
    process: { command_line: 'cmd /c whoami', pid: 4460 },
    winlog: {
      api: 'wineventlog',
      channel: 'Microsoft-Windows-Sysmon/Operational',
      computer_name: 'WS01.corp.example',
      event_id: '1',
      provider_name: 'Microsoft-Windows-Sysmon',
      provider_guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      record_id: 12345,
      process: { pid: 3208, thread: { id: 1724 } },
      user: { identifier: 'S-1-5-18', name: 'SYSTEM', domain: 'NT AUTHORITY', type: 'User' },
      version: 5,
      task: 'Process Create (rule: ProcessCreate)',
      opcode: 'Info',
      event_data: {
        RuleName: '-',
        Image: 'C:\\Windows\\System32\\cmd.exe',
        CommandLine: 'cmd /c whoami',
        ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
        ProcessId: '4460',
      },
    },
  };

  it('flattens winlog.* to the EVTX names so the same rules apply; ECS paths still answer', () => {
    const { events, warnings } = readContent(JSON.stringify(ecs) + '\n', 'winlogbeat.ndjson');
    expect(warnings).toEqual([]);
    const e = events[0]!;
    expect([e.channel, e.eventId, e.provider, e.host, e.time, e.recordId]).toEqual([
      'Microsoft-Windows-Sysmon/Operational', 1, 'Microsoft-Windows-Sysmon', 'WS01.corp.example', '2021-03-03T07:01:02.345Z', 12345,
    ]);
    expect(fields(e)).toEqual({
      Provider_Name: 'Microsoft-Windows-Sysmon',
      Provider_Guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      EventID: 1,
      Version: 5,
      Level: 4,
      TimeCreated_SystemTime: '2021-03-03T07:01:02.345Z',
      EventRecordID: 12345,
      Execution_ProcessID: 3208,
      Execution_ThreadID: 1724,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'WS01.corp.example',
      Security_UserID: 'S-1-5-18',
      RuleName: '-',
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd /c whoami',
      ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      ProcessId: '4460',
    });
    expect(e.get('winlog.event_data.CommandLine')).toBe('cmd /c whoami');
    expect(e.get('process.command_line')).toBe('cmd /c whoami');
    expect(e.get('winlog.user.name')).toBe('SYSTEM');
  });

  it('unwraps Elasticsearch hits, reads dotted keys, and reads Winlogbeat 6 documents', () => {
    const hit = { _index: 'winlogbeat-8', _id: 'x', _source: { ...ecs, 'winlog.extra': 'flat key' } };
    const legacy = {
      '@timestamp': '2019-05-01T10:00:00.000Z',
      computer_name: 'DC01.corp.example',
      event_id: 4688,
      log_name: 'Security',
      source_name: 'Microsoft-Windows-Security-Auditing',
      record_number: '991',
      level: 'Information',
      event_data: { NewProcessName: 'C:\\Windows\\System32\\ntdsutil.exe', CommandLine: 'ntdsutil "ac i ntds" ifm' },
    };
    const { events } = readContent([hit, legacy].map((d) => JSON.stringify(d)).join('\n'), 'export.json');
    expect(events[0]!.get('CommandLine')).toBe('cmd /c whoami');
    expect(events[0]!.get('winlog.extra')).toBe('flat key');
    expect([events[1]!.channel, events[1]!.eventId, events[1]!.host, events[1]!.recordId, events[1]!.get('Level')]).toEqual([
      'Security', 4688, 'DC01.corp.example', 991, 4,
    ]);
    expect(events[1]!.get('NewProcessName')).toBe('C:\\Windows\\System32\\ntdsutil.exe');
  });

  it("takes a UserData field named like a System one as the event's own, as the EVTX path does (event 104)", () => {
    const cleared = {
      '@timestamp': '2021-03-03T07:01:02.345Z',
      winlog: {
        channel: 'System',
        event_id: 104,
        provider_name: 'Microsoft-Windows-Eventlog',
        computer_name: 'WS01',
        user_data: { SubjectUserName: 'user01', Channel: 'Microsoft-Windows-Sysmon/Operational', BackupPath: '', xml_name: 'LogFileCleared' },
      },
    };
    const [e] = readContent(JSON.stringify(cleared), 'winlogbeat.ndjson').events;
    expect([e!.channel, e!.get('Channel'), e!.get('SubjectUserName')]).toEqual(['System', 'Microsoft-Windows-Sysmon/Operational', 'user01']);
  });
});

describe('JSON: Sysmon for Linux and generic documents', () => {
  it('reads Sysmon for Linux as collectors ship it: XML converted to JSON, or the XML in `message`', () => {
    const converted = {
      Event: {
        System: {
          Provider: { '@Name': 'Linux-Sysmon', '@Guid': '{ff032593-a8d3-4f13-b0d6-01fc615a0f97}' },
          EventID: '1',
          Channel: 'Linux-Sysmon/Operational',
          Computer: 'web01',
          TimeCreated: { '@SystemTime': '2024-02-01T10:00:00.123456000Z' },
          EventRecordID: '77',
        },
        EventData: {
          Data: [
            { '@Name': 'ParentImage', '#text': '/usr/sbin/apache2' },
            { '@Name': 'Image', '#text': '/usr/bin/bash' },
            { '@Name': 'CommandLine', '#text': 'sh -c id' },
          ],
        },
      },
    };
    const xml =
      '<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>3</EventID><Version>5</Version>' +
      '<Channel>Linux-Sysmon/Operational</Channel><Computer>web02</Computer><TimeCreated SystemTime="2024-02-01T10:00:01.000000000Z"/>' +
      '<EventRecordID>78</EventRecordID></System><EventData><Data Name="Image">/usr/bin/nc</Data><Data Name="DestinationPort">4444</Data></EventData></Event>';
    const syslogJson = { '@timestamp': '2024-02-01T10:00:01Z', host: { name: 'web02' }, message: xml };
    const { events, warnings } = readContent([converted, syslogJson].map((d) => JSON.stringify(d)).join('\n'), 'sysmon-linux.json');
    expect(warnings).toEqual([]);
    expect(events[0]!.logsource).toEqual({ product: 'linux', category: 'process_creation' });
    expect([events[0]!.eventId, events[0]!.host, events[0]!.recordId, events[0]!.get('Provider_Name')]).toEqual([1, 'web01', 77, 'Linux-Sysmon']);
    expect(events[0]!.get('ParentImage')).toBe('/usr/sbin/apache2');
    expect(events[0]!.get('CommandLine')).toBe('sh -c id');
    expect(events[1]!.logsource).toEqual({ product: 'linux', category: 'network_connection' });
    expect(events[1]!.get('DestinationPort')).toBe('4444');
    expect(events[1]!.host).toBe('web02');
  });

  it('reads any other JSON by dotted paths, with its time and host when it names them, and no hint', () => {
    const { events, warnings } = readContent(
      '{"ts": 1614754862.5, "hostname": "app01", "http": {"method": "POST", "path": "/upload"}, "tags": ["a", "b"]}\n[1, 2]\n{"broken": \n',
      'app.jsonl',
    );
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect([e.time, e.host, e.logsource, e.recordId]).toEqual(['2021-03-03T07:01:02.500Z', 'app01', undefined, 1]);
    expect(fields(e)).toEqual({ ts: 1614754862.5, hostname: 'app01', 'http.method': 'POST', 'http.path': '/upload', tags: ['a', 'b'] });
    expect(e.get('http.method')).toBe('POST');
    expect(warnings.map((w) => w.message.replace(/\(.*\)/, '(…)'))).toEqual([
      'line 2: a JSON number, not an object; skipped',
      'line 2: a JSON number, not an object; skipped',
      'line 3: not valid JSON (…); skipped',
    ]);
  });
});

const regression = dataMissing('sigma', 'regression_data');
describe.skipIf(regression)('SigmaHQ regression data: evtx_dump JSON files', () => {
  function jsonFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? jsonFiles(p) : n.endsWith('.json') ? [p] : [];
    });
  }

  it('reads every document of every file, with the fields EvtxJsonEvent gives the same document', () => {
    const files = jsonFiles(join(DATA, 'sigma', 'regression_data'));
    expect(files.length).toBeGreaterThan(100);
    let total = 0;
    for (const f of files) {
      // An independent split: these files put each document's braces at the start of a line.
      const docs = readFileSync(f, 'utf8').split(/\n(?=\{)/).filter((s) => s.trim()).map((s) => JSON.parse(s) as never);
      const { events, warnings } = readFile(f);
      expect(warnings, f).toEqual([]);
      expect(events.length, f).toBe(docs.length);
      events.forEach((e, i) => {
        const want = new EvtxJsonEvent(docs[i]!);
        expect(fields(e), `${f} #${i}`).toEqual(fields(want));
        expect([e.channel, e.eventId, e.host, e.time, e.recordId], `${f} #${i}`).toEqual([want.channel, want.eventId, want.host, want.time, want.recordId]);
      });
      total += events.length;
    }
    expect(total).toBeGreaterThan(files.length);
  });
});
