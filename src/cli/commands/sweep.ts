/** `hardnut sweep PATH...`: webshells and backdoors on disk. */
import { describeError, UsageError } from '../../core/errors.js';
import type { Level } from '../../findings/level.js';
import { Tally } from '../../findings/tally.js';
import { makeProgress } from '../../sinks/progress.js';
import { teeSinks, type FindingSink } from '../../sinks/sink.js';
import { checkInputPaths } from '../../sources/walk.js';
import { runSweep } from '../../sweep/run.js';
import { startCaseRun } from '../case.js';
import { defineCommand } from '../command.js';
import { Session } from '../session.js';
import { CASE, FINDINGS_OUTPUT, HELP, RUN } from '../shared-options.js';

export const sweepOptions = {
  yara: { kind: 'list', arg: 'PATH', description: 'YARA rule file or folder to add' },
  iocs: { kind: 'list', arg: 'PATH', description: 'Hash or filename IOC list to add' },
  'no-builtin': { kind: 'boolean', description: 'Do not run the built-in detectors' },
  'max-size': { kind: 'number', arg: 'BYTES', min: 1, default: 20 * 1024 * 1024, description: 'Skip files larger than this' },
  exclude: { kind: 'list', arg: 'GLOB', description: 'Skip paths matching GLOB' },
  ...FINDINGS_OUTPUT,
  ...CASE,
  ...RUN,
  ...HELP,
} as const;

export const sweep = defineCommand({
  name: 'sweep',
  summary: 'Sweep web roots and server folders for webshells and backdoors (YARA, detectors, IOCs)',
  usage: 'hardnut sweep PATH... [options]',
  description:
    'Reads every file under PATH (never running it) and looks for webshells and backdoors: our own detectors (webshell\n' +
    'traits of PHP, ASP, ASP.NET and JSP, and the HAFNIUM artefacts), any YARA rules given with --yara (compiled with the\n' +
    'external variables THOR and Loki define, so signature-base loads as it is), and hash and file-name indicator\n' +
    'lists given with --iocs (Loki’s formats). Findings go to standard output, the summary to standard error, the run\n' +
    'to the case store.',
  options: sweepOptions,
  minPositionals: 1,
  positionalName: 'a file or folder to scan',
  examples: [
    'hardnut sweep /var/www',
    'hardnut sweep ./inetpub --yara signature-base/yara --format jsonl',
    'hardnut sweep /srv --iocs signature-base/iocs/hash-iocs.txt --exclude "*.log" --fail-level medium',
  ],
  async run(args, ctx) {
    const o = args.options;
    checkInputPaths(args.positionals);
    checkInputPaths(o.yara);
    checkInputPaths(o.iocs);
    if (o['no-builtin'] && o.yara.length === 0 && o.iocs.length === 0) {
      throw new UsageError('--no-builtin leaves nothing to sweep with; give YARA rules with --yara PATH or indicators with --iocs PATH');
    }
    const session = new Session(ctx, 'sweep', { strict: o.strict });
    const rec = await startCaseRun(args, ctx, 'sweep', session.diagnostics);
    try {
      const tally = new Tally();
      const out = session.findingSink(o);
      const sink: FindingSink = teeSinks(out, rec.sink, { add: (f) => tally.add(f), end() {} });
      const progress = makeProgress(ctx.progressStream, ctx.env, { unit: 'bytes', title: 'sweep' });
      const r = await runSweep({
        paths: args.positionals,
        yara: o.yara,
        iocs: o.iocs,
        builtin: !o['no-builtin'],
        exclude: o.exclude,
        maxSize: o['max-size'],
        threads: o.threads,
        env: ctx.env,
        version: ctx.version,
        diagnostics: session.diagnostics,
        sink,
        progress,
      });
      progress.done();
      sink.end();
      const read = { files: r.files, bytes: r.bytes };
      const rules = { loaded: r.yaraRules, failed: r.yaraFiles.failed + r.iocs.failed };
      const engines: [string, string | number][] = [
        [`YARA rules (from ${r.yaraFiles.loaded} files; ${r.gatedRules} only over files of their magic number)`, r.yaraRules],
        ['our own detectors', r.detectors ? 'on' : 'off (--no-builtin)'],
      ];
      if (r.optionalRules) engines.splice(1, 0, [`of them compiled only if a literal of theirs occurs in some file: compiled`, `${r.optionalCompiled}/${r.optionalRules}`]);
      if (r.iocs.files) engines.push([`indicators (${r.iocs.hashes} hashes, ${r.iocs.filenames} file names)`, r.iocs.hashes + r.iocs.filenames]);
      const scanned: [string, number][] = [['files scanned', r.files]];
      if (r.reused) scanned.push(['of them copies of content already scanned (same SHA-256), YARA findings given again', r.reused]);
      if (r.notScanned) scanned.push(['files found but not scanned (warned above)', r.notScanned]);
      const sections = [
        { title: 'engines', rows: engines },
        { title: 'files', rows: scanned },
        { title: 'top rules', rows: tally.topRules(10) },
      ];
      await rec.finish({ read, rules }, true);
      return session.finish({ read, rules, findings: session.counts, sections }, o['fail-level'] as Level | undefined);
    } catch (err) {
      await rec.finish({ error: describeError(err) }, false);
      throw err;
    }
  },
});
