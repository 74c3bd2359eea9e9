/**
 * The engineers' sections, rendered on the server as static, escaped HTML (the page's script only adds the
 * interactive findings table and wires the filters): timeline, the order things first happened, ATT&CK heat map, every
 * rule that fired (with author and references), hosts, and the runs that built the case.
 */
import { LEVELS, levelRank } from '../findings/level.js';
import type { RunRow } from '../store/store.js';
import { ALL_TACTICS, ATTACK_VERSION, tacticId, tacticName } from './attack.js';
import { badge, LEVEL_FILL } from './board.js';
import { attr, esc } from './escape.js';
import type { Report } from './model.js';
import { tradecraftById } from './tradecraft.js';

const n = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toLocaleString('en-GB'));
const short = (t: string | null) => (t ? t.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '—');

export function renderFindingsSection(r: Report): string {
  return `<section id="findings" class="card" aria-labelledby="findings-title">
<h2 id="findings-title">Findings</h2>
<p class="sub small">Every finding in the case (${n(r.data.f.length)}). Filter and sort; select a row for its evidence, rule author and references. Evidence is shown as text, never run.</p>
<div class="toolbar" role="search">
<input id="q" type="search" placeholder="Filter: text in the summary, rule, host, file or evidence" aria-label="Filter findings by text" autocomplete="off" spellcheck="false">
<select id="f-level" aria-label="Minimum level"><option value="0">Any level</option><option value="1">Low or worse</option><option value="2">Medium or worse</option><option value="3">High or worse</option><option value="4">Critical only</option></select>
<select id="f-host" aria-label="Host"><option value="">Every host</option></select>
<select id="f-rule" aria-label="Rule"><option value="">Every rule</option></select>
<span id="f-chips"></span>
<button id="f-clear" type="button">Clear filters</button>
<span id="f-count" class="count" aria-live="polite"></span>
</div>
<div class="grid" role="table" aria-label="Findings" aria-rowcount="${r.data.f.length}">
<div class="grow ghead" role="row">
<div role="columnheader" data-sort="time" tabindex="0">Time (UTC)</div>
<div role="columnheader" data-sort="level" tabindex="0">Level</div>
<div role="columnheader" data-sort="host" tabindex="0">Host</div>
<div role="columnheader" data-sort="rule" tabindex="0">Rule</div>
<div role="columnheader" data-sort="summary" tabindex="0">What was seen</div>
</div>
<div id="viewport" class="viewport" tabindex="-1"><div id="spacer" class="spacer"></div></div>
</div>
<noscript>The interactive findings table needs JavaScript. Every rule that fired is listed below under “Rules that fired”.</noscript>
<div id="detail" class="detail" hidden></div>
</section>`;
}

function timelineSvg(r: Report): string {
  const { buckets, unit } = r.timeline;
  if (buckets.length === 0) return '<p class="sub">No finding has a time.</p>';
  const W = 1200;
  const H = 190;
  const left = 44;
  const bottom = 26;
  const max = Math.max(1, ...buckets.map((b) => b.counts.reduce((a, c) => a + c, 0)));
  const bw = (W - left - 6) / buckets.length;
  const scale = (H - bottom - 10) / max;
  const bars: string[] = [];
  buckets.forEach((b, i) => {
    let y = H - bottom;
    const total = b.counts.reduce((a, c) => a + c, 0);
    for (let l = 0; l < 5; l++) {
      const c = b.counts[l]!;
      if (!c) continue;
      const h = Math.max(1, c * scale);
      y -= h;
      bars.push(`<rect x="${(left + i * bw + 0.5).toFixed(2)}" y="${y.toFixed(2)}" width="${Math.max(1, bw - 1).toFixed(2)}" height="${h.toFixed(2)}" fill="${LEVEL_FILL[l]}"></rect>`);
    }
    if (total) bars.push(`<rect x="${(left + i * bw).toFixed(2)}" y="0" width="${bw.toFixed(2)}" height="${H - bottom}" fill="transparent"><title>${esc(short(b.start))}: ${total} finding${total === 1 ? '' : 's'}</title></rect>`);
  });
  const labels: string[] = [];
  const every = Math.max(1, Math.ceil(buckets.length / 12));
  buckets.forEach((b, i) => {
    if (i % every) return;
    const text = unit === 'hour' ? b.start.slice(5, 13).replace('T', ' ') + 'h' : b.start.slice(0, 10);
    labels.push(`<text x="${(left + i * bw).toFixed(1)}" y="${H - 8}">${esc(text)}</text>`);
  });
  const grid = [0, 0.5, 1].map((f) => {
    const y = H - bottom - f * max * scale;
    return `<line x1="${left}" x2="${W}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#dde2ea"></line><text x="4" y="${(y + 4).toFixed(1)}">${Math.round(f * max)}</text>`;
  });
  return `<div class="svgwrap"><svg class="timeline" viewBox="0 0 ${W} ${H}" role="img" aria-label="findings per ${unit}">${grid.join('')}${bars.join('')}${labels.join('')}</svg></div>
<div class="legend">${[...LEVELS].reverse().map((l) => `<span><i class="bg${levelRank(l)}"></i>${esc(l)}</span>`).join('')}<span>· one bar per ${unit} (UTC)</span></div>`;
}

