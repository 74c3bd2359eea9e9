/** `hardnut evtx dump PATH...`: Windows event logs as JSONL (evtx_dump's shape) or XML. */
import { checkInputPaths } from '../../sources/walk.js';
import { defineCommand } from '../command.js';
import { HELP, RUN } from '../shared-options.js';
import { notBuilt } from './not-built.js';

export const dumpOptions = {
  format: { kind: 'string', arg: 'F', choices: ['jsonl', 'xml'], default: 'jsonl', description: 'Output format' },
  output: { kind: 'string', short: 'o', arg: 'FILE', description: 'Write records to FILE instead of standard output' },
  ...RUN,
  ...HELP,
} as const;

const dump = defineCommand({
  name: 'dump',
  summary: 'Print the records of .evtx files as JSONL or XML',
  usage: 'hardnut evtx dump PATH... [--format jsonl|xml]',
  description: 'Files and folders (recursive over *.evtx). Records go to standard output, warnings to standard error.',
  options: dumpOptions,
  minPositionals: 1,
  positionalName: 'an .evtx file or a folder',
  examples: ['hardnut evtx dump Security.evtx | head', 'hardnut evtx dump ./logs --format xml -o all.xml'],
  async run(args) {
    checkInputPaths(args.positionals);
    notBuilt('evtx dump', 3);
  },
});

export const evtx = defineCommand({
  name: 'evtx',
  summary: 'Windows event log (.evtx) tools: dump',
  usage: 'hardnut evtx <command> [options]',
  options: { ...HELP },
  subcommands: [dump],
});
