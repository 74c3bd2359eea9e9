/** The report's one style sheet (inline, allowed by its hash in the page's Content-Security-Policy). */
export const CSS = `
:root {
  --ink: #1d2433; --muted: #5b6576; --faint: #8a93a3; --line: #dde2ea; --paper: #ffffff; --wash: #f5f7fa;
  --red: #b42318; --red-bg: #fef3f2; --amber: #b54708; --amber-bg: #fffaeb; --green: #067647; --green-bg: #ecfdf3;
  --l4: #7a1212; --l3: #d92d20; --l2: #f08c00; --l1: #2e90fa; --l0: #98a2b3; --accent: #1f4e8c;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--wash); }
h1, h2, h3 { line-height: 1.25; margin: 0 0 .5rem; }
h1 { font-size: 1.9rem; letter-spacing: -.01em; }
h2 { font-size: 1.35rem; margin-top: 0; }
h3 { font-size: 1.05rem; }
section h3 { margin-top: 1rem; }
p { margin: 0 0 .75rem; }
code, .mono { font-family: var(--mono); font-size: .86em; }
.topbar { position: sticky; top: 0; z-index: 5; display: flex; gap: 1.25rem; align-items: center; padding: .55rem 1.5rem;
  background: #17233a; color: #e7ecf5; font-size: .9rem; }
.topbar b { letter-spacing: .04em; }
.topbar nav { display: flex; gap: .9rem; flex-wrap: wrap; }
.topbar a { color: #c9d6ee; text-decoration: none; }
.topbar a:hover, .topbar a:focus { color: #fff; text-decoration: underline; }
.topbar .spacer { flex: 1; }
main { max-width: 1320px; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
section.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 1.4rem 1.6rem; margin: 0 0 1.25rem; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: .75rem; color: var(--muted); font-weight: 600; margin-bottom: .25rem; }
.sub { color: var(--muted); }
.small { font-size: .85rem; }

/* Board page */
.verdict { border-radius: 10px; padding: 1.1rem 1.4rem; margin: 1rem 0 1.2rem; border-left: 8px solid; }
.verdict h2 { font-size: 1.7rem; margin-bottom: .35rem; }
.verdict p { font-size: 1.06rem; margin: 0; max-width: 70em; }
.v-compromise { background: var(--red-bg); border-color: var(--red); } .v-compromise h2 { color: var(--red); }
.v-suspicious { background: var(--amber-bg); border-color: var(--amber); } .v-suspicious h2 { color: var(--amber); }
.v-clear { background: var(--green-bg); border-color: var(--green); } .v-clear h2 { color: var(--green); }
.v-empty { background: var(--wash); border-color: var(--faint); }
.figures { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .9rem; margin-bottom: 1.2rem; }
.figure { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.figure .num { font-size: 1.7rem; font-weight: 700; line-height: 1.1; }
.figure .what { color: var(--muted); font-size: .88rem; }
.sevbar { display: block; width: 100%; height: 10px; border-radius: 5px; margin: .45rem 0 .3rem; background: var(--line); }
.legend { display: flex; flex-wrap: wrap; gap: .2rem .7rem; font-size: .8rem; color: var(--muted); }
.legend i { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .25rem; vertical-align: -1px; }
.bg0 { background: var(--l0); } .bg1 { background: var(--l1); } .bg2 { background: var(--l2); } .bg3 { background: var(--l3); } .bg4 { background: var(--l4); }
.cols { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 2rem; margin-top: 1.4rem; }
.hostlist { width: 100%; border-collapse: collapse; font-size: .92rem; }
.hostlist td, .hostlist th { padding: .42rem .4rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
.hostlist th { font-size: .78rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600; }
.jewel { display: inline-block; font-size: .72rem; font-weight: 700; color: #6b3d00; background: #ffe9a8; border-radius: 4px; padding: 0 .35rem; margin-left: .35rem; letter-spacing: .02em; }
.badge { display: inline-block; min-width: 4.9rem; text-align: center; font-size: .74rem; font-weight: 700; text-transform: uppercase; letter-spacing: .04em;
  border-radius: 4px; padding: .05rem .4rem; color: #fff; }
.b0 { background: var(--l0); } .b1 { background: var(--l1); } .b2 { background: var(--l2); color: #2b1700; } .b3 { background: var(--l3); } .b4 { background: var(--l4); }
.trade { display: grid; grid-template-columns: repeat(auto-fill, minmax(350px, 1fr)); gap: .8rem; margin-bottom: 1.4rem; }
.tcard { border: 1px solid var(--line); border-left: 6px solid var(--l1); border-radius: 8px; padding: .7rem .9rem; }
.tcard.t4 { border-left-color: var(--l4); } .tcard.t3 { border-left-color: var(--l3); } .tcard.t2 { border-left-color: var(--l2); }
.tcard h3 { margin: 0 0 .25rem; font-size: 1rem; }
.tcard p { margin: 0 0 .4rem; font-size: .9rem; }
.tcard .src { font-size: .78rem; color: var(--muted); }
.tcard .badge { min-width: 0; font-size: .68rem; }
.nowrap { white-space: nowrap; }
ol.steps { margin: 0; padding-left: 1.3rem; }
ol.steps li { margin-bottom: .55rem; padding-left: .2rem; }
ol.steps b { display: block; }
.contacts { display: grid; grid-template-columns: 1fr; gap: .5rem; }
.contact { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; font-size: .88rem; }
.contact b { display: block; }
.contact .addr { font-family: var(--mono); font-size: .82rem; color: var(--accent); user-select: all; word-break: break-all; }
.questions { background: #f3f5fb; border-radius: 8px; padding: .9rem 1.1rem; margin-top: 1.1rem; }
.questions ol { margin: .3rem 0 0; padding-left: 1.3rem; }
.questions li { margin-bottom: .3rem; }
.note { font-size: .85rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: .6rem; margin-top: 1rem; }
.warn { background: var(--amber-bg); border: 1px solid #f5c77e; border-radius: 6px; padding: .5rem .8rem; margin: .8rem 0; font-size: .9rem; }
.engineers { margin: 2rem 0 .8rem; padding-top: .4rem; border-top: 3px solid #17233a; }

/* Findings table (virtualised) */
.toolbar { display: flex; flex-wrap: wrap; gap: .5rem .7rem; align-items: center; margin-bottom: .7rem; }
.toolbar input[type=search] { flex: 1 1 18rem; min-width: 12rem; padding: .45rem .6rem; border: 1px solid #b9c2d0; border-radius: 6px; font: inherit; }
.toolbar select { padding: .4rem .4rem; border: 1px solid #b9c2d0; border-radius: 6px; font: inherit; font-size: .9rem; max-width: 17rem; background: #fff; }
.toolbar button { font: inherit; font-size: .88rem; padding: .38rem .7rem; border: 1px solid #b9c2d0; border-radius: 6px; background: #fff; cursor: pointer; }
button.link { font: inherit; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer; text-align: left; }
button.link:hover, button.link:focus { text-decoration: underline; }
.chip { display: inline-flex; align-items: center; gap: .3rem; background: #e8eefb; color: var(--accent); border-radius: 999px; padding: .1rem .55rem; font-size: .85rem; }
.count { color: var(--muted); font-size: .88rem; margin-left: auto; }
.grid { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.grow { display: grid; grid-template-columns: 10.5rem 6.2rem 12rem minmax(12rem, 2fr) minmax(14rem, 3fr); align-items: center; }
.ghead { background: #eef1f6; border-bottom: 1px solid var(--line); font-size: .8rem; font-weight: 600; color: #3b4556; }
.ghead > div { padding: .45rem .55rem; cursor: pointer; user-select: none; white-space: nowrap; }
.ghead > div:hover { background: #e3e8f0; }
.ghead > div[aria-sort=ascending]::after { content: " ▲"; font-size: .7em; }
.ghead > div[aria-sort=descending]::after { content: " ▼"; font-size: .7em; }
.viewport { position: relative; height: 540px; overflow-y: auto; background: #fff; }
.spacer { position: relative; }
.rowv { position: absolute; left: 0; right: 0; height: 30px; border-bottom: 1px solid #eef0f4; font-size: .86rem; cursor: pointer; }
.rowv:hover { background: #f5f8fd; } .rowv.sel { background: #e8eefb; } .rowv:focus { outline: 2px solid var(--accent); outline-offset: -2px; }
.rowv > div { padding: 0 .55rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.rowv .t { font-family: var(--mono); font-size: .8rem; color: #3b4556; }
.empty { padding: 2rem; text-align: center; color: var(--muted); }
.detail { margin-top: 1rem; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; background: #fbfcfe; }
.detail h3 { font-size: 1.1rem; }
.kv { display: grid; grid-template-columns: 11rem minmax(0, 1fr); gap: .25rem .8rem; font-size: .88rem; margin: .4rem 0 .8rem; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; word-break: break-word; }
.evidence { width: 100%; border-collapse: collapse; font-size: .84rem; margin-top: .3rem; }
.evidence td { border-top: 1px solid var(--line); padding: .3rem .4rem; vertical-align: top; }
.evidence td:first-child { width: 14rem; color: var(--muted); font-family: var(--mono); font-size: .8rem; }
.evidence pre { margin: 0; white-space: pre-wrap; word-break: break-all; font-family: var(--mono); font-size: .8rem; max-height: 22rem; overflow: auto; }
.refs { margin: .2rem 0; padding-left: 1.1rem; font-family: var(--mono); font-size: .8rem; word-break: break-all; }

/* Timeline, heat map, tables */
.svgwrap { width: 100%; overflow-x: auto; }
svg.timeline { width: 100%; height: auto; display: block; }
svg.timeline text { font: 11px system-ui, sans-serif; fill: #5b6576; }
table.plain { width: 100%; border-collapse: collapse; font-size: .88rem; }
table.plain td.mono { white-space: nowrap; }
table.plain th, table.plain td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.plain th { background: #eef1f6; font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; color: #3b4556; position: sticky; top: 2.3rem; }
table.plain td.num, table.plain th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.plain tr:hover td { background: #fafbfd; }
.scroll { max-height: 34rem; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
.scroll table.plain th { top: 0; }
.heat { display: flex; flex-wrap: wrap; gap: .8rem .5rem; padding-bottom: .4rem; align-items: flex-start; }
.heatcol { flex: 1 1 9.5rem; max-width: 16rem; }
.heatcol h3 { font-size: .86rem; background: #17233a; color: #fff; border-radius: 6px 6px 0 0; padding: .45rem .55rem; margin: 0; }
.heatcol h3 span { display: block; font-weight: 400; font-size: .75rem; color: #c9d6ee; }
.cell { display: block; width: 100%; text-align: left; border: 0; border-left: 5px solid var(--l0); margin: 2px 0 0; padding: .35rem .45rem; font: inherit; font-size: .78rem;
  line-height: 1.25; cursor: pointer; color: var(--ink); overflow-wrap: anywhere; }
.cell b { font-family: var(--mono); font-size: .74rem; font-weight: 600; }
.cell .n { float: right; font-weight: 700; }
.cell:hover, .cell:focus { outline: 2px solid var(--accent); outline-offset: -2px; }
.h1 { background: #fff1e6; } .h2 { background: #ffd9bf; } .h3 { background: #ffb98f; } .h4 { background: #fb8b5b; } .h5 { background: #e5533d; color: #fff; }
.m4 { border-left-color: var(--l4); } .m3 { border-left-color: var(--l3); } .m2 { border-left-color: var(--l2); } .m1 { border-left-color: var(--l1); }
footer { color: var(--muted); font-size: .8rem; margin-top: 2rem; }
footer p { margin-bottom: .4rem; }
noscript { display: block; padding: 1rem; background: var(--amber-bg); border-radius: 6px; }
@media (max-width: 900px) { .cols, .figures { grid-template-columns: 1fr; } .grow { grid-template-columns: 8rem 5.5rem 8rem 1fr; } .grow > :nth-child(5) { display: none; } }
@media print {
  body { background: #fff; font-size: 11pt; }
  .topbar, .toolbar, .viewport, .ghead, .detail { display: none; }
  section.card { border: 0; padding: 0; break-inside: avoid-page; }
  #board { break-after: page; }
  .scroll { max-height: none; overflow: visible; border: 0; }
}
`;
