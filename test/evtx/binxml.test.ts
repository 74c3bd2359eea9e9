/**
 * Tokens and value types on hand-built bytes (test/evtx/build.ts): every scalar type, arrays of each, and the tokens
 * real samples rarely hold (CDATA, character and entity references, processing instructions, optional
 * substitutions, embedded binary XML), in both renderings.
 */
import { describe, expect, it } from 'vitest';
import { EvtxError, readEvtx, type EvtxProblem, type EvtxRecord } from '../../src/evtx/index.js';
import { binxml, cdata, charRef, el, entityRef, evtxFile, piData, piTarget, subst, text, v, type PlacedValue, type Tok, type Value } from './build.js';

const NS: [string, Tok[]][] = [['xmlns', [text('http://schemas.microsoft.com/win/2004/08/events/event')]]];

function one(body: Tok[], values: (Value | PlacedValue)[]): EvtxRecord {
  const problems: EvtxProblem[] = [];
  const records = [...readEvtx(evtxFile([{ body, values }]), (p) => problems.push(p))];
  expect(problems).toEqual([]);
  expect(records).toHaveLength(1);
  return records[0]!;
}

/** `<Event><EventData><Data Name="n0">%0</Data>…</EventData></Event>` over the given values. */
function eventData(values: Value[]): EvtxRecord {
  const data = values.flatMap((_, i) => el('Data', [['Name', [text(`n${i}`)]]], subst(i, values[i]!.type)));
  return one(el('Event', NS, ...el('EventData', [], ...data)), values);
}

const guid = [0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9];
const sid = [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0]; // S-1-5-32-544
const filetime = v.le(Number(0x01d4a4a45d0a6000n), 8); // 2019-01-05T03:11:34.3139840Z
const systemtime = new Uint8Array(new Uint16Array([2019, 3, 0, 9, 18, 35, 36, 7]).buffer);

describe('value types', () => {
  const values: Value[] = [
    v.str('text'),
    v.raw(0x02, [0x61, 0x6e, 0x73, 0x69, 0]),
    v.int(0x03, -5, 1),
    v.int(0x04, 250, 1),
    v.int(0x05, -300, 2),
    v.int(0x06, 65000, 2),
    v.int(0x07, -70000, 4),
    v.int(0x08, 4000000000, 4),
    v.int(0x09, -(2n ** 40n), 8),
    v.int(0x0a, 2n ** 64n - 1n, 8),
    v.raw(0x0b, new Uint8Array(new Float32Array([1.5]).buffer)),
    v.raw(0x0c, new Uint8Array(new Float64Array([0.1]).buffer)),
    v.int(0x0d, 1, 4),
    v.raw(0x0e, [0xde, 0xad, 0x01]),
    v.raw(0x0f, guid),
    v.int(0x10, 0x7eec, 8),
    v.raw(0x11, filetime),
    v.raw(0x12, systemtime),
    v.raw(0x13, sid),
    v.int(0x14, 0x1f, 4),
    v.int(0x15, 0x3e7, 8),
    v.int(0x0d, 0, 4),
    v.int(0x0a, 7, 8),
  ];

  it('renders each as evtx_dump does: integers and booleans typed, the rest as its text', () => {
    const r = eventData(values);
    const line = r.json();
    expect(line).toContain('"n9":18446744073709551615'); // exact beyond 2^53
    const ev = (JSON.parse(line) as { Event: { EventData: Record<string, unknown> } }).Event.EventData;
    expect(ev).toEqual({
      n0: 'text',
      n1: 'ansi',
      n2: -5,
      n3: 250,
      n4: -300,
      n5: 65000,
      n6: -70000,
      n7: 4000000000,
      n8: -(2 ** 40),
      n9: 2 ** 64, // JSON.parse rounds; the line itself holds the exact digits (above)
      n10: '1.5',
      n11: '0.1',
      n12: true,
      n13: 'DEAD01',
      n14: '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
      n15: '0x7eec',
      n16: '2019-01-05T03:11:34.313984Z',
      n17: '2019-03-09T18:35:36.007000Z',
      n18: 'S-1-5-32-544',
      n19: '0x1f',
      n20: '0x3e7',
      n21: false,
      n22: 7,
    });
  });

  it('renders each in the Windows (libevtx) spelling in XML', () => {
    const xml = eventData(values).xml();
    for (const [n, want] of [
      [0, 'text'],
      [7, '4000000000'],
      [9, '18446744073709551615'],
      [12, 'true'],
      [14, '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'],
      [15, '32492'],
      [16, '2019-01-05T03:11:34.313984000Z'],
      [17, '2019-03-09T18:35:36.007Z'],
      [18, 'S-1-5-32-544'],
      [19, '0x0000001f'],
      [20, '0x00000000000003e7'],
    ] as const) {
      expect(xml).toContain(`<Data Name="n${n}">${want}</Data>`);
    }
    expect(xml.startsWith('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">\n  <EventData>\n')).toBe(true);
  });
});

