/** `hardnut hunt PATH...`: Sigma rules over event logs and web server logs. */
import { describeError, UsageError } from '../../core/errors.js';
import { LEVELS, type Level } from '../../findings/level.js';
import { Tally } from '../../findings/tally.js';
import type { HuntSettings } from '../../hunt/protocol.js';
import { makeProgress } from '../../sinks/progress.js';
import { teeSinks, type FindingSink } from '../../sinks/sink.js';
import { builtinRulesPath, readRuleTexts } from '../../sources/rule-files.js';
import { checkInputPaths } from '../../sources/walk.js';
import { startCaseRun } from '../case.js';
import { defineCommand } from '../command.js';
import { Session } from '../session.js';
import { CASE, FINDINGS_OUTPUT, HELP, RUN } from '../shared-options.js';

export const huntOptions = {
  rules: { kind: 'list', arg: 'PATH', description: 'Sigma rule file or folder to run (in addition to the built-in pack)' },
  'no-builtin': { kind: 'boolean', description: 'Do not run the built-in rule pack' },
  'min-level': { kind: 'string', arg: 'L', choices: LEVELS, default: 'low', description: 'Report findings at this level or above' },
  status: { kind: 'list', arg: 'S', description: 'Only rules of this status (stable, test, experimental…)' },
  from: { kind: 'string', arg: 'TIME', description: 'Only events at or after TIME (ISO 8601; a date alone means its midnight UTC)' },
  to: { kind: 'string', arg: 'TIME', description: 'Only events before TIME (ISO 8601)' },
  mapping: { kind: 'string', arg: 'FILE', description: 'A logsource/field mapping file to use over the shipped one' },
  'store-events': { kind: 'boolean', description: 'Also keep every event read in the case store, for investigation' },
  ...FINDINGS_OUTPUT,
  ...CASE,
  ...RUN,
  ...HELP,
} as const;

/** An instant from the command line: ISO 8601, a date alone meaning midnight UTC, no zone meaning UTC. */
export function parseInstant(option: string, text: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
      ? `${text.replace(' ', 'T')}Z`
      : text;
  const ms = Date.parse(t);
  if (!Number.isFinite(ms)) throw new UsageError(`--${option} takes an ISO 8601 time (2021-03-02 or 2021-03-02T04:05:06Z), not '${text}'`);
  return ms;
}

export const hunt = defineCommand({
  name: 'hunt',
  summary: 'Hunt event logs (EVTX, JSON, XML) and web server logs with Sigma rules',
  usage: 'hardnut hunt PATH... [options]',
  description:
    'Reads every event log and web server log under PATH (recognised by content: EVTX, evtx_dump/Winlogbeat JSON,\n' +
    'Windows XML exports, IIS W3C, Exchange HttpProxy/ECP/OAB logs, Apache/nginx access logs) and runs the built-in\n' +
    'rule pack for the advisories’ tradecraft, plus any Sigma rules given with --rules. Findings go to standard output\n' +
    '(a table for people, or a JSONL/CSV timeline sorted by time), the summary to standard error, and the run and its\n' +
    'findings to the case store (./hardnut.duckdb unless --case or --no-case), for `hardnut report`.',
  options: huntOptions,
  minPositionals: 1,
  positionalName: 'a file or folder of evidence',
  examples: [
    'hardnut hunt ./evidence',
    'hardnut hunt C:/logs --rules sigma/rules --format jsonl -o findings.jsonl',
    'hardnut hunt ./evidence --min-level high --fail-level high --no-case',
  ],
  async run(args, ctx) {
    // loaded when the command runs, so that every other command (and --help) starts without it
    const { prepareRules, runHunt } = await import('../../hunt/run.js');
    const o = args.options;
    checkInputPaths(args.positionals);
    if (o['no-builtin'] && o.rules.length === 0) throw new UsageError('--no-builtin leaves no rules to run; give some with --rules PATH');
    checkInputPaths(o.rules);
    const fromMs = o.from === undefined ? undefined : parseInstant('from', o.from);
    const toMs = o.to === undefined ? undefined : parseInstant('to', o.to);
    if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) throw new UsageError('--from must be before --to');

    const session = new Session(ctx, 'hunt', { strict: o.strict });
    const rec = await startCaseRun(args, ctx, 'hunt', session.diagnostics);
    try {
      const rulePaths = [...(o['no-builtin'] ? [] : [builtinRulesPath()]), ...o.rules];
      const { texts, unread } = readRuleTexts(rulePaths, session.diagnostics);
      for (const u of unread) for (const i of u.issues) session.diagnostics.warn(i.code, i.message, i.file);
      const settings: HuntSettings = {
        rules: texts,
        mappingFile: o.mapping,
        minLevel: o['min-level'] as Level,
        statuses: o.status,
        fromMs,
        toMs,
        storeEvents: o['store-events'],
        version: ctx.version,
      };
      const rules = prepareRules(settings, session.diagnostics);
      const failedFiles = rules.files.filter((f) => f.issues.length).length + unread.length;
      const loaded = rules.ruleSet.rules.length + rules.ruleSet.correlations.length;
      if (loaded === 0) throw new UsageError('no rule loaded (see the warnings above); nothing to hunt with');

      const tally = new Tally();
      const out = session.findingSink(o);
      const sink: FindingSink = teeSinks(out, rec.sink, { add: (f) => tally.add(f), end() {} });
      const progress = makeProgress(ctx.progressStream, ctx.env, { unit: 'bytes', title: 'hunt' });
      const result = await runHunt(
        {
          paths: args.positionals,
          settings,
          threads: o.threads,
          // Tests (and anyone measuring) can force worker threads on small inputs.
          workersAboveBytes: ctx.env['HARDNUT_WORKERS_ABOVE_BYTES'] ? Number(ctx.env['HARDNUT_WORKERS_ABOVE_BYTES']) : undefined,
          diagnostics: session.diagnostics,
          sink,
          progress,
          onHost: (h, t) => rec.noteHost(h, t),
          onEvents: (source, events) => rec.addEvents(source, events),
        },
        rules,
      );
      progress.done();
      sink.end();
      const read = { files: result.plan.files, bytes: result.plan.bytes, events: result.events };
      const setAside = rules.selection.belowLevel + rules.selection.otherStatus;
      const sections = [
        { title: 'top rules', rows: tally.topRules(10) },
        { title: 'by host', rows: tally.topHosts(10) },
        { title: 'by ATT&CK tactic', rows: tally.byTactic() },
      ];
      if (setAside) {
        sections.unshift({
          title: 'rules not run',
          rows: [
            ...(rules.selection.belowLevel ? [[`below --min-level ${o['min-level']}`, rules.selection.belowLevel] as [string, number]] : []),
            ...(rules.selection.otherStatus ? [[`status not in --status ${o.status.join(',')}`, rules.selection.otherStatus] as [string, number]] : []),
          ],
        });
      }
      await rec.finish({ read, rules: { loaded, failed: failedFiles } }, true);
      return session.finish({ read, rules: { loaded, failed: failedFiles }, findings: session.counts, sections }, o['fail-level'] as Level | undefined);
    } catch (err) {
      await rec.finish({ error: describeError(err) }, false);
      throw err;
    }
  },
});
