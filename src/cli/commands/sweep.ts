/** `hardnut sweep PATH...`: webshells and backdoors on disk. */
import { checkInputPaths } from '../../sources/walk.js';
import { defineCommand } from '../command.js';
import { CASE, FINDINGS_OUTPUT, HELP, RUN } from '../shared-options.js';
import { notBuilt } from './not-built.js';

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
  options: sweepOptions,
  minPositionals: 1,
  positionalName: 'a file or folder to scan',
  examples: ['hardnut sweep /var/www', 'hardnut sweep ./inetpub --yara signature-base/yara --format jsonl'],
  async run(args) {
    checkInputPaths(args.positionals);
    notBuilt('sweep', 6);
  },
});
