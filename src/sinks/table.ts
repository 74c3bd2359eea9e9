/**
 * Findings for people: grouped by severity, most severe first, identical findings folded into one line with a count.
 * Everything printed from evidence is sanitised: an attacker's command line must not drive the terminal.
 */
import type { Finding } from '../findings/finding.js';
import { Folder } from '../findings/fold.js';
import { LEVELS, levelRank } from '../findings/level.js';
import type { TextSink } from './output.js';
import { sanitiseText, type FindingSink } from './sink.js';
import type { Style } from './style.js';

export interface TableOptions {
  style: Style;
  /** Terminal width; lines are cut to it. */
  width?: number;
  /** Rows shown per severity before "… and N more". */
  rowsPerLevel?: number;
}

export function tableSink(out: TextSink, options: TableOptions): FindingSink {
  const folder = new Folder();
  return {
    add(f) {
      folder.add(f);
    },
    end() {
      out.write(renderTable(folder, options));
      out.flush();
    },
  };
}

function levelColour(style: Style, level: string): (s: string) => string {
  const r = levelRank(level);
  return r >= 4 ? (s) => style.bold(style.red(s)) : r === 3 ? style.red : r === 2 ? style.yellow : r === 1 ? style.cyan : style.dim;
}

function cut(s: string, width: number): string {
  return s.length > width ? s.slice(0, Math.max(1, width - 1)) + '…' : s;
}

function when(first: string | null, last: string | null): string {
  const short = (t: string) => t.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  if (first === null) return '-';
  return first === last || last === null ? short(first) : `${short(first)} → ${short(last)}`;
}

export function renderTable(folder: Folder, options: TableOptions): string {
  const { style } = options;
  const width = Math.max(60, options.width ?? 120);
  const perLevel = options.rowsPerLevel ?? 100;
  const rows = folder.sorted();
  if (rows.length === 0) return 'No findings.\n';
  const lines: string[] = [];
  for (const level of [...LEVELS].reverse()) {
    const group = rows.filter((r) => r.finding.level === level);
    if (group.length === 0) continue;
    const total = group.reduce((n, r) => n + r.count, 0);
    const colour = levelColour(style, level);
    lines.push('', colour(`${level.toUpperCase()}`) + style.dim(` — ${total} finding${total === 1 ? '' : 's'}`));
    for (const r of group.slice(0, perLevel)) {
      const f: Finding = r.finding;
      const count = `×${r.count}`.padStart(6);
      const head = `${count}  ${sanitiseText(f.rule.title)}`;
      const where = sanitiseText([f.host, when(r.first, r.last)].filter((x) => x && x !== '-').join('  '));
      lines.push(cut(head, width - where.length - 2).padEnd(Math.max(0, width - where.length - 2)) + '  ' + style.dim(where));
      lines.push(style.dim(cut('        ' + sanitiseText(f.summary), width)));
      lines.push(style.dim(cut('        ' + sanitiseText(f.path ?? f.source), width)));
    }
    if (group.length > perLevel) {
      lines.push(style.dim(`        … and ${group.length - perLevel} more (--format jsonl or csv lists every finding)`));
    }
  }
  return lines.join('\n') + '\n';
}
