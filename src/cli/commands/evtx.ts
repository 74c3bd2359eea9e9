/** `hardnut evtx dump PATH...`: Windows event logs as JSONL (evtx_dump's shape) or XML. */
import { FdOutput, type TextSink } from '../../sinks/output.js';
import { readEvtxFile, reportRecordError, type EvtxFileStats } from '../../sources/evtx-file.js';
import { checkInputPaths, walkInputs } from '../../sources/walk.js';
import { defineCommand } from '../command.js';
import { Session } from '../session.js';
import { HELP, RUN } from '../shared-options.js';

export const dumpOptions = {
  format: { kind: 'string', arg: 'F', choices: ['jsonl', 'xml'], default: 'jsonl', description: 'Output format' },
  output: { kind: 'string', short: 'o', arg: 'FILE', description: 'Write records to FILE instead of standard output' },
  ...RUN,
  ...HELP,
} as const;

const isEvtx = (p: string) => p.toLowerCase().endsWith('.evtx');

const dump = defineCommand({
  name: 'dump',
  summary: 'Print the records of .evtx files as JSONL or XML',
  usage: 'hardnut evtx dump PATH... [--format jsonl|xml] [--output FILE]',
  description:
    'Files and folders (recursive over *.evtx). Records go to standard output (JSONL: one evtx_dump-shaped record a\n' +
    'line; XML: one <Event> document per record), warnings to standard error naming file, chunk, record and offset.\n' +
    'Damaged records and chunks are skipped and counted; the run goes on past a bad file. Exit 0 when it ran, 2 when\n' +
    'no input could be read at all (or, with --strict, when anything was skipped).',
  options: dumpOptions,
  minPositionals: 1,
  positionalName: 'an .evtx file or a folder',
  examples: ['hardnut evtx dump Security.evtx | head', 'hardnut evtx dump ./logs --format xml -o all.xml'],
  async run(args, ctx) {
    checkInputPaths(args.positionals);
    const session = new Session(ctx, 'evtx dump', { strict: args.options.strict });
    const d = session.diagnostics;
    const out: TextSink = args.options.output ? FdOutput.toFile(args.options.output) : ctx.stdout;
    const xml = args.options.format === 'xml';
    let files = 0;
    let failed = 0;
    let bytes = 0;
    let records = 0;
    try {
      for (const f of walkInputs(args.positionals, { diagnostics: d, accept: isEvtx })) {
        files++;
        bytes += f.size;
        const stats: EvtxFileStats = { chunks: 0, records: 0, lost: 0, failed: false };
        for (const r of readEvtxFile(f.path, { diagnostics: d }, stats)) {
          let text: string;
          try {
            text = xml ? r.xml() : r.json();
          } catch (err) {
            reportRecordError(d, f.path, r, err);
            continue;
          }
          out.write(xml ? text + '\n' : text + '\n');
          records++;
        }
        if (stats.failed) failed++;
      }
    } finally {
      if (out !== ctx.stdout) out.close();
      else out.flush();
    }
    // The closing summary goes to stderr only when someone is watching or something was skipped: stdout stays records.
    if (ctx.stderrIsTTY || d.count > 0) {
      session.finish({ read: { files, bytes, events: records } });
    }
    if (args.options.strict && d.count > 0) return 2;
    return files > 0 && failed === files ? 2 : 0;
  },
});

export const evtx = defineCommand({
  name: 'evtx',
  summary: 'Windows event log (.evtx) tools: dump',
  usage: 'hardnut evtx <command> [options]',
  options: { ...HELP },
  subcommands: [dump],
});
