import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../src/events/event.js';
import { EvtxJsonEvent } from '../../src/events/evtx-json.js';
import { parseXml } from '../../src/sources/xml.js';
import { DATA, dataMissing } from '../helpers.js';
import { fields, readContent } from './read-helper.js';

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

/** A Security 4688 event as `wevtutil qe Security /f:xml` prints it: single-quoted attributes, one event a line. */
function event4688(recordId: number, computer: string, commandLine: string): string {
  return (
    `<Event xmlns='${NS}'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/>` +
    `<EventID>4688</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords>` +
    `<TimeCreated SystemTime='2021-03-03T07:01:02.3456789Z'/><EventRecordID>${recordId}</EventRecordID><Correlation/>` +
    `<Execution ProcessID='4' ThreadID='7512'/><Channel>Security</Channel><Computer>${computer}</Computer><Security/></System>` +
    `<EventData><Data Name='SubjectUserSid'>S-1-5-18</Data><Data Name='NewProcessName'>C:\\Windows\\System32\\cmd.exe</Data>` +
    `<Data Name='CommandLine'>${commandLine}</Data><Data Name='ParentProcessName'>C:\\Windows\\System32\\inetsrv\\w3wp.exe</Data>` +
    `<Data Name='MandatoryLabel'/></EventData></Event>`
  );
}

