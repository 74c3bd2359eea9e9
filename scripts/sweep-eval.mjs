#!/usr/bin/env node
// Measures hardnut's built-in webshell detectors on labelled corpora, straight through runDetectors (no CLI, no YARA):
// detection per language and per source on a webshell set, false positives (each file with its hit ids) on a benign
// set, and the time the detector pass took. A file counts as flagged when a hit on it scores 60 or more (medium+),
// as in the acceptance check.
//
//   npm run build && node scripts/sweep-eval.mjs [--webshells DIR] [--benign DIR] [--misses] [--lows] [--json]
//
// DIRs hold a manifest.csv (file, lang, and source_repo or source); the defaults are ../shared/data/{webshells,benign}.
// --misses lists the webshells not flagged; --lows lists benign files with a low (40-59) hit too.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'sweep', 'detectors', 'index.js');
if (!existsSync(built)) {
  console.error(`sweep-eval: ${built} is missing; run npm run build first`);
  process.exit(2);
}
const { runDetectors } = await import(built);

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const data = join(root, '..', 'shared', 'data');
const webshellDir = opt('--webshells', join(data, 'webshells'));
const benignDir = opt('--benign', join(data, 'benign'));
const showMisses = args.includes('--misses');
const showLows = args.includes('--lows');
const asJson = args.includes('--json');

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  if (field !== '' || row.length > 0) endRow();
  const [head, ...body] = rows;
  return body.filter((r) => r.length === head.length).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

function loadSet(dir) {
  const manifest = join(dir, 'manifest.csv');
  if (!existsSync(manifest)) return undefined;
  return parseCsv(readFileSync(manifest, 'utf8')).map((r) => ({
    file: r.file,
    lang: r.lang,
    source: r.source_repo ?? r.source ?? '?',
    bytes: new Uint8Array(readFileSync(join(dir, r.file))),
  }));
}

/** Run the detectors over a set; time only the detector pass (files are read before). */
function evaluate(set) {
  const results = [];
  let skipped = 0;
  const t0 = process.hrtime.bigint();
  for (const f of set) {
    const hits = runDetectors({ path: f.file, bytes: f.bytes }, () => skipped++);
    const top = hits.reduce((m, h) => Math.max(m, h.score), 0);
    results.push({ ...f, hits, top });
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { results, ms, skipped, bytes: set.reduce((n, f) => n + f.bytes.length, 0) };
}

function tally(results, key) {
  const out = new Map();
  for (const r of results) {
    const k = key(r);
    const t = out.get(k) ?? { total: 0, flagged: 0 };
    t.total++;
    if (r.top >= 60) t.flagged++;
    out.set(k, t);
  }
  return [...out.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

const pct = (t) => `${t.flagged}/${t.total} (${((100 * t.flagged) / Math.max(t.total, 1)).toFixed(1)}%)`;
const ids = (r) => r.hits.filter((h) => h.score >= 40).map((h) => `${h.id}=${h.score}`).join(' ');
const report = {};

const webshells = loadSet(webshellDir);
if (webshells === undefined) console.error(`sweep-eval: no manifest.csv in ${webshellDir}; webshell set skipped`);
else {
  const { results, ms, skipped, bytes } = evaluate(webshells);
  const all = { total: results.length, flagged: results.filter((r) => r.top >= 60).length };
  report.webshells = {
    all, ms, skipped, bytes,
    byLang: Object.fromEntries(tally(results, (r) => r.lang)),
    bySource: Object.fromEntries(tally(results, (r) => r.source)),
    byLangSource: Object.fromEntries(tally(results, (r) => `${r.lang} ${r.source}`)),
    misses: results.filter((r) => r.top < 60).map((r) => ({ file: r.file, source: r.source, hits: ids(r) })),
  };
}
const benign = loadSet(benignDir);
if (benign === undefined) console.error(`sweep-eval: no manifest.csv in ${benignDir}; benign set skipped`);
else {
  const { results, ms, skipped, bytes } = evaluate(benign);
  const fps = results.filter((r) => r.top >= 60);
  report.benign = {
    all: { total: results.length, flagged: fps.length }, ms, skipped, bytes,
    bySource: Object.fromEntries(tally(results, (r) => r.source)),
    falsePositives: fps.map((r) => ({ file: r.file, source: r.source, hits: ids(r) })),
    lows: results.filter((r) => r.top >= 40 && r.top < 60).map((r) => ({ file: r.file, source: r.source, hits: ids(r) })),
  };
}

if (asJson) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const w = report.webshells;
  if (w !== undefined) {
    console.log(`webshells ${webshellDir}: flagged ${pct(w.all)} in ${w.ms.toFixed(0)} ms (${(w.bytes / 1048576).toFixed(1)} MiB, ${w.skipped} detector errors)`);
    for (const [k, t] of Object.entries(w.byLang)) console.log(`  lang ${k.padEnd(40)} ${pct(t)}`);
    for (const [k, t] of Object.entries(w.bySource)) console.log(`  source ${k.padEnd(38)} ${pct(t)}`);
    for (const [k, t] of Object.entries(w.byLangSource)) console.log(`  ${k.padEnd(45)} ${pct(t)}`);
    if (showMisses) for (const m of w.misses) console.log(`  miss ${m.file} [${m.source}] ${m.hits}`);
  }
  const b = report.benign;
  if (b !== undefined) {
    console.log(`benign ${benignDir}: false positives ${pct(b.all)} in ${b.ms.toFixed(0)} ms (${(b.bytes / 1048576).toFixed(1)} MiB, ${b.skipped} detector errors)`);
    for (const [k, t] of Object.entries(b.bySource)) if (t.flagged > 0) console.log(`  source ${k.padEnd(38)} ${pct(t)}`);
    for (const f of b.falsePositives) console.log(`  FP ${f.file} [${f.source}] ${f.hits}`);
    console.log(`  low (40-59) hits on ${b.lows.length} benign files`);
    if (showLows) for (const f of b.lows) console.log(`  low ${f.file} [${f.source}] ${f.hits}`);
  }
}
