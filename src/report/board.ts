/**
 * The board page: the first thing the report shows, in plain words. Is there evidence of compromise, how severe, on
 * which machines (crown jewels first), which of the advisories' tradecraft was seen, what to do next and whom to tell,
 * and MI5's four questions for boards. Every value is escaped.
 */
import { LEVELS, levelRank, type Level } from '../findings/level.js';
import { day, type Report } from './model.js';
import { esc } from './escape.js';
import { tradecraftById } from './tradecraft.js';

const LEVEL_WORD: Record<Level, string> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  informational: 'info',
};

export function badge(level: Level): string {
  return `<span class="badge b${levelRank(level)}">${esc(LEVEL_WORD[level])}</span>`;
}

function n(x: number): string {
  return x.toLocaleString('en-GB');
}

/** Level colours for SVG fills (presentation attributes, which the page's CSP allows without inline styles). */
export const LEVEL_FILL = ['#98a2b3', '#2e90fa', '#f08c00', '#d92d20', '#7a1212'];

function severityBar(levels: Record<Level, number>, total: number): string {
  let x = 0;
  const rects = [...LEVELS]
    .reverse()
    .filter((l) => levels[l] > 0)
    .map((l) => {
      const w = (levels[l] / Math.max(1, total)) * 100;
      const rect = `<rect x="${x.toFixed(3)}" y="0" width="${w.toFixed(3)}" height="10" fill="${LEVEL_FILL[levelRank(l)]}"><title>${esc(LEVEL_WORD[l])}: ${n(levels[l])}</title></rect>`;
      x += w;
      return rect;
    })
    .join('');
  return `<svg class="sevbar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="findings by severity">${rects}</svg>`;
}

function legend(levels: Record<Level, number>): string {
  return `<div class="legend">${[...LEVELS]
    .reverse()
    .map((l) => `<span><i class="bg${levelRank(l)}"></i>${n(levels[l])} ${esc(LEVEL_WORD[l])}</span>`)
    .join('')}</div>`;
}

/** `2–5 March 2021`, `28 February – 3 March 2021`, or both dates in full across years. */
export function period(first: string | null, last: string | null): string {
  if (!first || !last) return '—';
  const a = new Date(first);
  const b = new Date(last);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return esc(`${first} – ${last}`);
  const part = (d: Date, o: Intl.DateTimeFormatOptions) => d.toLocaleDateString('en-GB', { ...o, timeZone: 'UTC' });
  if (day(first) === day(last)) return esc(day(first));
  if (a.getUTCFullYear() === b.getUTCFullYear()) {
    if (a.getUTCMonth() === b.getUTCMonth()) return esc(`${a.getUTCDate()}–${day(last)}`);
    return esc(`${part(a, { day: 'numeric', month: 'long' })} – ${day(last)}`);
  }
  return esc(`${day(first)} – ${day(last)}`);
}

function hostsTable(r: Report): string {
  const listed = r.board.hosts.filter((h) => levelRank(h.maxLevel) >= 1);
  const hosts = listed.slice(0, 10);
  if (hosts.length === 0) return '<p class="sub">No machine shows anything above informational findings.</p>';
  const rows = hosts
    .map(
      (h) => `<tr><td class="nowrap"><b>${esc(h.name)}</b>${h.crownJewel ? ' <span class="jewel" title="marked as holding the crown jewels">CROWN JEWEL</span>' : ''}</td>
<td>${badge(h.maxLevel)}</td><td>${esc(
        h.tradecraft
          .filter((t) => t !== 'other')
          .slice(0, 4)
          .map((t) => tradecraftById(t).title.split(':')[0])
          .join(' · ') || 'other suspicious activity',
      )}</td><td class="num">${n(h.count)}</td><td class="nowrap">${period(h.first, h.last)}</td></tr>`,
    )
    .join('\n');
  const more = listed.length - hosts.length;
  return `<table class="hostlist"><thead><tr><th>Machine</th><th>Worst</th><th>What was seen there</th><th class="num">Findings</th><th>When</th></tr></thead><tbody>
${rows}</tbody></table>${more > 0 ? `<p class="small sub">…and ${n(more)} more machines, listed under Hosts.</p>` : ''}`;
}

