/**
 * What every command that reads evidence shares: warnings printed as they happen (capped per kind, all counted),
 * the findings output chosen by --format/--output, the closing summary, and the exit code (0 ran, 1 findings at or
 * above --fail-level, 2 with --strict when anything was skipped).
 */
import { Diagnostics } from '../core/diagnostics.js';
import type { Finding } from '../findings/finding.js';
import { levelRank, type Level } from '../findings/level.js';
import { csvSink } from '../sinks/csv.js';
import { jsonlSink } from '../sinks/jsonl.js';
import { FdOutput, type TextSink } from '../sinks/output.js';
import { sanitiseText, type FindingSink } from '../sinks/sink.js';
import { timeline } from '../sinks/timeline.js';
import { colourWanted, makeStyle, type Style } from '../sinks/style.js';
import { emptyLevelCounts, renderSummary, type RunSummary } from '../sinks/summary.js';
import { tableSink } from '../sinks/table.js';
import type { Context } from './command.js';

/** Warnings of one kind printed before the rest are only counted (the summary has the total). */
const PRINTED_PER_CODE = 20;

export interface OutputChoice {
  format: 'table' | 'jsonl' | 'csv';
  output?: string | undefined;
  'fail-level'?: Level | undefined;
}

export class Session {
  readonly diagnostics = new Diagnostics();
  readonly started = Date.now();
  readonly errStyle: Style;
  readonly counts = emptyLevelCounts();
  private readonly printed = new Map<string, number>();
  private outFile: TextSink | undefined;

  constructor(
    readonly ctx: Context,
    readonly command: string,
    readonly options: { strict?: boolean } = {},
  ) {
    this.errStyle = makeStyle(colourWanted(ctx.stderrIsTTY, ctx.env));
    this.diagnostics.onWarning((w) => {
      const n = (this.printed.get(w.code) ?? 0) + 1;
      this.printed.set(w.code, n);
      if (n > PRINTED_PER_CODE) return;
      const where = w.file === undefined ? '' : `${sanitiseText(w.file)}: `;
      let line = `hardnut: warning: ${where}${sanitiseText(w.message)}`;
      if (n === PRINTED_PER_CODE) line += ` (further ${w.code} warnings are counted, not printed)`;
      ctx.stderr.write(this.errStyle.yellow(line) + '\n');
    });
  }

  /** The sink findings go to; timelines (jsonl, csv) are sorted by time. Counts findings by level on the way. */
  findingSink(choice: OutputChoice): FindingSink {
    const out = choice.output ? (this.outFile = FdOutput.toFile(choice.output)) : this.ctx.stdout;
    const toTerminal = !choice.output && this.ctx.stdoutIsTTY;
    const style = makeStyle(!choice.output && colourWanted(this.ctx.stdoutIsTTY, this.ctx.env));
    const inner =
      choice.format === 'jsonl'
        ? timeline(jsonlSink(out))
        : choice.format === 'csv'
          ? timeline(csvSink(out))
          : tableSink(out, { style, width: toTerminal ? this.ctx.columns : 160 });
    const counts = this.counts;
    return {
      add(f: Finding) {
        counts[f.level]++;
        inner.add(f);
      },
      end() {
        inner.end();
      },
    };
  }

  /** Print the summary on stderr and return the exit code. */
  finish(summary: Omit<RunSummary, 'command' | 'elapsedMs'>, failLevel?: Level): number {
    this.outFile?.close();
    const full: RunSummary = { command: this.command, elapsedMs: Date.now() - this.started, ...summary };
    this.ctx.stderr.write(renderSummary(full, this.diagnostics, this.errStyle));
    if (this.options.strict && this.diagnostics.count > 0) {
      this.ctx.stderr.write(`hardnut: --strict: ${this.diagnostics.count} warnings make this run fail\n`);
      return 2;
    }
    if (failLevel !== undefined) {
      const min = levelRank(failLevel);
      for (const [level, n] of Object.entries(this.counts)) if (n > 0 && levelRank(level) >= min) return 1;
    }
    return 0;
  }
}
