/**
 * The report as one self-contained HTML file: inline style and script allowed by their SHA-256 hashes in a strict
 * Content-Security-Policy (nothing else may load or run: default-src 'none'), the case's data embedded as JSON in a
 * non-executable <script type="application/json"> block, and no remote src or href anywhere.
 */
import { createHash } from 'node:crypto';
import type { TextSink } from '../sinks/output.js';
import { renderBoard } from './board.js';
import { reportClient } from './client.js';
import { CSS } from './css.js';
import { esc, jsonForScript } from './escape.js';
import type { Report } from './model.js';
import { renderFindingsSection, renderFooter, renderHeatMap, renderHosts, renderRules, renderRuns, renderTimeline } from './sections.js';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page's script: the client function's own source, called once the document has been parsed. */
export const SCRIPT = `"use strict";(${reportClient.toString()})();`;

/** The Content-Security-Policy of a page whose only style and script are `css` and `script`. */
export function contentSecurityPolicy(css: string, script: string): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(css)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

/** Write the report to `out` (in parts: the embedded data of a large case is tens of megabytes). */
export function writeReportHtml(r: Report, out: TextSink): void {
  const csp = contentSecurityPolicy(CSS, SCRIPT);
  const title = `hardnut report${r.context.org ? ` — ${r.context.org}` : ''}`;
  out.write(`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hardnut ${esc(r.context.hardnutVersion)}">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
<header class="topbar"><b>HARDNUT</b><nav aria-label="Sections"><a href="#board">Board summary</a><a href="#findings">Findings</a><a href="#timeline">Timeline</a><a href="#attack">ATT&amp;CK</a><a href="#rules">Rules</a><a href="#hosts">Hosts</a><a href="#runs">Runs</a></nav><span class="spacer"></span><span>${esc(r.context.location)}</span></header>
<main>
`);
  out.write(renderBoard(r));
  out.write(`\n<div class="engineers"><div class="eyebrow">For engineers</div><h2>The detail behind the summary</h2></div>\n`);
  out.write(renderFindingsSection(r));
  out.write(renderTimeline(r));
  out.write(renderHeatMap(r));
  out.write(renderRules(r));
  out.write(renderHosts(r));
  out.write(renderRuns(r));
  out.write(renderFooter(r));
  out.write('\n</main>\n<script type="application/json" id="hardnut-data">');
  writeData(r, out);
  out.write(`</script>\n<script>${SCRIPT}</script>\n</body>\n</html>\n`);
}

/** The embedded data, its finding rows written a thousand at a time rather than as one giant string. */
function writeData(r: Report, out: TextSink): void {
  const { f, ...rest } = r.data;
  const head = jsonForScript({ ...rest, f: 0 });
  out.write(head.slice(0, -2)); // …,"f":0}  →  …,"f":
  out.write('[');
  for (let i = 0; i < f.length; i += 1000) {
    out.write((i ? ',' : '') + f.slice(i, i + 1000).map(jsonForScript).join(','));
  }
  out.write(']}');
}
