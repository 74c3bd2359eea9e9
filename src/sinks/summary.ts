/**
 * The closing summary every command prints on stderr: what was read, what was skipped and why, and the findings by level.
 */
import type { Diagnostics } from '../core/diagnostics.js';
import { LEVELS, type Level } from '../findings/level.js';
import { sanitiseText } from './sink.js';
import type { Style } from './style.js';

export interface SummarySection {
  title: string;
  rows: [string, string | number][];
}

export interface RunSummary {
  command: string;
  elapsedMs: number;
  /** Inputs read: files and bytes always; events or records where the command counts them. */
  read: { files: number; bytes: number; events?: number };
  findings?: Record<Level, number>;
  /** Rule sets: loaded and not loaded (each not-loaded rule was warned about by name). */
  rules?: { loaded: number; failed: number };
  sections?: SummarySection[];
}

export function emptyLevelCounts(): Record<Level, number> {
  return { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

const REASONS: Record<string, string> = {
  INPUT_UNREADABLE: 'unreadable',
  INPUT_SPECIAL: 'special files (FIFO, socket, device)',
  INPUT_LOOP: 'symlink loops or folders seen twice',
  INPUT_TOO_LARGE: 'over the size limit',
  INPUT_FORMAT: 'not in a format it reads',
  INPUT_RECORD: 'lines or records skipped in files that were read',
  RULE_INVALID: 'rules that did not load',
  RULE_UNSUPPORTED: 'rules using unsupported features',
  EVTX_FILE_HEADER: 'not EVTX, or a damaged EVTX file header',
  EVTX_CHUNK_HEADER: 'damaged EVTX chunks',
  EVTX_CHUNK_CRC: 'EVTX chunks whose checksum is wrong (read anyway)',
  EVTX_RECORD: 'damaged EVTX records, skipped',
  EVTX_BINXML: 'EVTX records whose content cannot be decoded, skipped',
  EVTX_TRUNCATED: 'truncated EVTX files',
  CASE_WRITE: 'case store writes that failed',
  CORRELATION_TRUNCATED: 'correlation inputs over the limit',
};

export function renderSummary(s: RunSummary, diagnostics: Diagnostics, style: Style): string {
  const lines: string[] = [];
  const secs = (s.elapsedMs / 1000).toFixed(1);
  const read = [`${s.read.files} file${s.read.files === 1 ? '' : 's'}`, `${formatCount(s.read.bytes)} bytes`];
  if (s.read.events !== undefined) read.push(`${formatCount(s.read.events)} events`);
  lines.push(style.bold(`hardnut ${s.command}: `) + `read ${read.join(', ')} in ${secs} s`);
  if (s.rules) lines.push(`  rules: ${s.rules.loaded} loaded` + (s.rules.failed ? `, ${s.rules.failed} not loaded (named above)` : ''));
  const skipped = diagnostics.byCode();
  if (skipped.length) {
    lines.push(`  skipped or warned: ${diagnostics.count}`);
    for (const { code, count, examples } of skipped) {
      const ex = examples[0];
      const where = ex ? ` — e.g. ${sanitiseText(ex.file ? `${ex.file}: ${ex.message}` : ex.message)}` : '';
      lines.push(`    ${count} ${REASONS[code] ?? code}${where}`.slice(0, 240));
    }
  }
  if (s.findings) {
    const parts = [...LEVELS].reverse().map((l) => `${s.findings![l]} ${l}`);
    const total = Object.values(s.findings).reduce((a, b) => a + b, 0);
    lines.push(`  findings: ${total}` + (total ? ` (${parts.join(', ')})` : ''));
  }
  for (const section of s.sections ?? []) {
    if (section.rows.length === 0) continue;
    lines.push(`  ${section.title}:`);
    for (const [k, v] of section.rows) lines.push(`    ${String(v).padStart(7)}  ${sanitiseText(k)}`);
  }
  return lines.join('\n') + '\n';
}

function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}
