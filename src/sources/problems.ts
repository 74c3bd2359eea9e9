/**
 * Problems inside one input (a line too long, a row that does not fit its header, a document that does not parse):
 * each is counted, and the first few of each kind are reported with their line number; the rest are summed up in one
 * closing warning per kind, so a damaged multi-GB log cannot flood the terminal yet no skip goes uncounted.
 */
import type { Diagnostics } from '../core/diagnostics.js';
import type { ErrorCode } from '../core/errors.js';

export class FileProblems {
  private readonly byKind = new Map<string, { code: ErrorCode; count: number }>();
  private total = 0;

  constructor(
    private readonly diagnostics: Diagnostics,
    readonly file: string,
    /** Warnings reported one by one for each kind before the rest are only counted. */
    private readonly shownPerKind = 3,
  ) {}

  /** One problem of `kind` (a short phrase: "line too long"), with a message saying where and what was skipped. */
  report(kind: string, message: string, code: ErrorCode = 'INPUT_RECORD'): void {
    this.total++;
    const k = this.byKind.get(kind) ?? { code, count: 0 };
    k.count++;
    this.byKind.set(kind, k);
    if (k.count <= this.shownPerKind) this.diagnostics.warn(code, message, this.file);
  }

  /** How many problems were reported so far (shown or not). */
  get count(): number {
    return this.total;
  }

  /** Close the file: one warning per kind for the problems that were only counted. */
  finish(): void {
    for (const [kind, k] of this.byKind) {
      const hidden = k.count - this.shownPerKind;
      if (hidden > 0) this.diagnostics.warn(k.code, `${hidden} more: ${kind} (${k.count} in all)`, this.file);
    }
    this.byKind.clear();
  }
}
