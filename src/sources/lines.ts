/**
 * Text chunks → lines, holding at most one line. A line longer than `maxChars` is reported once and skipped up to the
 * next line break (the reader resynchronises there), so a multi-GB file without line breaks costs bounded memory.
 * Line breaks are `\n` with an optional `\r` before it.
 */
export class LineSplitter {
  private carry = '';
  private skipping = false;
  private lineNo = 0;

  constructor(
    private readonly maxChars: number,
    private readonly onLine: (text: string, lineNo: number) => void,
    private readonly onTooLong: (lineNo: number) => void,
  ) {}

  push(chunk: string): void {
    let from = 0;
    const n = chunk.length;
    while (from < n) {
      const nl = chunk.indexOf('\n', from);
      if (nl < 0) {
        if (!this.skipping) {
          const rest = chunk.length - from;
          if (this.carry.length + rest > this.maxChars) {
            this.onTooLong(this.lineNo + 1);
            this.skipping = true;
            this.carry = '';
          } else this.carry = this.carry ? this.carry + chunk.slice(from) : chunk.slice(from);
        }
        return;
      }
      this.lineNo++;
      if (this.skipping) {
        this.skipping = false;
      } else {
        let line = this.carry ? this.carry + chunk.slice(from, nl) : chunk.slice(from, nl);
        this.carry = '';
        if (line.length > this.maxChars) this.onTooLong(this.lineNo);
        else {
          if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
          this.onLine(line, this.lineNo);
        }
      }
      from = nl + 1;
    }
  }

  /** The last line, when the text does not end with a line break. */
  end(): void {
    if (!this.skipping && this.carry) {
      this.lineNo++;
      let line = this.carry;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      this.onLine(line, this.lineNo);
    }
    this.carry = '';
    this.skipping = false;
  }
}
