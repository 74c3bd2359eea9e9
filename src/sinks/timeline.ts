/**
 * A timeline: findings passed on sorted by time (stable; findings without a time last) with memory that does not grow
 * with their number. Up to `maxBuffered` findings are sorted in memory; beyond that, sorted runs are spilled to
 * temporary JSONL files and merged at the end (an external merge sort), so a rule that fires on every event of a
 * multi-GB log cannot exhaust memory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../findings/finding.js';
import type { FindingSink } from './sink.js';

const NO_TIME = '\uffff';

interface Keyed {
  t: string;
  seq: number;
  f: Finding;
}

const byTime = (a: Keyed, b: Keyed) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.seq - b.seq);

/** Reads a spilled run back one finding at a time, 1 MiB at a time. */
class RunReader {
  private buf = '';
  private pos = 0;
  private readonly chunk = Buffer.alloc(1 << 20);
  private eof = false;
  current: Keyed | undefined;

  constructor(private readonly fd: number) {
    this.advance();
  }

  advance(): void {
    for (;;) {
      const nl = this.buf.indexOf('\n', this.pos);
      if (nl >= 0) {
        const line = this.buf.slice(this.pos, nl);
        this.pos = nl + 1;
        this.current = JSON.parse(line) as Keyed;
        return;
      }
      if (this.eof) {
        this.current = undefined;
        return;
      }
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, null);
      if (n === 0) this.eof = true;
      this.buf = this.buf.slice(this.pos) + this.chunk.toString('utf8', 0, n);
      this.pos = 0;
    }
  }
}

export function timeline(next: FindingSink, options: { maxBuffered?: number; tempDir?: string } = {}): FindingSink {
  const maxBuffered = options.maxBuffered ?? 25_000;
  let buffer: Keyed[] = [];
  let seq = 0;
  let dir: string | undefined;
  const runs: string[] = [];

  function spill(): void {
    buffer.sort(byTime);
    dir ??= mkdtempSync(join(options.tempDir ?? tmpdir(), 'hardnut-timeline-'));
    const path = join(dir, `run-${runs.length}.jsonl`);
    const fd = openSync(path, 'w');
    try {
      let parts: string[] = [];
      let size = 0;
      for (const k of buffer) {
        const line = JSON.stringify(k) + '\n';
        parts.push(line);
        size += line.length;
        if (size > 1 << 20) {
          writeSync(fd, parts.join(''));
          parts = [];
          size = 0;
        }
      }
      if (parts.length) writeSync(fd, parts.join(''));
    } finally {
      closeSync(fd);
    }
    runs.push(path);
    buffer = [];
  }

  return {
    add(f) {
      buffer.push({ t: f.time ?? NO_TIME, seq: seq++, f });
      if (buffer.length >= maxBuffered) spill();
    },
    end() {
      buffer.sort(byTime);
      if (runs.length === 0) {
        for (const k of buffer) next.add(k.f);
        next.end();
        return;
      }
      const fds = runs.map((p) => openSync(p, 'r'));
      try {
        const readers = fds.map((fd) => new RunReader(fd));
        let i = 0;
        // A k-way merge: the number of runs is small (input size / maxBuffered), so a linear scan for the minimum is fine.
        for (;;) {
          let best: RunReader | undefined;
          for (const r of readers) if (r.current && (!best || byTime(r.current, best.current!) < 0)) best = r;
          const mem = buffer[i];
          if (mem && (!best || byTime(mem, best.current!) < 0)) {
            next.add(mem.f);
            i++;
          } else if (best) {
            next.add(best.current!.f);
            best.advance();
          } else break;
        }
      } finally {
        for (const fd of fds) closeSync(fd);
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
      next.end();
    },
  };
}
