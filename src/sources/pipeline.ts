/**
 * Text → events for every text format, over a sequence of decoded chunks: the streaming edge (read.ts) feeds a file
 * piece by piece, tests feed a string. Memory is bounded by one chunk plus one record (`maxRecordChars`).
 */
import type { EventRecord } from '../events/event.js';
import { AccessLogReader } from './access-log.js';
import { CsvLogReader } from './csv-log.js';
import { EventXmlSplitter, eventFromXml } from './event-xml.js';
import { IisNativeReader } from './iis-native.js';
import { eventFromJson } from './json-event.js';
import { JsonDocSplitter } from './json-split.js';
import { LineSplitter } from './lines.js';
import type { FileProblems } from './problems.js';
import type { LineReader, ReaderContext } from './reader.js';
import type { SourceFormat } from './sniff.js';
import { W3cReader } from './w3c.js';

export type TextFormat = Exclude<SourceFormat, 'evtx' | 'unknown'>;

export interface PipelineContext extends ReaderContext {
  /** The longest line or document read, in characters; longer ones are skipped with a report. */
  readonly maxRecordChars: number;
}

/** JSON, one document per line (a line holding an array gives one event per element). */
class JsonLinesReader implements LineReader {
  constructor(private readonly ctx: ReaderContext) {}

  line(text: string, lineNo: number, out: EventRecord[]): void {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.ctx.problems.report('lines that are not valid JSON', `line ${lineNo}: not valid JSON (${(err as Error).message}); skipped`);
      return;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      const r = eventFromJson(v, { recordId: lineNo, defaultHost: this.ctx.defaultHost });
      if (r.event) out.push(r.event);
      else this.ctx.problems.report('JSON values that are not events', `line ${lineNo}: ${r.error}; skipped`);
    }
  }

  end(): void {
    // Nothing is held between lines.
  }
}

function lineReader(format: TextFormat, ctx: ReaderContext): LineReader | undefined {
  switch (format) {
    case 'json-lines':
      return new JsonLinesReader(ctx);
    case 'w3c':
      return new W3cReader(ctx);
    case 'iis-native':
      return new IisNativeReader(ctx);
    case 'csv':
      return new CsvLogReader(ctx);
    case 'access-log':
      return new AccessLogReader(ctx);
    default:
      return undefined;
  }
}

/** A feed for one format: chunks in, events out into `out`. */
interface Feed {
  push(chunk: string): void;
  end(): void;
}

function tooLong(problems: FileProblems, what: string, max: number) {
  return (line: number) =>
    problems.report(`${what}s longer than the limit`, `line ${line}: a ${what} over ${max} characters; skipped up to the next line`);
}

function feedFor(format: TextFormat, ctx: PipelineContext, out: EventRecord[]): Feed {
  const { problems, maxRecordChars } = ctx;
  const reader = lineReader(format, ctx);
  if (reader) {
    const lines = new LineSplitter(maxRecordChars, (text, n) => reader.line(text, n, out), tooLong(problems, 'line', maxRecordChars));
    return {
      push: (c) => lines.push(c),
      end: () => {
        lines.end();
        reader.end(out);
      },
    };
  }
  if (format === 'json-stream') {
    const split = new JsonDocSplitter(
      maxRecordChars,
      (text, line) => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          problems.report('documents that are not valid JSON', `line ${line}: a document that is not valid JSON (${(err as Error).message}); skipped`);
          return;
        }
        const r = eventFromJson(value, { recordId: line, defaultHost: ctx.defaultHost });
        if (r.event) out.push(r.event);
        else problems.report('JSON values that are not events', `line ${line}: ${r.error}; skipped`);
      },
      tooLong(problems, 'JSON document', maxRecordChars),
    );
    return {
      push: (c) => split.push(c),
      end: () => {
        const e = split.end();
        if (e.truncated) problems.report('truncated documents', `line ${e.line}: the file ends inside a JSON document (truncated?); it is skipped`);
      },
    };
  }
  // event-xml
  const split = new EventXmlSplitter(
    maxRecordChars,
    (xml, line) => {
      const r = eventFromXml(xml, ctx.defaultHost);
      if (r.event) out.push(r.event);
      else problems.report('<Event> elements that do not parse', `line ${line}: an <Event> that does not parse (${r.error}); skipped`);
    },
    tooLong(problems, '<Event> element', maxRecordChars),
  );
  return {
    push: (c) => split.push(c),
    end: () => {
      const e = split.end();
      if (e.truncated) problems.report('truncated documents', `line ${e.line}: the file ends inside an <Event> element (truncated?); it is skipped`);
    },
  };
}

/**
 * Every event of a text, chunk by chunk. Problems are reported through `ctx.problems` (the caller finishes it).
 * Yields after each chunk, so at most one chunk's events are held.
 */
export function* eventsFromChunks(chunks: Iterable<string>, format: TextFormat, ctx: PipelineContext): Generator<EventRecord> {
  const out: EventRecord[] = [];
  const feed = feedFor(format, ctx, out);
  for (const chunk of chunks) {
    feed.push(chunk);
    if (out.length) {
      yield* out;
      out.length = 0;
    }
  }
  feed.end();
  yield* out;
}
