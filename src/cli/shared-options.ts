/** Options several commands share, defined once so their names, defaults and help read the same everywhere. */
import { LEVELS } from '../findings/level.js';
import type { OptionTable } from './options.js';

export const HELP = {
  help: { kind: 'boolean', short: 'h', description: 'Show this help' },
} as const satisfies OptionTable;

export const FINDINGS_OUTPUT = {
  format: { kind: 'string', arg: 'F', choices: ['table', 'jsonl', 'csv'], default: 'table', description: 'Output format' },
  output: { kind: 'string', short: 'o', arg: 'FILE', description: 'Write findings to FILE instead of standard output' },
  'fail-level': {
    kind: 'string',
    arg: 'L',
    choices: LEVELS,
    description: 'Exit 1 when a finding is at this level or above',
  },
} as const satisfies OptionTable;

export const CASE = {
  case: { kind: 'string', arg: 'FILE', default: 'hardnut.duckdb', description: 'Case store to add this run and its findings to' },
  'no-case': { kind: 'boolean', description: 'Do not write a case store' },
} as const satisfies OptionTable;

export const RUN = {
  threads: { kind: 'number', arg: 'N', min: 1, max: 256, description: 'Worker threads [default: all cores]' },
  strict: { kind: 'boolean', description: 'Treat any skipped input or rule as a fatal error (exit 2)' },
} as const satisfies OptionTable;