function tradecraftList(r: Report): string {
  const seen = r.board.tradecraft.filter((t) => levelRank(t.maxLevel) >= 1);
  if (seen.length === 0) return '<p class="sub">None of the advisories’ tradecraft was seen.</p>';
  return `<div class="trade">${seen
    .map(
      (t) => `<div class="tcard t${levelRank(t.maxLevel)}"><h3>${esc(t.tradecraft.title)}</h3><p>${esc(t.tradecraft.meaning)}</p>
<div class="src">${badge(t.maxLevel)} on ${esc(t.hosts.length === 1 ? t.hosts[0] : `${t.hosts.length} machines`)} · ${n(t.count)} finding${t.count === 1 ? '' : 's'}${
        t.tradecraft.source ? `<br>${esc(t.tradecraft.source)}` : ''
      }</div></div>`,
    )
    .join('\n')}</div>`;
}

export function renderBoard(r: Report): string {
  const b = r.board;
  const c = r.context;
  const who = c.org ? esc(c.org) : 'this organisation';
  const examined = r.context.runs.reduce((a, run) => a + (run.filesRead ?? 0), 0);
  const incomplete = b.incompleteRuns
    ? `<div class="warn"><b>${b.incompleteRuns} of ${r.context.runs.length} runs did not finish</b> (stopped or failed): what they did not reach is not in this report. The engineers’ Runs section says which.</div>`
    : '';
  const jewels = b.crownJewels
    ? `${n(b.crownJewelsAffected.length)} of ${n(b.crownJewels)}`
    : '<span class="small">none marked yet</span>';
  return `<section id="board" class="card" aria-labelledby="board-title">
<div class="eyebrow">For the board · hardnut case report</div>
<h1 id="board-title">Is ${who} compromised?</h1>
<p class="sub">Written ${esc(day(c.generatedAt.toISOString()))} from ${n(r.context.runs.length)} run${r.context.runs.length === 1 ? '' : 's'} of hardnut over the evidence collected${
    examined ? ` (${n(examined)} files)` : ''
  }. Evidence period: ${period(b.first, b.last)}.</p>
<div class="verdict v-${b.verdict}" role="status"><h2>${esc(b.headline)}</h2><p>${esc(b.lead)}</p></div>
${incomplete}
<div class="figures">
<div class="figure"><div class="num">${n(b.hosts.filter((h) => levelRank(h.maxLevel) >= 2).length)} <span class="what">of ${n(b.hostsExamined)}</span></div><div class="what">machines with medium or worse findings</div></div>
<div class="figure"><div class="num">${n(b.levels.critical + b.levels.high)}</div><div class="what">critical or high findings, of ${n(b.total)} in all</div>${severityBar(b.levels, b.total)}${legend(b.levels)}</div>
<div class="figure"><div class="num">${period(b.first, b.last)}</div><div class="what">first and last suspicious activity seen</div></div>
<div class="figure"><div class="num">${jewels}</div><div class="what">crown-jewel machines affected</div></div>
</div>
<h2>What kind of attack this looks like</h2>
${tradecraftList(r)}
<h2>Which machines</h2>
${hostsTable(r)}
<div class="cols">
<div><h2>What to do next</h2>
<ol class="steps">${b.actions.map((a) => `<li><b>${esc(a.title)}</b>${esc(a.text)}</li>`).join('\n')}</ol></div>
<div><h2>Who to tell</h2>
<div class="contacts">${b.contacts
    .map((k) => `<div class="contact"><b>${esc(k.who)}</b>${esc(k.what)}${k.where.map((w) => `<div class="addr">${esc(w)}</div>`).join('')}</div>`)
    .join('\n')}</div></div>
</div>
<div class="questions"><b>MI5’s four questions for boards</b> (Ken McCallum, joint address with the FBI, July 2022)
<ol>${b.questions.map(([k, q]) => `<li><b>${esc(k)}.</b> ${esc(q)}</li>`).join('')}</ol>
<p class="small sub">Findings on machines marked as crown jewels are listed first. ${
    b.crownJewels ? `${n(b.crownJewels)} machine${b.crownJewels === 1 ? ' is' : 's are'} marked in this case.` : 'No machine is marked yet: record them in the case (hosts.crown_jewel) so they rank first.'
  }</p></div>
<p class="note">Severity follows the detection rules’ own levels (Sigma’s informational, low, medium, high, critical). A finding is evidence to be checked, not proof; “critical” means a pattern seen almost only in attacks.</p>
</section>`;
}
