import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/events/event.js';
import type { InputFile } from '../../src/sources/walk.js';
import { sniffFormat, type SourceFormat } from '../../src/sources/sniff.js';
import { readContent } from './read-helper.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('sniffFormat: the content decides, the name only breaks ties', () => {
  const cases: [string, string | Uint8Array, string, SourceFormat][] = [
    ['EVTX file header', new Uint8Array([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00, 1, 2]), 'x.bin', 'evtx'],
    ['a lone EVTX chunk', new Uint8Array([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00, 0, 0]), 'carved', 'evtx'],
    ['binary named .evtx (a damaged header)', new Uint8Array(200).fill(7), 'Security.evtx', 'evtx'],
    ['binary under another name', new Uint8Array(200).fill(7), 'blob.dat', 'unknown'],
    ['JSONL', '{"a":1}\n{"a":2}\n', 'x.txt', 'json-lines'],
    ['pretty JSON', '{\n  "Event": {}\n}\n', 'x.log', 'json-stream'],
    ['JSON array', '[{"a":1},\n{"a":2}]', 'x', 'json-stream'],
    ['evtx_dump text output', 'Record 1\n{\n "Event": {}\n}\n', 'dump.txt', 'json-stream'],
    ['event XML with root', '<?xml version="1.0"?>\n<Events><Event xmlns="x"><System/></Event></Events>', 'a.xml', 'event-xml'],
    ['other XML', '<?xml version="1.0"?>\n<config><a/></config>', 'a.xml', 'unknown'],
    ['Sysmon for Linux syslog', 'Feb 1 10:00:00 h sysmon: <Event><System><EventID>1</EventID></System></Event>\n', 'syslog', 'event-xml'],
    ['IIS W3C', '#Software: Microsoft Internet Information Services 10.0\n#Fields: date time cs-method\n', 'u_ex1.log', 'w3c'],
    ['headerless IIS lines', '2021-03-05 03:06:27 10.0.0.5 GET /owa/ - 443 - 1.2.3.4 UA - 200 0 0 1\n', 'x.log', 'w3c'],
    ['Exchange log', '#Software: Microsoft Exchange Server\n#Version: 15.01\n#Log-type: HttpProxy Logs\n', 'x.LOG', 'csv'],
    ['Exchange log, plain header first', 'DateTime,RequestId\n#Software: Microsoft Exchange Server\n#Fields: DateTime,RequestId\n', 'x.LOG', 'csv'],
    ['PowerShell Export-Csv', '#TYPE System.Management.Automation.PSCustomObject\n"A","B"\n', 'x.csv', 'csv'],
    ['plain CSV', 'name,value\na,1\n', 'x.txt', 'csv'],
    ['CSV under a line of preamble', 'C:\\logs\\HttpProxy.LOG\nname,value\na,1\n', 'x.txt', 'csv'],
    ['Export-Csv under a line of preamble', 'C:\\logs\\HttpProxy.LOG\n#TYPE Selected.System.Object\n"A","B"\n', 'x.csv', 'csv'],
    ['Apache combined', '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "x"\n', 'access', 'access-log'],
    ['IIS native', '1.2.3.4, -, 03/20/01, 7:55:20, W3SVC2, SERVER, 5.6.7.8, 1, 2, 3, 200, 0, GET, /a, -,\n', 'in.log', 'iis-native'],
    ['free text', 'hello world\nthis is not a log\n', 'notes.txt', 'unknown'],
    ['empty file', '', 'empty.log', 'unknown'],
  ];
  for (const [what, content, path, want] of cases) {
    it(what, () => {
      expect(sniffFormat(typeof content === 'string' ? enc(content) : content, path).format).toBe(want);
    });
  }

  it('detects UTF-16 with and without a byte order mark', () => {
    const le = Buffer.from('#Software: Microsoft Internet Information Services 10.0\r\n', 'utf16le');
    expect(sniffFormat(Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'x')).toEqual({ format: 'w3c', encoding: 'utf-16le' });
    expect(sniffFormat(le, 'x')).toEqual({ format: 'w3c', encoding: 'utf-16le' });
    const be = Buffer.from(le).swap16();
    expect(sniffFormat(be, 'x')).toEqual({ format: 'w3c', encoding: 'utf-16be' });
  });
});

describe('readEvents: unknown formats and the EVTX slot', () => {
  it('warns once, naming the file, for content of no known format', () => {
    const r = readContent('just some notes\n', 'notes.txt');
    expect(r.events).toEqual([]);
    expect(r.warnings).toEqual([{ code: 'INPUT_FORMAT', file: r.path, message: 'not a log format hardnut reads' }]);
    expect(readContent('just some notes\n', 'notes.txt', { warnUnknown: false }).warnings).toEqual([]);
  });

  it('hands EVTX files to the connected EVTX reader, and says so when none is connected', () => {
    const evtx = new Uint8Array([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00, 9, 9, 9]);
    const unconnected = readContent(evtx, 'Security.evtx');
    expect(unconnected.warnings.map((w) => [w.code, w.message])).toEqual([['INPUT_FORMAT', 'an EVTX file, but no EVTX reader is connected; not read']]);
    const seen: InputFile[] = [];
    const fake = { get: () => 'x' } as unknown as EventRecord;
    const connected = readContent(evtx, 'renamed.bin', { evtx: (f) => (seen.push(f), [fake]) });
    expect(connected.events).toEqual([fake]);
    expect(seen.map((f) => f.path)).toEqual([connected.path]);
  });
});
