import { readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { timeline } from '../../src/sinks/timeline.js';
import { sampleFinding } from '../helpers.js';

function collect(): { sink: { add(f: Finding): void; end(): void }; got: Finding[]; ended: () => boolean } {
  const got: Finding[] = [];
  let done = false;
  return { sink: { add: (f) => got.push(f), end: () => (done = true) }, got, ended: () => done };
}

describe('timeline', () => {
  it('sorts in memory, stable, findings without a time last', () => {
    const c = collect();
    const t = timeline(c.sink);
    t.add(sampleFinding({ time: '2021-01-02T00:00:00Z', summary: 'b1' }));
    t.add(sampleFinding({ time: null, summary: 'none' }));
    t.add(sampleFinding({ time: '2021-01-01T00:00:00Z', summary: 'a' }));
    t.add(sampleFinding({ time: '2021-01-02T00:00:00Z', summary: 'b2' }));
    t.end();
    expect(c.got.map((f) => f.summary)).toEqual(['a', 'b1', 'b2', 'none']);
    expect(c.ended()).toBe(true);
  });

  it('spills sorted runs to disk beyond the buffer and merges them into the same order, cleaning up', () => {
    const tempDir = mkdtempSync(join(tmpdir(), 'hardnut-tl-test-'));
    const c = collect();
    const t = timeline(c.sink, { maxBuffered: 7, tempDir });
    const want: string[] = [];
    // A deterministic shuffle of 100 times, with ties, some without a time.
    for (let i = 0; i < 100; i++) {
      const k = (i * 37) % 50;
      const time = i % 13 === 0 ? null : `2021-01-01T00:00:${String(k).padStart(2, '0')}Z`;
      t.add(sampleFinding({ time, summary: `#${i}` }));
      want.push(`${time ?? '\uffff'}|${String(i).padStart(3, '0')}#${i}`);
    }
    t.end();
    want.sort();
    expect(c.got.map((f) => f.summary)).toEqual(want.map((w) => w.slice(w.indexOf('#'))));
    // Findings come back from the spilled runs whole.
    expect(c.got.find((f) => f.summary === '#1')).toEqual(sampleFinding({ time: '2021-01-01T00:00:37Z', summary: '#1' }));
    expect(readdirSync(tempDir)).toEqual([]);
  });
});
