/** `hardnut rules check PATH...`: load Sigma rules and say, file by file, which load and why the others do not. */
import { checkInputPaths } from '../../sources/walk.js';
import { defineCommand } from '../command.js';
import { HELP } from '../shared-options.js';
import { notBuilt } from './not-built.js';

export const checkOptions = {
  format: { kind: 'string', arg: 'F', choices: ['text', 'jsonl'], default: 'text', description: 'Output format' },
  ...HELP,
} as const;

const check = defineCommand({
  name: 'check',
  summary: 'Load Sigma rules and report each file: loaded, or why not',
  usage: 'hardnut rules check PATH... [--format text|jsonl]',
  options: checkOptions,
  minPositionals: 1,
  positionalName: 'a rule file or folder',
  async run(args) {
    checkInputPaths(args.positionals);
    notBuilt('rules check', 4);
  },
});

export const rules = defineCommand({
  name: 'rules',
  summary: 'Detection rule tools: check',
  usage: 'hardnut rules <command> [options]',
  options: { ...HELP },
  subcommands: [check],
});
