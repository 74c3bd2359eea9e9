/** `hardnut report`: one self-contained HTML report of a case, board summary first. */
import { renameSync, rmSync } from 'node:fs';
import { FdOutput } from '../../sinks/output.js';
import { openCase } from '../../store/open.js';
import { defineCommand } from '../command.js';
import { HELP } from '../shared-options.js';

export const reportOptions = {
  case: { kind: 'string', arg: 'FILE', default: 'hardnut.duckdb', description: 'Case store to report on' },
  out: { kind: 'string', short: 'o', arg: 'FILE', default: 'report.html', description: 'Where to write the HTML report' },
  org: { kind: 'string', arg: 'NAME', description: 'The organisation the report is for (its title)' },
  ...HELP,
} as const;

export const report = defineCommand({
  name: 'report',
  summary: 'Write the HTML report of a case: board summary, findings, timeline, ATT&CK heat map',
  usage: 'hardnut report [--case FILE] [--out report.html] [--org NAME]',
  description:
    'One self-contained HTML file that opens from disk and loads nothing: first a page for the board in plain words,\n' +
    'then for engineers every finding (filter, sort, evidence), a timeline, an ATT&CK heat map, the rules, hosts and runs.',
  options: reportOptions,
  maxPositionals: 0,
  examples: ['hardnut report', 'hardnut report --case acme.duckdb --out acme-report.html --org "Acme Quantum Ltd"'],
  async run(args, ctx) {
    // loaded when the command runs, so that every other command (and --help) starts without it
    const [{ buildReport }, { writeReportHtml }] = await Promise.all([import('../../report/model.js'), import('../../report/page.js')]);
    const o = args.options;
    const store = await openCase(o.case, { readOnly: true, hardnutVersion: ctx.version });
    let r;
    try {
      const meta = await store.meta();
      r = await buildReport(
        {
          location: o.case,
          caseId: meta['case_id'],
          org: o.org,
          generatedAt: new Date(),
          hardnutVersion: ctx.version,
          runs: await store.runs(),
          hosts: await store.hosts(),
        },
        store.findings({ order: 'time' }),
      );
    } finally {
      await store.close();
    }
    // Written beside the target and renamed, so a reader never opens half a report.
    const tmp = `${o.out}.${process.pid}.tmp`;
    const out = FdOutput.toFile(tmp);
    try {
      writeReportHtml(r, out);
      out.close();
      renameSync(tmp, o.out);
    } catch (err) {
      out.close();
      rmSync(tmp, { force: true });
      throw err;
    }
    ctx.stderr.write(`hardnut report: ${r.board.headline.toLowerCase()}; ${r.board.total} findings from ${r.context.runs.length} run${r.context.runs.length === 1 ? '' : 's'} written to ${o.out}\n`);
    return 0;
  },
});
