/**
 * Hostile input: whatever the bytes, reading never throws, every skip is counted, memory stays bounded by the record
 * cap, and the way a file is cut into chunks never changes what is read. Property-based (fast-check), time-bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/core/diagnostics.js';
import type { EventRecord } from '../../src/events/event.js';
import { eventsFromChunks, type TextFormat } from '../../src/sources/pipeline.js';
import { FileProblems } from '../../src/sources/problems.js';
import { fields, readContent } from './read-helper.js';

const TIME_LIMIT_MS = 4000;
const opts = { numRuns: 200, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false } as const;

function run(text: string, format: TextFormat, chunk = 1 << 20, maxRecordChars = 1 << 20) {
  const d = new Diagnostics(0);
  const problems = new FileProblems(d, 'input');
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunk) chunks.push(text.slice(i, i + chunk));
  const events = [...eventsFromChunks(chunks, format, { file: 'input', problems, maxRecordChars })];
  return { events, problems: problems.count };
}

/** Touch everything an engine would: metadata, every field, a few lookups. */
function touch(events: EventRecord[]): number {
  let n = 0;
  for (const e of events) {
    n += [e.host, e.time, e.recordId, e.channel, e.eventId, e.provider, e.logsource].length;
    for (const [k, v] of e.entries()) n += k.length + (v === null ? 0 : 1);
    for (const f of ['CommandLine', 'cs-uri-stem', 'c-uri', 'cs-user-agent', 'a.b.c', 'message']) void e.get(f);
  }
  return n;
}

const SAMPLES: Record<TextFormat, string> = {
  w3c: '#Fields: date time cs-method cs-uri-stem cs-uri-query c-ip cs(User-Agent) sc-status\n2021-03-03 06:49:42 GET /a b=1 1.2.3.4 UA+x 200\n2021-03-03 06:49:43 POST /b - 1.2.3.5 - 404\n',
  csv: '#Software: Microsoft Exchange Server\n#Log-type: HttpProxy Logs\n#Fields: DateTime,UrlStem,AnchorMailbox,UserAgent\n2021-03-03T06:49:42.162Z,/ecp/x.js,"ServerInfo~a]@h:444/x?#","a ""b"", c"\n2021-03-03T06:49:43.000Z,/owa/,Smtp:a@b,ua\n',
  'access-log': '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a?b=1 HTTP/1.0" 200 2326 "-" "ua \\"x\\""\n1.2.3.5 - u [10/Oct/2000:13:55:37 +0000] "POST / HTTP/1.1" 500 - "r" "ua"\n',
  'iis-native': '1.2.3.4, -, 03/20/01, 7:55:20, W3SVC2, SERVER, 5.6.7.8, 1, 2, 3, 200, 0, GET, /a, -,\n',
  'json-lines': '{"Event":{"System":{"EventID":1,"Channel":"c","Computer":"h"},"EventData":{"CommandLine":"x"}}}\n{"winlog":{"event_id":"4688","channel":"Security","event_data":{"CommandLine":"y"}},"@timestamp":"2021-03-03T00:00:00Z"}\n{"a":{"b":{"c":[1,2]}}}\n',
  'json-stream': '[\n{"Event":{"System":{"EventID":1},"EventData":{"Data":{"#text":["a","b"]}}}},\n{"x": "y\\"}{"}\n]\nRecord 2\n{\n "z": 1\n}\n',
  'event-xml': '<Events><Event xmlns="x"><System><EventID>1</EventID><Computer>h</Computer></System><EventData><Data Name="a">&lt;b&gt;</Data></EventData></Event>\n<Event><System><EventID>2</EventID></System></Event></Events>',
};
const FORMATS = Object.keys(SAMPLES) as TextFormat[];

