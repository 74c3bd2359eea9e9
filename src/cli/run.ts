/**
 * The dispatcher: finds the command (and sub-command), parses its options against its table, prints help, and turns
 * errors into one line on stderr and an exit code (0 ran, 1 findings at or above --fail-level, 2 usage or input error).
 */
import { describeError, HardnutError, UsageError } from '../core/errors.js';
import { OutputClosed } from '../sinks/output.js';
import type { Command, Context } from './command.js';
import { COMMANDS } from './commands/index.js';
import { closest, formatOptions, parseArgs, type OptionTable } from './options.js';

const TOP_OPTIONS = {
  help: { kind: 'boolean', short: 'h', description: 'Show this help' },
  version: { kind: 'boolean', short: 'V', description: 'Show the version' },
} as const satisfies OptionTable;

function topHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `hardnut ${version} — hunt an organisation's evidence for state-sponsored espionage tradecraft`,
    '',
    'Usage: hardnut <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    formatOptions(TOP_OPTIONS),
    '',
    'Exit codes: 0 ran (with or without findings), 1 findings at or above --fail-level, 2 usage or input error.',
    "Run 'hardnut <command> --help' for a command's options.",
    '',
  ].join('\n');
}

export function commandHelp(cmd: Command, path: string): string {
  const lines = [`Usage: ${cmd.usage}`, ''];
  if (cmd.description) lines.push(cmd.description, '');
  if (cmd.subcommands?.length) {
    const width = Math.max(...cmd.subcommands.map((c) => c.name.length)) + 2;
    lines.push('Commands:', ...cmd.subcommands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`), '');
    lines.push(`Run 'hardnut ${path} <command> --help' for a command's options.`, '');
  }
  if (Object.keys(cmd.options).length) lines.push('Options:', formatOptions(cmd.options), '');
  if (cmd.examples?.length) lines.push('Examples:', ...cmd.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

function findCommand(list: readonly Command[], name: string, where: string): Command {
  const cmd = list.find((c) => c.name === name);
  if (cmd) return cmd;
  const hint = closest(name, list.map((c) => c.name));
  throw new UsageError(`unknown command '${name}'${where}` + (hint ? ` (did you mean '${hint}'?)` : '; see --help'));
}

async function dispatch(argv: readonly string[], ctx: Context): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    ctx.stdout.write(topHelp(ctx.version));
    return first === undefined ? 2 : 0;
  }
  if (first === '-V' || first === '--version') {
    ctx.stdout.write(`hardnut ${ctx.version}\n`);
    return 0;
  }
  if (first.startsWith('-')) parseArgs(TOP_OPTIONS, [first]); // throws "unknown option" with a suggestion
  let cmd = findCommand(COMMANDS, first, '');
  let path = cmd.name;
  let rest = argv.slice(1);
  while (cmd.subcommands?.length) {
    const sub = rest[0];
    if (sub === undefined || sub === '-h' || sub === '--help') {
      ctx.stdout.write(commandHelp(cmd, path));
      return sub === undefined ? 2 : 0;
    }
    cmd = findCommand(cmd.subcommands, sub, ` for 'hardnut ${path}'`);
    path += ' ' + cmd.name;
    rest = rest.slice(1);
  }
  const parsed = parseArgs(cmd.options, rest);
  if (parsed.options['help']) {
    ctx.stdout.write(commandHelp(cmd, path));
    return 0;
  }
  const n = parsed.positionals.length;
  if (cmd.minPositionals !== undefined && n < cmd.minPositionals) {
    throw new UsageError(`'hardnut ${path}' needs ${cmd.positionalName ?? 'an argument'}; usage: ${cmd.usage}`);
  }
  if (cmd.maxPositionals !== undefined && n > cmd.maxPositionals) {
    throw new UsageError(`'hardnut ${path}' takes at most ${cmd.maxPositionals} argument(s), got ${n}: ${parsed.positionals.join(' ')}`);
  }
  if (!cmd.run) throw new HardnutError('NOT_BUILT', `'hardnut ${path}' is not built yet`);
  return cmd.run(parsed, ctx);
}

/** Run the CLI with `argv` (without node and script); returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], ctx: Context): Promise<number> {
  try {
    const code = await dispatch(argv, ctx);
    ctx.stdout.flush();
    return code;
  } catch (err) {
    if (err instanceof OutputClosed) return 0;
    try {
      ctx.stdout.flush();
    } catch {
      // the output is gone; the error below still goes to stderr
    }
    const prefix = err instanceof HardnutError ? 'hardnut: ' : 'hardnut: internal error: ';
    ctx.stderr.write(prefix + describeError(err) + '\n');
    if (err instanceof UsageError) ctx.stderr.write("Run 'hardnut --help' for usage.\n");
    if (!(err instanceof HardnutError) && ctx.env['HARDNUT_DEBUG']) ctx.stderr.write(String((err as Error).stack) + '\n');
    return 2;
  } finally {
    ctx.stderr.flush();
  }
}
