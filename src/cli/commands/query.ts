/** `hardnut query "SQL"`: SQL over a case store, for analysts, on a read-only connection. */
import { csvCell } from '../../sinks/csv.js';
import { sanitiseText } from '../../sinks/sink.js';
import { openCase } from '../../store/open.js';
import { defineCommand } from '../command.js';
import { HELP } from '../shared-options.js';

export const queryOptions = {
  case: { kind: 'string', arg: 'FILE', default: 'hardnut.duckdb', description: 'Case store to query' },
  format: { kind: 'string', arg: 'F', choices: ['table', 'jsonl', 'csv'], default: 'table', description: 'Output format' },
  'max-rows': { kind: 'number', arg: 'N', min: 1, default: 1000, description: 'Rows shown by --format table (jsonl and csv print all)' },
  ...HELP,
} as const;

const CELL_WIDTH = 48;

/** A value as one line of text for the table: JSON for lists and objects, control characters made visible. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  const clean = sanitiseText(s.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t'));
  return clean.length > CELL_WIDTH ? clean.slice(0, CELL_WIDTH - 1) + '…' : clean;
}

export function renderQueryTable(columns: string[], rows: unknown[][], more: number): string {
  const cells = rows.map((r) => r.map(cellText));
  const heads = columns.map((c) => cellText(c));
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(heads), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  const total = rows.length + more;
  out.push(more > 0 ? `(${total} rows, first ${rows.length} shown; --format jsonl or csv prints all)` : `(${total} row${total === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

export const query = defineCommand({
  name: 'query',
  summary: 'Run SQL over a case store',
  usage: 'hardnut query [--case FILE] [--format table|jsonl|csv] "SQL"',
  description:
    'One SQL statement (DuckDB dialect) over the case, on a read-only connection. Tables: runs, findings, hosts,\n' +
    'events, run_inputs, schema_version, case_meta; views finding_techniques and finding_tactics. See docs/case.md.',
  options: queryOptions,
  minPositionals: 1,
  maxPositionals: 1,
  positionalName: 'an SQL statement',
  examples: [
    'hardnut query "SELECT level, count(*) FROM findings GROUP BY level ORDER BY any_value(level_rank) DESC"',
    `hardnut query --format csv "SELECT time, host, rule_title, summary FROM findings WHERE level_rank >= 3 ORDER BY time"`,
  ],
  async run(args, ctx) {
    const o = args.options;
    const store = await openCase(o.case, { readOnly: true, hardnutVersion: ctx.version });
    try {
      const q = await store.query(args.positionals[0]!);
      if (o.format === 'jsonl') {
        for await (const chunk of q.rows) {
          for (const row of chunk) {
            const obj: Record<string, unknown> = {};
            q.columns.forEach((c, i) => (obj[c] = row[i]));
            ctx.stdout.write(JSON.stringify(obj) + '\n');
          }
        }
      } else if (o.format === 'csv') {
        ctx.stdout.write(q.columns.map(csvCell).join(',') + '\r\n');
        for await (const chunk of q.rows) {
          for (const row of chunk) ctx.stdout.write(row.map((v) => csvCell(v !== null && typeof v === 'object' ? JSON.stringify(v) : v)).join(',') + '\r\n');
        }
      } else {
        const shown: unknown[][] = [];
        let more = 0;
        for await (const chunk of q.rows) {
          for (const row of chunk) {
            if (shown.length < o['max-rows']) shown.push(row);
            else more++;
          }
        }
        ctx.stdout.write(renderQueryTable(q.columns, shown, more));
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});