describe('hostile input', () => {
  it('random bytes under any name never throw, and what is not read is said', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom('x.log', 'x.evtx', 'x.json', 'x.csv', 'x.xml', 'x'), (bytes, name) => {
        const r = readContent(bytes, name);
        touch(r.events);
        if (r.events.length === 0 && bytes.some((b) => b > 32)) expect(r.warnings.length).toBeGreaterThan(0);
      }),
      { ...opts, numRuns: 100 },
    );
  });

  it('random text and mutations of valid logs never throw in any reader', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...FORMATS), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 8, unit: fc.constantFrom('"', ',', '\n', '{', '}', '<', '>', '/', ' ', '\\', '#', 'x', '\r', ']', '[') })), { maxLength: 6 }))
      .map(([format, edits]) => {
        let s = SAMPLES[format];
        for (const [at, ins] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + ins + s.slice(i + (at % 3));
        }
        return [format, s] as const;
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.tuple(fc.constantFrom(...FORMATS), fc.string({ maxLength: 2000 }))), fc.integer({ min: 1, max: 64 }), ([format, text], chunk) => {
        const r = run(text, format, chunk, 512);
        touch(r.events);
      }),
      opts,
    );
  });

  it('how the text is cut into chunks never changes the events read', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FORMATS), fc.integer({ min: 1, max: 97 }), (format, chunk) => {
        const whole = run(SAMPLES[format], format);
        const cut = run(SAMPLES[format], format, chunk);
        expect(cut.events.map(fields)).toEqual(whole.events.map(fields));
        expect(cut.events.map((e) => e.recordId)).toEqual(whole.events.map((e) => e.recordId));
        expect(cut.problems).toBe(whole.problems);
      }),
      opts,
    );
  });

  it('a huge line is counted and skipped, and reading resumes at the next line', () => {
    const huge = 'x'.repeat(3 * 1024 * 1024);
    const text = `#Fields: date time cs-uri-stem\n2021-01-01 00:00:01 /before\n${huge}\n2021-01-01 00:00:02 /after\n`;
    const r = readContent(text, 'big.log', { maxRecordChars: 1024 * 1024, chunkBytes: 64 * 1024 });
    expect(r.events.map((e) => [e.get('cs-uri-stem'), e.recordId])).toEqual([
      ['/before', 2],
      ['/after', 4],
    ]);
    expect(r.warnings.map((w) => w.message)).toEqual(['line 3: a line over 1048576 characters; skipped up to the next line']);
    // The same for a document without any line break at all.
    const endless = readContent(`{"a": "${huge}`, 'endless.json', { maxRecordChars: 1024 * 1024, chunkBytes: 64 * 1024 });
    expect(endless.events).toEqual([]);
    expect(endless.warnings.map((w) => w.code)).toEqual(['INPUT_RECORD']);
  });

  it('a JSON file cut at any point yields the documents before the cut and counts the cut one', () => {
    const docs = [1, 2, 3, 4].map((n) => JSON.stringify({ Event: { System: { EventID: n, EventRecordID: n, Computer: 'h' } } }, null, 2));
    const text = docs.join('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length }), (cut) => {
        const r = run(text.slice(0, cut), 'json-stream', 37);
        const complete = docs.filter((_d, i) => docs.slice(0, i + 1).join('\n').length <= cut).length;
        expect(r.events.map((e) => e.eventId)).toEqual([1, 2, 3, 4].slice(0, complete));
        const inside = cut > 0 && docs.slice(0, complete).join('\n').length + (complete ? 1 : 0) < cut;
        expect(r.problems).toBe(inside ? 1 : 0);
      }),
      opts,
    );
  });

  it('broken CSV quoting costs at most the broken record; every other record is read', () => {
    const rows = [1, 2, 3, 4, 5].map((n) => `2021-03-03T06:00:0${n}.000Z,u${n},"v${n}, with comma"`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), (broken) => {
        const lines = rows.map((r, i) => (i === broken ? r.slice(0, -1) : r)); // drop the closing quote
        const text = ['#Software: Microsoft Exchange Server', '#Log-type: EWS Logs', '#Fields: DateTime,User,Info', ...lines].join('\n');
        const r = run(text, 'csv', 13);
        expect(r.events.map((e) => e.get('User'))).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
        expect(r.problems).toBe(1);
      }),
      opts,
    );
  });

  it('a multi-byte character cut by a chunk boundary is decoded whole (UTF-8 and UTF-16)', () => {
    const text = '#Fields: date time cs-uri-stem\n2021-01-01 00:00:01 /café/日本語/😀\n';
    for (const [bytes, name] of [
      [Buffer.from(text, 'utf8'), 'u8.log'],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'u16.log'],
    ] as const) {
      for (const chunkBytes of [1, 2, 3, 5, 7]) {
        const r = readContent(bytes, name, { chunkBytes });
        expect(r.events.map((e) => e.get('cs-uri-stem')), `${name} / ${chunkBytes}`).toEqual(['/café/日本語/😀']);
      }
    }
  });
});