describe('Windows event XML', () => {
  it('reads a wevtutil stream with the same flat fields and metadata as the EVTX path', () => {
    const { events, warnings } = readContent(
      [event4688(1, 'EXCH01.corp.example', 'cmd.exe /c &quot;whoami &amp; hostname&quot;'), event4688(2, 'EXCH01.corp.example', 'cmd /c ver')].join('\r\n'),
      'security.xml',
    );
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(2);
    const e = events[0]!;
    expect([e.channel, e.eventId, e.provider, e.host, e.time, e.recordId, e.logsource]).toEqual([
      'Security', 4688, 'Microsoft-Windows-Security-Auditing', 'EXCH01.corp.example', '2021-03-03T07:01:02.3456789Z', 1, undefined,
    ]);
    expect(fields(e)).toEqual({
      Provider_Name: 'Microsoft-Windows-Security-Auditing',
      Provider_Guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      EventID: 4688,
      Version: 2,
      Level: 0,
      Task: 13312,
      Opcode: 0,
      Keywords: '0x8020000000000000',
      TimeCreated_SystemTime: '2021-03-03T07:01:02.3456789Z',
      EventRecordID: 1,
      Correlation: null,
      Execution_ProcessID: 4,
      Execution_ThreadID: 7512,
      Channel: 'Security',
      Computer: 'EXCH01.corp.example',
      Security: null,
      SubjectUserSid: 'S-1-5-18',
      NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c "whoami & hostname"',
      ParentProcessName: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      MandatoryLabel: '',
    });
  });

  it('reads Event Viewer "Save as XML" (an <Events> root, RenderingInfo, UTF-16 with a byte order mark)', () => {
    const xml =
      '<?xml version="1.0" encoding="utf-16"?>\r\n<Events>\r\n' +
      `<Event xmlns="${NS}"><System><Provider Name="MSExchange Unified Messaging"/><EventID Qualifiers="49152">1001</EventID>` +
      '<Level>2</Level><Task>0</Task><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime="2021-03-03T07:00:00.000000000Z"/>' +
      '<EventRecordID>91</EventRecordID><Channel>Application</Channel><Computer>EXCH01</Computer><Security/></System>' +
      '<EventData><Data>UM worker</Data><Data>System.InvalidCastException: Unable to cast object</Data><Binary>00FF</Binary></EventData>' +
      '<RenderingInfo Culture="en-US"><Message>The UM worker failed. System.InvalidCastException</Message><Level>Error</Level>' +
      '<Keywords><Keyword>Classic</Keyword></Keywords></RenderingInfo></Event>\r\n</Events>\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    const { events, warnings } = readContent(bytes, 'Application.xml');
    expect(warnings).toEqual([]);
    const e = events[0]!;
    expect([e.eventId, e.channel, e.provider, e.host, e.recordId]).toEqual([1001, 'Application', 'MSExchange Unified Messaging', 'EXCH01', 91]);
    expect(e.get('EventID_Qualifiers')).toBe('49152');
    expect(e.get('Level')).toBe(2); // System's, not RenderingInfo's "Error"
    expect(e.get('Data')).toEqual(['UM worker', 'System.InvalidCastException: Unable to cast object']);
    expect(e.get('Binary')).toBe('00FF');
    expect(e.get('Message')).toBe('The UM worker failed. System.InvalidCastException');
  });

  it('reads UserData events by their leaves, and keeps each forwarded event its own Computer', () => {
    const xml =
      `<Events><Event xmlns="${NS}"><System><Provider Name="Microsoft-Windows-Eventlog"/><EventID>1102</EventID>` +
      '<TimeCreated SystemTime="2021-03-03T08:00:00Z"/><EventRecordID>5</EventRecordID><Channel>Security</Channel><Computer>DC01</Computer></System>' +
      '<UserData><LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog"><SubjectUserName>mallory</SubjectUserName>' +
      '<SubjectDomainName>CORP</SubjectDomainName></LogFileCleared></UserData></Event>' +
      event4688(6, 'WS02', 'cmd') +
      '</Events>';
    const { events } = readContent(xml, 'ForwardedEvents.xml', { defaultHost: 'WEC01' });
    expect(events.map((e) => e.host)).toEqual(['DC01', 'WS02']);
    expect(events[0]!.get('SubjectUserName')).toBe('mallory');
  });

  it('reads Sysmon for Linux from syslog lines, with the Linux logsource by event id', () => {
    const line = (id: number, data: string) =>
      `Feb  1 10:00:00 web01 sysmon: <Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/>` +
      `<EventID>${id}</EventID><Version>5</Version><Level>4</Level><Task>${id}</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>` +
      `<TimeCreated SystemTime="2024-02-01T10:00:00.123456000Z"/><EventRecordID>${100 + id}</EventRecordID><Correlation/>` +
      `<Execution ProcessID="8210" ThreadID="8210"/><Channel>Linux-Sysmon/Operational</Channel><Computer>web01</Computer>` +
      `<Security UserId="0"/></System><EventData>${data}</EventData></Event>`;
    const { events, warnings } = readContent(
      [
        'Feb  1 09:59:59 web01 systemd[1]: Started Session 4 of user root.',
        line(1, '<Data Name="RuleName">-</Data><Data Name="Image">/usr/bin/bash</Data><Data Name="CommandLine">sh -c id</Data><Data Name="ParentImage">/usr/sbin/apache2</Data>'),
        line(11, '<Data Name="TargetFilename">/var/www/html/x.php</Data>'),
        line(4, '<Data Name="State">Started</Data>'),
      ].join('\n'),
      'syslog',
    );
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.logsource)).toEqual([
      { product: 'linux', category: 'process_creation' },
      { product: 'linux', category: 'file_event' },
      { product: 'linux' },
    ]);
    expect(events[0]!.get('ParentImage')).toBe('/usr/sbin/apache2');
    expect(events[1]!.get('TargetFilename')).toBe('/var/www/html/x.php');
  });

  it('reads a damaged event as far as it goes, counts one that is not an event and an export cut off mid-event', () => {
    const { events, warnings } = readContent(
      `<Events>${event4688(1, 'A', 'a')}<Event xmlns="${NS}"><System><EventID>2</EventID></Event><Event><EventData/></Event>` +
        `${event4688(4, 'C', 'c')}<Event><System><EventID>9`,
      'cut.xml',
    );
    // The second event lost its </System> but not its content; the third has no <System> at all.
    expect(events.map((e) => [e.eventId, e.recordId])).toEqual([
      [4688, 1],
      [2, undefined],
      [4688, 4],
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      'line 1: an <Event> that does not parse (<Event> without <System>); skipped',
      'line 1: the file ends inside an <Event> element (truncated?); it is skipped',
    ]);
  });

  it('parses entities, CDATA, comments and prefixed names; reports what is malformed', () => {
    const r = parseXml('<?xml version="1.0"?><!-- c --><e:Event a="&lt;&#65;&#x42;&amp;"><![CDATA[<raw>]]>&unknown;<x/></e:Event>');
    expect(r.error).toBeUndefined();
    expect(r.root?.name).toBe('Event');
    expect(r.root?.attrs).toEqual({ a: '<AB&' });
    expect(r.root?.text).toBe('<raw>&unknown;');
    expect(r.root?.children.map((c) => c.name)).toEqual(['x']);
    expect(parseXml('<a><b></a>').error).toBeUndefined(); // a missing end tag is closed by its parent's
    expect(parseXml('<a><!-- never closed').error).toMatch(/^unclosed comment at character 3$/);
    expect(parseXml('no xml here').error).toBe('no element');
  });
});

