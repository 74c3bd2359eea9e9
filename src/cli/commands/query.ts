/** `hardnut query "SQL"`: SQL over a case store, for analysts. */
import { defineCommand } from '../command.js';
import { HELP } from '../shared-options.js';
import { notBuilt } from './not-built.js';

export const queryOptions = {
  case: { kind: 'string', arg: 'FILE', default: 'hardnut.duckdb', description: 'Case store to query' },
  format: { kind: 'string', arg: 'F', choices: ['table', 'jsonl', 'csv'], default: 'table', description: 'Output format' },
  ...HELP,
} as const;

export const query = defineCommand({
  name: 'query',
  summary: 'Run SQL over a case store',
  usage: 'hardnut query [--case FILE] "SQL"',
  options: queryOptions,
  minPositionals: 1,
  maxPositionals: 1,
  positionalName: 'an SQL statement',
  async run() {
    notBuilt('query', 7);
  },
});