export function renderTimeline(r: Report): string {
  const story = r.story
    .map(
      (s) => `<tr><td class="mono">${esc(short(s.time))}</td><td>${badge(s.level)}</td><td>${esc(s.host)}</td><td>${esc(s.rule)}</td><td>${esc(s.summary)}${
        s.count > 1 ? ` <span class="sub small">(×${n(s.count)})</span>` : ''
      }</td></tr>`,
    )
    .join('\n');
  return `<section id="timeline" class="card" aria-labelledby="timeline-title">
<h2 id="timeline-title">Timeline</h2>
${timelineSvg(r)}
<h3>How it unfolded: the first time each rule fired on each host</h3>
<div class="scroll"><table class="plain"><thead><tr><th>Time (UTC)</th><th>Level</th><th>Host</th><th>Rule</th><th>What was seen</th></tr></thead><tbody>
${story || '<tr><td colspan="5">No finding has a time.</td></tr>'}
</tbody></table></div>
</section>`;
}

export function renderHeatMap(r: Report): string {
  const max = Math.max(1, ...r.heat.flatMap((c) => c.cells.map((x) => x.count)));
  const heat = (count: number) => Math.min(5, 1 + Math.floor((Math.log(count) / Math.log(max + 1)) * 5));
  const cols = r.heat
    .map(
      (col) => `<div class="heatcol"><h3>${esc(tacticName(col.tactic))}<span>${esc(tacticId(col.tactic) ?? '')} · ${n(col.total)}</span></h3>${col.cells
        .map(
          (c) => `<button type="button" class="cell h${heat(c.count)} m${levelRank(c.maxLevel)}" data-tech="${attr(c.technique)}" title="${attr(
            `${c.technique || 'no technique id'} ${c.name}: ${c.count} findings, worst ${c.maxLevel}. Select to filter the findings.`,
          )}"><span class="n">${n(c.count)}</span><b>${esc(c.technique || '—')}</b><br>${esc(c.name)}</button>`,
        )
        .join('')}</div>`,
    )
    .join('\n');
  const empty = ALL_TACTICS.filter((t) => !r.heat.some((c) => c.tactic === t)).map(tacticName);
  return `<section id="attack" class="card" aria-labelledby="attack-title">
<h2 id="attack-title">ATT&amp;CK heat map</h2>
<p class="sub small">Tactics (columns, in ATT&amp;CK order) by technique; the colour deepens with the number of findings, the left edge shows the worst level. Select a technique to filter the findings.</p>
${cols ? `<div class="heat">${cols}</div>` : '<p class="sub">No finding carries an ATT&amp;CK technique or tactic.</p>'}
${empty.length && cols ? `<p class="small sub">No findings under: ${esc(empty.join(', '))}.</p>` : ''}
</section>`;
}

export function renderRules(r: Report): string {
  const rows = r.rules
    .map((rule, i) => {
      const refs = rule.references.length ? `<ul class="refs">${rule.references.slice(0, 8).map((u) => `<li>${esc(u)}</li>`).join('')}</ul>` : '';
      return `<tr><td>${badge(rule.level)}</td><td><button type="button" class="link" data-rule="${i}" data-rule-id="${attr(rule.id)}" title="Filter the findings to this rule">${esc(
        rule.title,
      )}</button><div class="small sub mono">${esc(rule.id)}${rule.attack.length ? ' · ' + esc(rule.attack.join(' ')) : ''}</div>${refs}</td><td class="num">${n(rule.count)}</td><td>${esc(
        rule.hosts.slice(0, 3).join(', '),
      )}${rule.hosts.length > 3 ? ` <span class="sub">+${rule.hosts.length - 3}</span>` : ''}</td><td>${esc(rule.author ?? '—')}</td><td>${esc(rule.kind)}</td><td class="mono small">${esc(
        short(rule.first),
      )}</td></tr>`;
    })
    .join('\n');
  return `<section id="rules" class="card" aria-labelledby="rules-title">
