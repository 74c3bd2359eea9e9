/** `hardnut report`: one self-contained HTML report of a case, board summary first. */
import { defineCommand } from '../command.js';
import { HELP } from '../shared-options.js';
import { notBuilt } from './not-built.js';

export const reportOptions = {
  case: { kind: 'string', arg: 'FILE', default: 'hardnut.duckdb', description: 'Case store to report on' },
  out: { kind: 'string', arg: 'FILE', default: 'report.html', description: 'Where to write the HTML report' },
  ...HELP,
} as const;

export const report = defineCommand({
  name: 'report',
  summary: 'Write the HTML report of a case: board summary, findings, timeline, ATT&CK heat map',
  usage: 'hardnut report [--case FILE] [--out report.html]',
  options: reportOptions,
  maxPositionals: 0,
  async run() {
    notBuilt('report', 7);
  },
});
