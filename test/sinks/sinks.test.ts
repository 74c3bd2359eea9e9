import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/core/diagnostics.js';
import { CSV_COLUMNS, csvCell, csvSink } from '../../src/sinks/csv.js';
import { jsonlSink } from '../../src/sinks/jsonl.js';
import { MemoryOutput } from '../../src/sinks/output.js';
import { sanitiseText, teeSinks } from '../../src/sinks/sink.js';
import { timeline } from '../../src/sinks/timeline.js';
import { colourWanted, makeStyle } from '../../src/sinks/style.js';
import { emptyLevelCounts, renderSummary } from '../../src/sinks/summary.js';
import { tableSink } from '../../src/sinks/table.js';
import { sampleFinding } from '../helpers.js';

describe('jsonl', () => {
  it('writes one finding a line, sorted by time when asked, with hostile text kept on its line', () => {
    const out = new MemoryOutput();
    const sink = timeline(jsonlSink(out));
    sink.add(sampleFinding({ time: '2021-03-04T00:00:00Z', summary: 'later\nline\u2028sep' }));
    sink.add(sampleFinding({ time: null, summary: 'no time' }));
    sink.add(sampleFinding({ time: '2021-03-02T00:00:00Z', summary: 'earlier' }));
    sink.end();
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => (JSON.parse(l) as { summary: string }).summary)).toEqual(['earlier', 'later\nline\u2028sep', 'no time']);
  });
});

describe('csv', () => {
  it('writes a header and RFC 4180 quoted rows', () => {
    const out = new MemoryOutput();
    const sink = csvSink(out);
    sink.add(sampleFinding({ summary: 'say "hi", then\nleave' }));
    sink.end();
    const [header, ...rest] = out.text().split('\r\n');
    expect(header).toBe(CSV_COLUMNS.join(','));
    expect(rest.join('\r\n')).toContain('"say ""hi"", then\nleave"');
  });

  it('defuses spreadsheet formulas but keeps negative numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(7)).toBe('7');
  });
});

describe('table', () => {
  it('groups by severity, most severe first, and folds identical findings with a count and a time range', () => {
    const out = new MemoryOutput();
    const sink = tableSink(out, { style: makeStyle(false), width: 140 });
    for (let i = 0; i < 3; i++) sink.add(sampleFinding({ time: `2021-03-0${i + 1}T00:00:00Z` }));
    sink.add(sampleFinding({ level: 'critical', rule: { ...sampleFinding().rule, id: 'c', title: 'Crown jewel touched' } }));
    sink.add(sampleFinding({ level: 'low', rule: { ...sampleFinding().rule, id: 'l', title: 'Low thing' } }));
    sink.end();
    const text = out.text();
    expect(text.indexOf('CRITICAL')).toBeLessThan(text.indexOf('HIGH'));
    expect(text.indexOf('HIGH')).toBeLessThan(text.indexOf('LOW'));
    expect(text).toContain('×3  Web server process spawns a shell');
    expect(text).toContain('2021-03-01 00:00:00 → 2021-03-03 00:00:00');
    expect(text).not.toContain('\x1b[');
  });

  it('never passes terminal escape sequences from evidence through', () => {
    const out = new MemoryOutput();
    const sink = tableSink(out, { style: makeStyle(false) });
    sink.add(sampleFinding({ summary: 'evil \x1b]0;pwned\x07 \x1b[2J' }));
    sink.end();
    expect(out.text()).not.toMatch(/\x1b/);
    expect(out.text()).toContain('\\x1b]0;pwned\\x07');
  });

  it('says so when there is nothing', () => {
    const out = new MemoryOutput();
    const sink = tableSink(out, { style: makeStyle(false) });
    sink.end();
    expect(out.text()).toBe('No findings.\n');
  });
});

describe('tee, sanitising and colour', () => {
  it('tees findings to several sinks', () => {
    const a = new MemoryOutput();
    const b = new MemoryOutput();
    const t = teeSinks(jsonlSink(a), jsonlSink(b));
    t.add(sampleFinding());
    t.end();
    expect(a.text()).toBe(b.text());
    expect(a.text().length).toBeGreaterThan(10);
  });

  it('makes bidi and control characters visible', () => {
    expect(sanitiseText('a\u202eb\x00c\td')).toBe('a\\u202eb\\x00c\td');
  });

  it('colour only on a TTY and never with NO_COLOR', () => {
    expect(colourWanted(true, {})).toBe(true);
    expect(colourWanted(false, {})).toBe(false);
    expect(colourWanted(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(true, { TERM: 'dumb' })).toBe(false);
    expect(makeStyle(true).red('x')).toBe('\x1b[31mx\x1b[39m');
  });
});

describe('summary', () => {
  it('says what was read, skipped with reasons, and findings by level', () => {
    const d = new Diagnostics();
    d.warn('INPUT_FORMAT', 'not an EVTX file (bad magic)', 'logs/garbage.evtx');
    d.warn('INPUT_FORMAT', 'not an EVTX file (bad magic)', 'logs/other.evtx');
    d.warn('INPUT_SPECIAL', 'a FIFO; not read', 'logs/pipe');
    const findings = { ...emptyLevelCounts(), high: 2, low: 1 };
    const text = renderSummary(
      { command: 'hunt', elapsedMs: 1500, read: { files: 3, bytes: 2048, events: 10 }, findings, rules: { loaded: 5, failed: 1 } },
      d,
      makeStyle(false),
    );
    expect(text).toContain('hardnut hunt: read 3 files, 2,048 bytes, 10 events in 1.5 s');
    expect(text).toContain('rules: 5 loaded, 1 not loaded');
    expect(text).toContain('2 not in a format it reads — e.g. logs/garbage.evtx: not an EVTX file (bad magic)');
    expect(text).toContain('1 special files (FIFO, socket, device)');
    expect(text).toContain('findings: 3 (0 critical, 2 high, 0 medium, 1 low, 0 informational)');
  });
});

describe('folding stays bounded', () => {
  it('past the cap, further distinct findings fold by rule and host into one line that says so', async () => {
    const { Folder } = await import('../../src/findings/fold.js');
    const folder = new Folder(10);
    for (let i = 0; i < 1000; i++) folder.add(sampleFinding({ summary: `cmd ${i}`, host: i % 2 ? 'A' : 'B' }));
    expect(folder.size).toBe(12);
    const rows = folder.sorted();
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(1000);
    expect(rows.filter((r) => r.finding.summary.includes('not listed one by one'))).toHaveLength(2);
  });
});
