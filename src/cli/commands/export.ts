/** `hardnut export stix|jsonl|csv`: a case's findings for other tools and for the authorities. */
import { defineCommand } from '../command.js';
import { HELP } from '../shared-options.js';
import { notBuilt } from './not-built.js';
import { UsageError } from '../../core/errors.js';

export const exportOptions = {
  case: { kind: 'string', arg: 'FILE', default: 'hardnut.duckdb', description: 'Case store to export' },
  out: { kind: 'string', short: 'o', arg: 'FILE', description: 'Where to write (standard output when absent)' },
  ...HELP,
} as const;

const FORMATS = ['stix', 'jsonl', 'csv'];

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'Export a case as a STIX 2.1 bundle, JSONL or CSV',
  usage: 'hardnut export stix|jsonl|csv [--case FILE] [--out FILE]',
  options: exportOptions,
  minPositionals: 1,
  maxPositionals: 1,
  positionalName: 'a format (stix, jsonl or csv)',
  async run(args) {
    const format = args.positionals[0]!;
    if (!FORMATS.includes(format)) throw new UsageError(`export takes stix, jsonl or csv, not '${format}'`);
    notBuilt('export', 7);
  },
});