<h2 id="rules-title">Rules that fired (${n(r.rules.length)})</h2>
<p class="sub small">Each rule’s author is credited, as the Detection Rule License (DRL 1.1) under which SigmaHQ and signature-base publish their rules asks.</p>
<div class="scroll"><table class="plain"><thead><tr><th>Level</th><th>Rule</th><th class="num">Findings</th><th>Hosts</th><th>Author</th><th>Kind</th><th>First (UTC)</th></tr></thead><tbody>
${rows || '<tr><td colspan="7">No rule fired.</td></tr>'}
</tbody></table></div>
</section>`;
}

export function renderHosts(r: Report): string {
  const known = new Map(r.context.hosts.map((h) => [h.name, h]));
  const names = new Set([...r.board.hosts.map((h) => h.name), ...known.keys()]);
  const stats = new Map(r.board.hosts.map((h) => [h.name, h]));
  const rows = [...names]
    .map((name) => ({ name, s: stats.get(name), k: known.get(name) }))
    .sort((a, b) => Number(b.s?.crownJewel ?? b.k?.crownJewel ?? false) - Number(a.s?.crownJewel ?? a.k?.crownJewel ?? false) || (b.s?.count ?? 0) - (a.s?.count ?? 0) || a.name.localeCompare(b.name))
    .map(({ name, s, k }) => {
      const jewel = s?.crownJewel ?? k?.crownJewel ?? false;
      const lv = s?.levels;
      return `<tr><td><button type="button" class="link" data-host="${attr(name)}">${esc(name)}</button>${jewel ? '<span class="jewel">CROWN JEWEL</span>' : ''}</td><td>${
        s ? badge(s.maxLevel) : '<span class="sub">none</span>'
      }</td>${[4, 3, 2, 1, 0].map((l) => `<td class="num">${lv ? n(lv[LEVELS[l]!]) : '0'}</td>`).join('')}<td>${esc(
        (s?.tradecraft ?? []).map((t) => tradecraftById(t).title.split(':')[0]).join('; '),
      )}</td><td class="mono small">${esc(short(s?.first ?? k?.firstSeen ?? null))}</td><td class="mono small">${esc(short(s?.last ?? k?.lastSeen ?? null))}</td></tr>`;
    })
    .join('\n');
  return `<section id="hosts" class="card" aria-labelledby="hosts-title">
<h2 id="hosts-title">Hosts (${n(names.size)})</h2>
<div class="scroll"><table class="plain"><thead><tr><th>Host</th><th>Worst</th><th class="num">Crit.</th><th class="num">High</th><th class="num">Med.</th><th class="num">Low</th><th class="num">Info</th><th>Tradecraft</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>
${rows || '<tr><td colspan="10">No hosts.</td></tr>'}
</tbody></table></div>
</section>`;
}

function runStatus(run: RunRow): string {
  if (run.completed) return 'completed';
  if (run.endedAt === null) return `<b>did not finish</b>${run.error ? ` — ${esc(run.error)}` : ''}`;
  return `<b>failed</b>${run.error ? ` — ${esc(run.error)}` : ''}`;
}

export function renderRuns(r: Report): string {
  const rows = r.context.runs
    .map((run) => {
      const skipped = run.skipped.length
        ? `<ul class="refs">${run.skipped
            .map((s) => `<li>${esc(`${s.count} × ${s.code}`)}${s.examples[0] ? ` — ${esc(s.examples[0].file ? `${s.examples[0].file}: ${s.examples[0].message}` : s.examples[0].message)}` : ''}</li>`)
            .join('')}</ul>`
        : '';
      return `<tr><td class="mono small">${esc(short(run.startedAt.toISOString()))}<br>${esc(short(run.endedAt ? run.endedAt.toISOString() : null))}</td><td>${runStatus(run)}</td><td class="mono small">hardnut ${esc(
        run.command,
      )} ${esc(run.arguments.join(' '))}</td><td>${esc(run.hardnutVersion)}<br><span class="sub small">${esc(run.machine)}</span></td><td class="num">${n(run.filesRead)}<br><span class="sub small">${n(
        run.bytesRead,
      )} bytes${run.eventsRead !== null ? `, ${n(run.eventsRead)} events` : ''}</span></td><td>${n(run.inputsSkipped)}${skipped}</td><td class="num">${n(run.findingsStored)}</td></tr>`;
    })
    .join('\n');
  return `<section id="runs" class="card" aria-labelledby="runs-title">
<h2 id="runs-title">Runs</h2>
<p class="sub small">The runs that built this case, oldest first. Case file: <span class="mono">${esc(r.context.location)}</span>${r.context.caseId ? `, case id <span class="mono">${esc(r.context.caseId)}</span>` : ''}.</p>
<div class="scroll"><table class="plain"><thead><tr><th>Started / ended (UTC)</th><th>Status</th><th>Command</th><th>Version / machine</th><th class="num">Files read</th><th>Skipped</th><th class="num">Findings</th></tr></thead><tbody>
${rows || '<tr><td colspan="7">No runs.</td></tr>'}
</tbody></table></div>
</section>`;
}

export function renderFooter(r: Report): string {
  return `<footer>
<p>Written by hardnut ${esc(r.context.hardnutVersion)} on ${esc(r.context.generatedAt.toISOString())}. This file is self-contained: it loads nothing and sends nothing.</p>
<p>ATT&amp;CK names from MITRE ATT&amp;CK® Enterprise v${esc(ATTACK_VERSION)}. © 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.</p>
<p>Detection rules are their authors’ work, credited with each finding; SigmaHQ and signature-base rules are published under the Detection Rule License 1.1.</p>
${r.data.truncated ? `<p>${n(r.data.truncated)} long evidence values are shortened in this page; the case store holds them in full.</p>` : ''}
</footer>`;
}