describe('arrays', () => {
  const arrays: [string, Value, unknown[], string[]][] = [
    ['strings', v.concat(0x81, [v.str('a\0').bytes, v.str('\0').bytes, v.str('c\0').bytes]), ['a', '', 'c'], ['a', '', 'c']],
    ['int8', v.raw(0x83, [0xff, 1]), [-1, 1], ['-1', '1']],
    ['uint8', v.raw(0x84, [0xff, 1]), [255, 1], ['255', '1']],
    ['int16', v.concat(0x85, [v.le(-2, 2), v.le(3, 2)]), [-2, 3], ['-2', '3']],
    ['uint16', v.concat(0x86, [v.le(65535, 2), v.le(3, 2)]), [65535, 3], ['65535', '3']],
    ['int32', v.concat(0x87, [v.le(-2, 4), v.le(3, 4)]), [-2, 3], ['-2', '3']],
    ['uint32', v.concat(0x88, [v.le(4e9, 4), v.le(3, 4)]), [4e9, 3], ['4000000000', '3']],
    ['int64', v.concat(0x89, [v.le(-2, 8), v.le(3, 8)]), [-2, 3], ['-2', '3']],
    ['uint64', v.concat(0x8a, [v.le(2 ** 40, 8), v.le(3, 8)]), [2 ** 40, 3], ['1099511627776', '3']],
    ['real32', v.raw(0x8b, new Uint8Array(new Float32Array([0.5, 2]).buffer)), ['0.5', '2.0'], ['0.5', '2.0']],
    ['real64', v.raw(0x8c, new Uint8Array(new Float64Array([0.25, -1]).buffer)), ['0.25', '-1.0'], ['0.25', '-1.0']],
    ['bool', v.concat(0x8d, [v.le(1, 4), v.le(0, 4)]), [true, false], ['true', 'false']],
    ['guid', v.raw(0x8f, [...guid, ...guid]), ['5770385F-C22A-43E0-BF4C-06F5698FFBD9', '5770385F-C22A-43E0-BF4C-06F5698FFBD9'], ['{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}']],
    ['size_t', v.concat(0x90, [v.le(16, 8), v.le(17, 8)]), ['0x10', '0x11'], ['16', '17']],
    ['filetime', v.concat(0x91, [filetime, filetime]), ['2019-01-05T03:11:34.313984Z', '2019-01-05T03:11:34.313984Z'], ['2019-01-05T03:11:34.313984000Z', '2019-01-05T03:11:34.313984000Z']],
    ['systemtime', v.concat(0x92, [systemtime, systemtime]), ['2019-03-09T18:35:36.007000Z', '2019-03-09T18:35:36.007000Z'], ['2019-03-09T18:35:36.007Z', '2019-03-09T18:35:36.007Z']],
    ['sid', v.raw(0x93, [...sid, 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]), ['S-1-5-32-544', 'S-1-5-18'], ['S-1-5-32-544', 'S-1-5-18']],
    ['hex32', v.concat(0x94, [v.le(255, 4), v.le(1, 4)]), ['0xff', '0x1'], ['0x000000ff', '0x00000001']],
    ['hex64', v.concat(0x95, [v.le(255, 8), v.le(1, 8)]), ['0xff', '0x1'], ['0x00000000000000ff', '0x0000000000000001']],
  ];

  for (const [name, value, json, xml] of arrays) {
    it(`an array of ${name} repeats its element once per item`, () => {
      const r = one(el('Event', NS, ...el('EventData', [], ...el('Data', [], subst(0, value.type)))), [value]);
      const doc = JSON.parse(r.json()) as { Event: { EventData: { Data: { '#text': unknown[] } } } };
      expect(doc.Event.EventData.Data['#text']).toEqual(json);
      const items = [...r.xml().matchAll(/<Data(?:\/>|>([^<]*)<\/Data>)/g)].map((m) => m[1] ?? '');
      expect(items).toEqual(xml);
    });
  }

  it('a one-item array is its item; an empty array drops its element from the XML', () => {
    const r = one(el('Event', NS, ...el('A', [], subst(0, 0x87)), ...el('B', [], subst(1, 0x81))), [v.raw(0x87, v.le(7, 4)), v.raw(0x81, [])]);
    expect(JSON.parse(r.json())).toEqual({ Event: { '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' }, A: '7', B: null } });
    expect(r.xml()).toContain('<A>7</A>');
    expect(r.xml()).not.toContain('<B');
  });

  it('repeated elements get _1, _2 suffixes in JSON', () => {
    const r = one(el('Event', NS, ...el('H', [], subst(0, 0x81))), [v.concat(0x81, [v.str('x\0').bytes, v.str('y\0').bytes, v.str('z\0').bytes])]);
    expect(JSON.parse(r.json()).Event).toMatchObject({ H: 'x', H_1: 'y', H_2: 'z' });
  });
});

