/** A command: its option table, its help text and what it runs. One table drives parsing, help and validation. */
import type { TextSink } from '../sinks/output.js';
import type { OptionTable, Parsed } from './options.js';

export interface Context {
  stdout: TextSink;
  stderr: TextSink;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width of stdout (80 when not a terminal). */
  columns: number;
  env: NodeJS.ProcessEnv;
  version: string;
  /** For the progress line: the real stderr stream, or a stand-in in tests. */
  progressStream: { isTTY?: boolean; columns?: number; write(s: string): unknown };
}

export interface Command<T extends OptionTable = OptionTable> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `hardnut hunt PATH... [options]` */
  usage: string;
  /** Paragraphs shown under the usage line. */
  description?: string;
  options: T;
  examples?: string[];
  /** Positional arguments: at least this many. */
  minPositionals?: number;
  maxPositionals?: number;
  /** What the positionals are, for the error when too few are given. */
  positionalName?: string;
  subcommands?: Command[];
  run?: (args: Parsed<T>, ctx: Context) => Promise<number>;
}

/** Keeps the option table's literal types for `run` while letting commands live in one list. */
export function defineCommand<T extends OptionTable>(command: Command<T>): Command {
  return command as unknown as Command;
}
