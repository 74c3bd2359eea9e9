/** The shape every text-log reader has: fed one line at a time, it returns the event of the line, if there is one. */
import type { EventRecord } from '../events/event.js';
import type { FileProblems } from './problems.js';

export interface ReaderContext {
  /** The input's path, for messages and for the few formats whose kind is in their folder name. */
  readonly file: string;
  readonly problems: FileProblems;
  /** The host to report for events whose log does not name one (a host folder name, `--host`). */
  readonly defaultHost?: string | undefined;
}

export interface LineReader {
  /**
   * One line, without its line break; `lineNo` counts from 1 and is the event's record id. Events go to `out`
   * (usually none or one; two when a line closes a broken record and starts its own).
   */
  line(text: string, lineNo: number, out: EventRecord[]): void;
  /** End of input: a record still open (a quoted CSV field that never closed) is flushed or reported here. */
  end(out: EventRecord[]): void;
}

/** Run a line reader over a whole text (tests, small inputs); the streaming edge does the same line by line. */
export function* readLines(reader: LineReader, text: string): Generator<EventRecord> {
  const out: EventRecord[] = [];
  let lineNo = 0;
  let from = 0;
  while (from <= text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    let line = text.slice(from, nl);
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    lineNo++;
    if (!(nl === text.length && line === '')) {
      reader.line(line, lineNo, out);
      if (out.length) {
        yield* out;
        out.length = 0;
      }
    }
    from = nl + 1;
  }
  reader.end(out);
  yield* out;
}