describe('tokens', () => {
  it('character and entity references, CDATA and processing instructions', () => {
    const body = el('Event', NS, ...el('T', [], text('a'), charRef(0x41), entityRef('amp'), cdata('<c>'), piTarget('pi'), piData('d')));
    const r = one(body, []);
    expect(JSON.parse(r.json()).Event.T).toBe('a&#65;&amp;<c>');
    expect(r.xml()).toContain('<T>a&#65;&amp;<![CDATA[<c>]]><?pi d?></T>');
  });

  it('optional substitutions that are empty vanish; normal ones leave null or empty', () => {
    const body = el(
      'Event',
      NS,
      ...el('Correlation', [['ActivityID', [subst(0, 0x0f, true)]]]),
      ...el('Opt', [], subst(1, 0x01, true)),
      ...el('Norm', [], subst(2, 0x01)),
      ...el('EventData', [], ...el('Data', [['Name', [text('Empty')]]], subst(2, 0x01))),
    );
    const r = one(body, [v.raw(0x00, []), v.raw(0x00, []), v.str('')]);
    expect(JSON.parse(r.json()).Event).toMatchObject({ Correlation: null, Opt: null, Norm: null, EventData: { Empty: '' } });
    const xml = r.xml();
    expect(xml).toContain('<Correlation/>');
    expect(xml).not.toContain('<Opt');
    expect(xml).toContain('<Norm/>');
  });

  it('attributes and text beside elements: #attributes and #text', () => {
    const body = el('Event', NS, ...el('EventID', [['Qualifiers', [subst(0, 0x06)]]], subst(1, 0x06)), ...el('M', [], text('t'), ...el('C', [], text('c'))));
    const r = one(body, [v.int(0x06, 16384, 2), v.int(0x06, 4624, 2)]);
    expect(JSON.parse(r.json()).Event).toMatchObject({ EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 4624 }, M: { '#text': 't', C: 'c' } });
    expect(r.xml()).toContain('<EventID Qualifiers="16384">4624</EventID>');
  });

  it('embedded binary XML values (0x21) graft in their own templated elements', () => {
    const inner = binxml(el('Inner', [['k', [subst(0, 0x08)]]], subst(1, 0x01)), [v.int(0x08, 42, 4), v.str('deep')]);
    const r = one(el('Event', NS, ...el('UserData', [], subst(0, 0x21))), [inner]);
    expect(JSON.parse(r.json()).Event.UserData).toEqual({ Inner: { '#attributes': { k: 42 }, '#text': 'deep' } });
    expect(r.xml()).toContain('<Inner k="42">deep</Inner>');
  });

  it('unnamed Data elements gather under Data.#text', () => {
    const data = [0, 1].flatMap((i) => el('Data', [], subst(i, 0x01)));
    const r = one(el('Event', NS, ...el('EventData', [], ...data)), [v.str('x'), v.str('')]);
    expect(JSON.parse(r.json()).Event.EventData).toEqual({ Data: { '#text': ['x', ''] } });
  });

  it('escapes XML special characters in text and attributes', () => {
    const r = one(el('Event', NS, ...el('A', [['q', [subst(0, 0x01)]]], subst(0, 0x01))), [v.str('<"&>')]);
    expect(r.xml()).toContain('<A q="&lt;&quot;&amp;&gt;">&lt;"&amp;&gt;</A>');
    expect(JSON.parse(r.json()).Event.A).toEqual({ '#attributes': { q: '<"&>' }, '#text': '<"&>' });
  });
});

describe('damaged binary XML', () => {
  it('an unknown token is an EvtxError with its offset, not a crash', () => {
    const bad: Tok = (w) => w.u8(0x1f);
    const r = one(el('Event', NS, bad), []);
    expect(() => r.json()).toThrow(EvtxError);
    try {
      r.xml();
    } catch (e) {
      expect((e as EvtxError).offset).toBeGreaterThan(512);
      expect((e as EvtxError).message).toMatch(/unknown token 0x1f/);
    }
  });

  it('an element left open is reported, not guessed', () => {
    const r = one([...el('Event', NS, text('x')).slice(0, -1)], []);
    expect(() => r.json()).toThrow(/still open/);
  });

  it('a substitution index beyond the values renders as nothing', () => {
    const r = one(el('Event', NS, ...el('A', [], subst(5, 0x01))), []);
    expect(JSON.parse(r.json()).Event.A).toBeNull();
  });
});

describe('ANSI strings', () => {
  it('are read as Windows-1252, as both references do', () => {
    const r = eventData([v.raw(0x02, [0x80, 0x20, 0xe9, 0])]);
    expect(JSON.parse(r.json()).Event.EventData.n0).toBe('€ é');
  });
});
