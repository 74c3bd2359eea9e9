/**
 * Text output to a file descriptor, batched: many small writes become one `writeSync` per 256 KiB, which is what makes
 * JSONL of millions of records cheap. Synchronous on purpose: output order is the program order, and a pipe that is
 * closed early (`| head`) ends the run quietly instead of with a stack trace.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { HardnutError } from '../core/errors.js';

const BATCH = 256 * 1024;

/** Thrown when the reader went away (EPIPE): the CLI ends quietly with the exit code it has. */
export class OutputClosed extends Error {}

export interface TextSink {
  write(text: string): void;
  flush(): void;
  close(): void;
}

export class FdOutput implements TextSink {
  private parts: string[] = [];
  private size = 0;
  private closed = false;

  constructor(
    private readonly fd: number,
    private readonly ownsFd = false,
    private readonly label = `fd ${fd}`,
    /** Bytes held before writing; 0 writes through (stderr, so warnings show as they happen). */
    private readonly batch = BATCH,
  ) {}

  /** Open FILE for writing (truncating); the one-line error names the file. */
  static toFile(path: string): FdOutput {
    try {
      return new FdOutput(openSync(path, 'w'), true, path);
    } catch (err) {
      throw new HardnutError('OUTPUT', `cannot write: ${(err as Error).message}`, { file: path });
    }
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.batch) this.flush();
  }

  flush(): void {
    if (this.size === 0 || this.closed) return;
    const buf = Buffer.from(this.parts.length === 1 ? this.parts[0]! : this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    writeAll(this.fd, buf, this.label);
  }

  close(): void {
    this.flush();
    if (this.ownsFd && !this.closed) closeSync(this.fd);
    this.closed = true;
  }
}

/** Collects text in memory (tests, and sinks that post-process). */
export class MemoryOutput implements TextSink {
  private parts: string[] = [];
  write(text: string): void {
    this.parts.push(text);
  }
  flush(): void {}
  close(): void {}
  text(): string {
    return this.parts.join('');
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, buf: Buffer, label: string): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A non-blocking pipe is full: wait a moment for the reader rather than spinning.
        Atomics.wait(sleeper, 0, 0, 2);
        continue;
      }
      if (code === 'EPIPE') throw new OutputClosed();
      throw new HardnutError('OUTPUT', `cannot write: ${(err as Error).message}`, { file: label });
    }
  }
}
