/** Test helper: write content to a temporary file, read it back through readEvents, collect events and warnings. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { Diagnostics, type Warning } from '../../src/core/diagnostics.js';
import type { EventRecord, FieldValue } from '../../src/events/event.js';
import { readEvents, type ReadOptions } from '../../src/sources/read.js';

let dir: string | undefined;

/** A fresh temporary folder for this test file, removed when it ends. */
export function tempDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'hardnut-sources-'));
    const d = dir;
    afterAll(() => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

export interface ReadResult {
  events: EventRecord[];
  warnings: Warning[];
  path: string;
}

/** Read a file's events, every warning kept. */
export function readFile(path: string, options: ReadOptions = {}): Omit<ReadResult, 'path'> {
  const d = new Diagnostics(1000);
  const warnings: Warning[] = [];
  d.onWarning((w) => warnings.push(w));
  const events = [...readEvents(path, d, options)];
  return { events, warnings };
}

let n = 0;
/** Write `content` as a file named `name` (which may hold folders) in a folder of its own, and read it. */
export function readContent(content: string | Uint8Array, name = 'input.log', options: ReadOptions = {}): ReadResult {
  const path = join(tempDir(), String(n++), name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return { ...readFile(path, options), path };
}

/** An event's flat view as a plain object. */
export function fields(e: EventRecord | undefined): Record<string, FieldValue> {
  return e ? Object.fromEntries(e.entries()) : {};
}

/** Lines joined with CRLF, as Windows tools write them. */
export const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';
