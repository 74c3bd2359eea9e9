/** `hardnut hunt PATH...`: Sigma rules over event logs and web server logs. */
import { LEVELS } from '../../findings/level.js';
import { checkInputPaths } from '../../sources/walk.js';
import { defineCommand } from '../command.js';
import { CASE, FINDINGS_OUTPUT, HELP, RUN } from '../shared-options.js';
import { notBuilt } from './not-built.js';

export const huntOptions = {
  rules: { kind: 'list', arg: 'PATH', description: 'Sigma rule file or folder to run (in addition to the built-in pack)' },
  'no-builtin': { kind: 'boolean', description: 'Do not run the built-in rule pack' },
  'min-level': { kind: 'string', arg: 'L', choices: LEVELS, default: 'low', description: 'Report findings at this level or above' },
  status: { kind: 'list', arg: 'S', description: 'Only rules of this status (stable, test, experimental…)' },
  from: { kind: 'string', arg: 'TIME', description: 'Only events at or after TIME (ISO 8601)' },
  to: { kind: 'string', arg: 'TIME', description: 'Only events before TIME (ISO 8601)' },
  ...FINDINGS_OUTPUT,
  ...CASE,
  ...RUN,
  ...HELP,
} as const;

export const hunt = defineCommand({
  name: 'hunt',
  summary: 'Hunt event logs (EVTX, JSON, XML) and web server logs with Sigma rules',
  usage: 'hardnut hunt PATH... [options]',
  description:
    'Reads every event log and web server log under PATH (recognised by content) and runs the built-in rule pack\n' +
    'for the advisories’ tradecraft, plus any Sigma rules given with --rules.',
  options: huntOptions,
  minPositionals: 1,
  positionalName: 'a file or folder of evidence',
  examples: ['hardnut hunt ./evidence', 'hardnut hunt C:/logs --rules sigma/rules --format jsonl -o findings.jsonl'],
  async run(args) {
    checkInputPaths(args.positionals);
    notBuilt('hunt', 5);
  },
});
