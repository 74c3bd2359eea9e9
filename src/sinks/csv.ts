/**
 * Findings as CSV (RFC 4180), one row per finding, fixed columns. Cells that a spreadsheet would treat as a formula
 * (starting with = + - @ or a tab) are prefixed with an apostrophe: evidence is attacker-controlled text.
 */
import type { Finding } from '../findings/finding.js';
import type { TextSink } from './output.js';
import type { FindingSink } from './sink.js';

export const CSV_COLUMNS = [
  'time',
  'level',
  'kind',
  'rule_title',
  'rule_id',
  'rule_author',
  'host',
  'source',
  'record',
  'channel',
  'event_id',
  'path',
  'sha256',
  'attack',
  'summary',
  'count',
] as const;

export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function row(f: Finding): unknown[] {
  return [
    f.time,
    f.level,
    f.kind,
    f.rule.title,
    f.rule.id,
    f.rule.author,
    f.host,
    f.source,
    f.record,
    f.channel,
    f.event_id,
    f.path,
    f.sha256,
    f.attack.join(' '),
    f.summary,
    f.count ?? 1,
  ];
}

export function csvSink(out: TextSink): FindingSink {
  out.write(CSV_COLUMNS.join(',') + '\r\n');
  return {
    add(f) {
      out.write(row(f).map(csvCell).join(',') + '\r\n');
    },
    end() {
      out.flush();
    },
  };
}
