/**
 * JSON documents out of a text stream that is not one document per line: a top-level array (`[{…},{…}]`), pretty
 * printed documents one after another (evtx_dump's default output, `jq .`), even with text between them (evtx_dump
 * prints `Record N` before each). The splitter tracks only nesting depth and strings, holds at most one document, and
 * leaves parsing to JSON.parse. A document longer than `maxChars` is skipped with a report and the splitter resyncs
 * at the next line break.
 */

const LBRACE = 123,
  RBRACE = 125,
  LBRACK = 91,
  RBRACK = 93,
  QUOTE = 34,
  BACKSLASH = 92,
  NEWLINE = 10;

export class JsonDocSplitter {
  /** Text of the document being read, from chunks before the current one. */
  private partial = '';
  private partialLength = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside a top-level array: its object elements are the documents. */
  private inArray = false;
  /** After a document too long: ignore everything up to the next line break. */
  private resync = false;
  private line = 1;
  private docLine = 1;

  constructor(
    private readonly maxChars: number,
    private readonly onDoc: (text: string, line: number) => void,
    private readonly onTooLarge: (line: number) => void,
  ) {}

  push(chunk: string): void {
    const n = chunk.length;
    let start = this.depth > 0 ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) {
        this.line++;
        if (this.resync) {
          this.resync = false;
          continue;
        }
      }
      if (this.resync) continue;
      if (this.depth === 0) {
        if (c === LBRACE) {
          this.depth = 1;
          start = i;
          this.docLine = this.line;
          this.partial = '';
          this.partialLength = 0;
        } else if (c === LBRACK && !this.inArray) this.inArray = true;
        else if (c === RBRACK && this.inArray) this.inArray = false;
        // Anything else between documents (commas, whitespace, "Record 12", scalars in an array) is passed over.
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === LBRACE || c === LBRACK) this.depth++;
      else if (c === RBRACE || c === RBRACK) {
        this.depth--;
        if (this.depth === 0) {
          const text = this.partialLength ? this.partial + chunk.slice(start, i + 1) : chunk.slice(start, i + 1);
          this.partial = '';
          this.partialLength = 0;
          start = -1;
          this.onDoc(text, this.docLine);
        }
      }
    }
    if (this.depth > 0) {
      const piece = start >= 0 ? chunk.slice(start) : chunk;
      this.partialLength += piece.length;
      if (this.partialLength > this.maxChars) {
        this.onTooLarge(this.docLine);
        this.abandon();
      } else this.partial += piece;
    }
  }

  /** End of input: whether a document was left unfinished (a truncated file), and the line it started on. */
  end(): { truncated: boolean; line: number } {
    return { truncated: this.depth > 0, line: this.docLine };
  }

  private abandon(): void {
    this.partial = '';
    this.partialLength = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.resync = true;
  }
}
