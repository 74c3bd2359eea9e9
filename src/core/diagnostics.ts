/**
 * Warnings are counted, never lost: every skipped input, record or rule is reported once on stderr (as it happens)
 * and counted by reason for the closing summary. Pure code receives a `Diagnostics` and never writes to a stream.
 */
import type { ErrorCode } from './errors.js';

export interface Warning {
  code: ErrorCode | string;
  /** The file concerned (input, rule), when there is one. */
  file?: string;
  message: string;
}

export type WarningListener = (w: Warning) => void;

export class Diagnostics {
  private readonly counts = new Map<string, number>();
  private readonly examples = new Map<string, Warning[]>();
  private total = 0;
  private readonly listeners: WarningListener[] = [];

  /** Keep this many examples per code for the summary; the count is always exact. */
  constructor(private readonly examplesPerCode = 5) {}

  onWarning(listener: WarningListener): void {
    this.listeners.push(listener);
  }

  warn(code: Warning['code'], message: string, file?: string): void {
    const w: Warning = file === undefined ? { code, message } : { code, file, message };
    this.total++;
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    const ex = this.examples.get(code) ?? [];
    if (ex.length < this.examplesPerCode) ex.push(w);
    this.examples.set(code, ex);
    for (const l of this.listeners) l(w);
  }

  get count(): number {
    return this.total;
  }

  /** Counts by code, largest first. */
  byCode(): { code: string; count: number; examples: Warning[] }[] {
    return [...this.counts]
      .map(([code, count]) => ({ code, count, examples: this.examples.get(code) ?? [] }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  }
}
