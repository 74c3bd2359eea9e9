/** `hardnut export stix|jsonl|csv`: a case's findings for other tools and for the authorities. */
import { renameSync, rmSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { TLP_LEVELS, type Tlp } from '../../report/stix/tlp.js';
import { csvSink } from '../../sinks/csv.js';
import { jsonlSink } from '../../sinks/jsonl.js';
import { FdOutput, type TextSink } from '../../sinks/output.js';
import { openCase } from '../../store/open.js';
import { defineCommand } from '../command.js';
import { HELP } from '../shared-options.js';

export const exportOptions = {
  case: { kind: 'string', arg: 'FILE', default: 'hardnut.duckdb', description: 'Case store to export' },
  out: { kind: 'string', short: 'o', arg: 'FILE', description: 'Where to write (standard output when absent)' },
  org: { kind: 'string', arg: 'NAME', default: 'Reporting organisation', description: 'STIX: the reporting organisation’s name' },
  contact: { kind: 'string', arg: 'TEXT', description: 'STIX: contact information for the reporting organisation' },
  tlp: { kind: 'string', arg: 'LEVEL', choices: TLP_LEVELS, default: 'amber', description: 'STIX: Traffic Light Protocol marking' },
  ...HELP,
} as const;

const FORMATS = ['stix', 'jsonl', 'csv'];

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'Export a case as a STIX 2.1 bundle, JSONL or CSV',
  usage: 'hardnut export stix|jsonl|csv [--case FILE] [--out FILE]',
  description:
    'stix: one STIX 2.1 bundle (identity, observed data and sightings, indicators for IOCs that matched, ATT&CK\n' +
    'attack patterns, relationships, a report) to send to NCSC, the FBI or CISA. jsonl and csv: the findings, oldest\n' +
    'first, in the shapes of hunt and sweep --format jsonl|csv (docs/findings.md).',
  options: exportOptions,
  minPositionals: 1,
  maxPositionals: 1,
  positionalName: 'a format (stix, jsonl or csv)',
  examples: ['hardnut export stix --case acme.duckdb --org "Acme Quantum Ltd" --out acme.stix.json', 'hardnut export csv -o findings.csv'],
  async run(args, ctx) {
    // loaded when the command runs, so that every other command (and --help) starts without it
    const { writeStixBundle } = await import('../../report/stix/bundle.js');
    const format = args.positionals[0]!;
    if (!FORMATS.includes(format)) throw new UsageError(`export takes stix, jsonl or csv, not '${format}'`);
    const o = args.options;
    const store = await openCase(o.case, { readOnly: true, hardnutVersion: ctx.version });
    const tmp = o.out ? `${o.out}.${process.pid}.tmp` : undefined;
    const file = tmp ? FdOutput.toFile(tmp) : undefined;
    const out: TextSink = file ?? ctx.stdout;
    try {
      let what: string;
      if (format === 'stix') {
        const meta = await store.meta();
        const counts = await writeStixBundle(store.findings({ order: 'group' }), out, {
          org: o.org,
          contact: o.contact,
          tlp: o.tlp as Tlp,
          now: new Date(),
          caseId: meta['case_id'],
        });
        what = `${counts.objects} STIX objects (${counts.sightings} sightings, ${counts.indicators} indicators, ${counts.attackPatterns} attack patterns)`;
      } else {
        const sink = format === 'jsonl' ? jsonlSink(out) : csvSink(out);
        let n = 0;
        for await (const batch of store.findings({ order: 'time' })) {
          for (const f of batch) sink.add(f);
          n += batch.length;
        }
        sink.end();
        what = `${n} findings as ${format}`;
      }
      if (file && tmp) {
        file.close();
        renameSync(tmp, o.out!);
      }
      ctx.stderr.write(`hardnut export: ${what}${o.out ? ` written to ${o.out}` : ''}\n`);
      return 0;
    } catch (err) {
      file?.close();
      if (tmp) rmSync(tmp, { force: true });
      throw err;
    } finally {
      await store.close();
    }
  },
});
