/**
 * The case store as the evidence commands (hunt, sweep) use it: `--case FILE` / `--no-case` to a run recorder, with
 * write failures reported as counted warnings. One call at the start of the run, one at the end:
 *
 *     const rec = await startCaseRun(args, ctx, 'hunt', session.diagnostics);
 *     const sink = teeSinks(session.findingSink(args.options), rec.sink);
 *     …
 *     sink.end();
 *     await rec.finish({ read, rules }, true);     // false (with error) when the run failed
 */
import type { Diagnostics } from '../core/diagnostics.js';
import { openRunRecorder, type RunRecorder } from '../store/recorder.js';
import type { Context } from './command.js';
import type { OptionTable, Parsed } from './options.js';

/** The command line as given, rebuilt from the parsed options (given ones only) and the positionals. */
export function argumentsOf(parsed: Parsed<OptionTable>): string[] {
  const out: string[] = [];
  for (const name of parsed.given) {
    const v = (parsed.options as Record<string, unknown>)[name];
    if (v === true) out.push(`--${name}`);
    else if (Array.isArray(v)) for (const x of v) out.push(`--${name}`, String(x));
    else if (v !== undefined && v !== false) out.push(`--${name}`, String(v));
  }
  return [...out, ...parsed.positionals];
}

/**
 * Open the run recorder the options ask for: none with `--no-case`, else the case at `--case` (default
 * ./hardnut.duckdb). A case that cannot be opened (locked by another process, not a case) is an error before any work
 * starts; a failure while writing later is a warning and the run goes on.
 */
export async function startCaseRun(
  parsed: Parsed<OptionTable>,
  ctx: Context,
  command: string,
  diagnostics: Diagnostics,
): Promise<RunRecorder> {
  const o = parsed.options as { case?: unknown; 'no-case'?: unknown };
  const location = o['no-case'] === true || typeof o.case !== 'string' ? undefined : o.case;
  const rec = await openRunRecorder({
    case: location,
    command,
    args: argumentsOf(parsed),
    version: ctx.version,
    onError: (message) => diagnostics.warn('CASE_WRITE', message, location),
  });
  rec.watch(diagnostics);
  return rec;
}