const regression = dataMissing('sigma', 'regression_data');
const noEvtxexport = spawnSync('sh', ['-c', 'command -v evtxexport'], { stdio: 'ignore' }).status !== 0 ? 'evtxexport (libevtx-utils) not installed' : undefined;

describe.skipIf(regression ?? noEvtxexport)('event XML against evtx_dump JSON of the same EVTX (SigmaHQ regression data)', () => {
  /** The two tools render a few value types differently; compare what the values are, not how they are spelt. */
  function canonical(v: FieldValue): FieldValue {
    if (v === null || v === undefined) return '';
    if (Array.isArray(v)) return v.map(canonical);
    let s = String(v);
    // libevtx writes GUIDs in braces, evtx_dump without.
    s = s.replace(/^\{([0-9A-Fa-f-]{36})\}$/, '$1');
    // libevtx writes hexadecimal integers zero-padded to their width (0x001fffff), evtx_dump without padding.
    s = s.replace(/^0x0*([0-9a-fA-F]+)$/, (_m, h: string) => `0x${h.toLowerCase()}`);
    // evtx_dump drops trailing white space from string values; libevtx (and Windows) keep it.
    s = s.trimEnd();
    // Times: evtx_dump to microseconds, libevtx to 100 ns with trailing zeros.
    const t = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(s);
    if (t) s = `${t[1]}.${((t[2] ?? '') + '000000').slice(0, 6)}Z`;
    return s;
  }

  function evtxFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? evtxFiles(p) : n.endsWith('.evtx') ? [p] : [];
    });
  }

  it('gives every record the same flat fields from evtxexport XML as from evtx_dump JSON', () => {
    const files = evtxFiles(join(DATA, 'sigma', 'regression_data'));
    let compared = 0;
    const differences: string[] = [];
    for (const evtx of files) {
      const jsonPath = evtx.replace(/\.evtx$/, '.json');
      const docs = readFileSync(jsonPath, 'utf8').split(/\n(?=\{)/).filter((s) => s.trim()).map((s) => JSON.parse(s) as never);
      const byRecord = new Map(docs.map((d) => new EvtxJsonEvent(d)).map((e) => [e.recordId, e]));
      const xml = spawnSync('evtxexport', ['-f', 'xml', evtx], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
      const { events, warnings } = readContent(xml, 'export.xml');
      expect(warnings, evtx).toEqual([]);
      for (const e of events) {
        const want = byRecord.get(e.recordId);
        if (!want) continue; // a record libevtx recovers that evtx_dump does not
        const a = Object.fromEntries([...e.entries()].map(([k, v]) => [k, canonical(v)]));
        const b = Object.fromEntries([...want.entries()].map(([k, v]) => [k, canonical(v)]));
        for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
          if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) differences.push(`${evtx}#${e.recordId} ${k}: xml ${JSON.stringify(a[k])} json ${JSON.stringify(b[k])}`);
        }
        expect([e.channel, e.eventId, e.host], evtx).toEqual([want.channel, want.eventId, want.host]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
    expect(differences).toEqual([]);
  });
});
