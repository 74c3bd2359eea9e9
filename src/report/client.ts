/**
 * The report's script, run in the browser. `reportClient` is embedded in the page as its source text
 * (`(${reportClient})()`), so it must be self-contained: no imports, no references outside its own body. It reads the
 * embedded JSON (never evaluated), renders the findings table virtually (only the rows in view exist, so 100,000
 * findings stay responsive), and wires the filters, sorting and the detail panel.
 *
 * It builds every element with createElement and sets text with textContent, never innerHTML: evidence is hostile,
 * and the page's CSP (require-trusted-types-for 'script') would refuse an HTML string anyway.
 *
 * The DOM types below are the few members it uses, declared here because the project's TypeScript has no DOM library.
 */

interface El {
  textContent: string | null;
  className: string;
  hidden: boolean;
  tabIndex: number;
  title: string;
  value: string;
  scrollTop: number;
  clientHeight: number;
  readonly dataset: Record<string, string | undefined>;
  readonly style: Record<string, string>;
  readonly children: ArrayLike<El>;
  appendChild(child: El): El;
  replaceChildren(...children: El[]): void;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  addEventListener(type: string, listener: (e: Ev) => void, options?: { passive?: boolean }): void;
  querySelectorAll(selector: string): ArrayLike<El>;
  closest(selector: string): El | null;
  scrollIntoView(options?: { behavior?: string; block?: string }): void;
  focus(): void;
}

interface Ev {
  target: El | null;
  key?: string;
  preventDefault(): void;
}

interface Doc {
  getElementById(id: string): El | null;
  createElement(tag: string): El;
  querySelectorAll(selector: string): ArrayLike<El>;
  readonly documentElement: El;
}

declare const document: Doc;
declare function requestAnimationFrame(fn: () => void): number;
declare function setTimeout(fn: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare const performance: { now(): number };

export function reportClient(): void {
  const t0 = performance.now();
  type Row = [string | null, number, number, number, number, number, number, Details];
  interface Details {
    r?: number;
    c?: number;
    e?: number;
    p?: string;
    h?: string;
    z?: number;
    s?: number;
    mt?: string;
    n?: number;
    m?: [string, number, number, string][];
    a?: string[];
    t?: string[];
    ev?: (number | [unknown])[];
    o?: string;
  }
  type Rule = [string, string, number, string | null, string | null, string | null, string[], string[], number, string[]];
  interface Data {
    levels: string[];
    kinds: string[];
    hosts: string[];
    sources: string[];
    channels: string[];
    keys: string[];
    strs: string[];
    rules: Rule[];
    tech: Record<string, [string, string[]]>;
    f: Row[];
  }

  const byId = (id: string): El => {
    const el = document.getElementById(id);
    if (!el) throw new Error(`report element #${id} is missing`);
    return el;
  };
  const D = JSON.parse(byId('hardnut-data').textContent ?? '{}') as Data;
  const rows = D.f;
  const LEVEL_WORD = ['info', 'low', 'medium', 'high', 'critical'];
  const ROW_H = 30;

  function el(tag: string, cls?: string, text?: string): El {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  /** Control and bidi characters made visible, as the server-side text is. */
  function vis(s: unknown): string {
    return String(s ?? '').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
      const code = c.charCodeAt(0);
      return code < 0x100 ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
    });
  }
  const fmtTime = (t: string | null) => (t ? t.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '—');
  const ruleOf = (r: Row) => D.rules[r[3]]!;
  const techOf = (r: Row) => r[7].a ?? ruleOf(r)[9];
  const summaryOf = (r: Row) => D.strs[r[4]] ?? '';

  // Filters and sort order.
  const state = { q: '', minLevel: 0, host: -1, rule: -1, tech: '', sort: 'time', dir: 1 };
  let haystack: string[] | null = null;
  let view: number[] = [];
  let selected = -1;

  function buildHaystack(): string[] {
    const out = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const parts = [summaryOf(r), ruleOf(r)[1], ruleOf(r)[0], D.hosts[r[2]] ?? '', D.sources[r[5]] ?? '', r[7].p ?? '', r[7].h ?? ''];
      const ev = r[7].ev;
      if (ev) for (let k = 0; k < ev.length; k += 2) {
        const v = ev[k + 1];
        parts.push(D.keys[ev[k] as number] ?? '', typeof v === 'number' ? (D.strs[v] ?? '') : String((v as [unknown])[0]));
      }
      out[i] = parts.join('\u0001').toLowerCase();
    }
    return out;
  }

  function compare(a: number, b: number): number {
    const x = rows[a]!;
    const y = rows[b]!;
    let c = 0;
    switch (state.sort) {
      case 'level':
        c = x[1] - y[1];
        break;
      case 'host':
        c = (D.hosts[x[2]] ?? '').localeCompare(D.hosts[y[2]] ?? '');
        break;
      case 'rule':
        c = ruleOf(x)[1].localeCompare(ruleOf(y)[1]);
        break;
      case 'summary':
        c = summaryOf(x).localeCompare(summaryOf(y));
        break;
    }
    if (c === 0) {
      const tx = x[0] ?? '\uffff';
      const ty = y[0] ?? '\uffff';
      c = tx < ty ? -1 : tx > ty ? 1 : 0;
    }
    return c * state.dir || a - b;
  }

  function apply(): void {
    const q = state.q.trim().toLowerCase();
    if (q && !haystack) haystack = buildHaystack();
    const out: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r[1] < state.minLevel) continue;
      if (state.host >= 0 && r[2] !== state.host) continue;
      if (state.rule >= 0 && r[3] !== state.rule) continue;
      if (state.tech && !techOf(r).some((t) => t === state.tech || t.startsWith(state.tech + '.'))) continue;
      if (q && !haystack![i]!.includes(q)) continue;
      out.push(i);
    }
    out.sort(compare);
    view = out;
    byId('f-count').textContent = `${view.length.toLocaleString('en-GB')} of ${rows.length.toLocaleString('en-GB')} findings`;
    const chips = byId('f-chips');
    chips.replaceChildren();
    if (state.tech) {
      const chip = el('span', 'chip', `technique ${state.tech} ${D.tech[state.tech]?.[0] ?? ''}`);
      chips.appendChild(chip);
    }
    for (const h of document.querySelectorAll('.ghead [data-sort]') as unknown as El[]) {
      h.setAttribute('aria-sort', h.dataset['sort'] === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
    byId('spacer').style['height'] = `${view.length * ROW_H}px`;
    byId('viewport').scrollTop = 0;
    render();
  }

  const pool: El[] = [];
  function render(): void {
    const vp = byId('viewport');
    const spacer = byId('spacer');
    const first = Math.max(0, Math.floor(vp.scrollTop / ROW_H) - 5);
    const count = Math.ceil((vp.clientHeight || 540) / ROW_H) + 10;
    const last = Math.min(view.length, first + count);
    if (view.length === 0) {
      spacer.replaceChildren(el('div', 'empty', rows.length ? 'No finding matches these filters.' : 'This case has no findings.'));
      return;
    }
    const wanted = last - first;
    while (pool.length < wanted) {
      const row = el('div', 'grow rowv');
      row.setAttribute('role', 'row');
      row.tabIndex = 0;
      for (let c = 0; c < 5; c++) {
        const cell = el('div', c === 0 ? 't' : '');
        cell.setAttribute('role', 'cell');
        row.appendChild(cell);
      }
      pool.push(row);
    }
    const visible: El[] = [];
    for (let k = 0; k < wanted; k++) {
      const i = view[first + k]!;
      const r = rows[i]!;
      const row = pool[k]!;
      row.dataset['i'] = String(i);
      row.style['top'] = `${(first + k) * ROW_H}px`;
      row.className = 'grow rowv' + (i === selected ? ' sel' : '');
      const cells = row.children;
      cells[0]!.textContent = fmtTime(r[0]);
      const badge = el('span', `badge b${r[1]}`, LEVEL_WORD[r[1]]);
      cells[1]!.replaceChildren(badge);
      cells[2]!.textContent = vis(D.hosts[r[2]]);
      cells[3]!.textContent = vis(ruleOf(r)[1]);
      cells[3]!.title = vis(ruleOf(r)[1]);
      cells[4]!.textContent = vis(summaryOf(r));
      cells[4]!.title = vis(summaryOf(r)).slice(0, 500);
      visible.push(row);
    }
    spacer.replaceChildren(...visible);
  }

  function kv(dl: El, key: string, value: unknown): void {
    if (value === undefined || value === null || value === '') return;
    dl.appendChild(el('dt', '', key));
    dl.appendChild(el('dd', '', vis(value)));
  }

  function showDetail(i: number): void {
    selected = i;
    const r = rows[i]!;
    const d = r[7];
    const rule = ruleOf(r);
    const box = byId('detail');
    box.replaceChildren();
    const head = el('h3');
    head.appendChild(el('span', `badge b${r[1]}`, LEVEL_WORD[r[1]]));
    head.appendChild(el('span', '', ' ' + vis(rule[1])));
    box.appendChild(head);
    box.appendChild(el('p', '', vis(summaryOf(r))));
    const facts = el('dl', 'kv');
    kv(facts, 'Time (UTC)', r[0]);
    kv(facts, 'Host', D.hosts[r[2]]);
    kv(facts, 'Evidence file', D.sources[r[5]]);
    kv(facts, 'Record', d.r);
    kv(facts, 'Channel', d.c === undefined ? undefined : D.channels[d.c]);
    kv(facts, 'Event id', d.e);
    kv(facts, 'File', d.p);
    kv(facts, 'SHA-256', d.h);
    kv(facts, 'Size (bytes)', d.z);
    kv(facts, 'Modified', d.mt);
    kv(facts, 'Score', d.s);
    kv(facts, 'Folded findings', d.n);
    kv(facts, 'Kind / origin', `${D.kinds[r[6]] ?? ''}${d.o ? ' · ' + d.o : ''}`);
    box.appendChild(facts);

    box.appendChild(el('h3', '', 'Rule'));
    const rl = el('dl', 'kv');
    kv(rl, 'Title', rule[1]);
    kv(rl, 'Id', rule[0]);
    kv(rl, 'Author', rule[4] ?? 'not given');
    kv(rl, 'Status', rule[3]);
    kv(rl, 'Description', rule[5]);
    kv(rl, 'Tags', rule[7].join(', '));
    const tech = techOf(r);
    kv(rl, 'ATT&CK', tech.map((t) => `${t} ${D.tech[t]?.[0] ?? ''}`.trim()).join('; '));
    kv(rl, 'Tactics', (d.t ?? []).join(', '));
    box.appendChild(rl);
    if (rule[6].length) {
      const ul = el('ul', 'refs');
      for (const ref of rule[6]) ul.appendChild(el('li', '', vis(ref)));
      box.appendChild(el('div', 'small sub', 'References (as text; copy to open)'));
      box.appendChild(ul);
    }
    if (d.ev?.length) {
      box.appendChild(el('h3', '', 'Evidence'));
      const table = el('table', 'evidence');
      for (let k = 0; k < d.ev.length; k += 2) {
        const v = d.ev[k + 1];
        const tr = el('tr');
        tr.appendChild(el('td', '', vis(D.keys[d.ev[k] as number])));
        const td = el('td');
        td.appendChild(el('pre', '', vis(typeof v === 'number' ? D.strs[v] : JSON.stringify((v as [unknown])[0]))));
        tr.appendChild(td);
        table.appendChild(tr);
      }
      box.appendChild(table);
    }
    if (d.m?.length) {
      box.appendChild(el('h3', '', 'Matched strings'));
      const table = el('table', 'evidence');
      for (const [id, off, len, excerpt] of d.m) {
        const tr = el('tr');
        tr.appendChild(el('td', '', `${vis(id)} @ ${off} (+${len})`));
        const td = el('td');
        td.appendChild(el('pre', '', vis(excerpt)));
        tr.appendChild(td);
        table.appendChild(tr);
      }
      box.appendChild(table);
    }
    box.hidden = false;
    render();
  }

  // Filters.
  const hostSel = byId('f-host');
  D.hosts
    .map((h, i) => [h, i] as const)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .forEach(([h, i]) => {
      const o = el('option', '', vis(h));
      o.value = String(i);
      hostSel.appendChild(o);
    });
  const ruleSel = byId('f-rule');
  D.rules
    .map((r, i) => [r[1], i] as const)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .forEach(([t, i]) => {
      const o = el('option', '', vis(t));
      o.value = String(i);
      ruleSel.appendChild(o);
    });
  let timer = 0;
  byId('q').addEventListener('input', (e) => {
    clearTimeout(timer);
    const v = e.target?.value ?? '';
    timer = setTimeout(() => {
      state.q = v;
      apply();
    }, rows.length > 20000 ? 200 : 60);
  });
  byId('f-level').addEventListener('change', (e) => {
    state.minLevel = Number(e.target?.value ?? 0);
    apply();
  });
  hostSel.addEventListener('change', (e) => {
    state.host = e.target?.value ? Number(e.target.value) : -1;
    apply();
  });
  ruleSel.addEventListener('change', (e) => {
    state.rule = e.target?.value ? Number(e.target.value) : -1;
    apply();
  });
  byId('f-clear').addEventListener('click', () => {
    Object.assign(state, { q: '', minLevel: 0, host: -1, rule: -1, tech: '' });
    byId('q').value = '';
    byId('f-level').value = '0';
    hostSel.value = '';
    ruleSel.value = '';
    apply();
  });
  const sortBy = (h: El) => {
    const key = h.dataset['sort'] ?? 'time';
    if (state.sort === key) state.dir = -state.dir;
    else {
      state.sort = key;
      state.dir = key === 'level' ? -1 : 1;
    }
    apply();
  };
  for (const h of document.querySelectorAll('.ghead [data-sort]') as unknown as El[]) {
    h.addEventListener('click', () => sortBy(h));
    h.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        sortBy(h);
      }
    });
  }
  const vp = byId('viewport');
  let pending = false;
  vp.addEventListener(
    'scroll',
    () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        render();
      });
    },
    { passive: true },
  );
  const pick = (e: Ev) => {
    const row = e.target?.closest('.rowv');
    const i = row?.dataset['i'];
    if (i !== undefined) showDetail(Number(i));
  };
  vp.addEventListener('click', pick);
  vp.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') pick(e);
  });
  const focusFindings = () => byId('findings').scrollIntoView({ block: 'start' });
  // Links from the static sections into the table: heat-map cells, rules, hosts.
  for (const b of document.querySelectorAll('[data-tech]') as unknown as El[]) {
    b.addEventListener('click', () => {
      state.tech = b.dataset['tech'] ?? '';
      apply();
      focusFindings();
    });
  }
  for (const b of document.querySelectorAll('[data-rule-id]') as unknown as El[]) {
    b.addEventListener('click', () => {
      const id = b.dataset['ruleId'];
      state.rule = D.rules.findIndex((r) => r[0] === id);
      ruleSel.value = state.rule >= 0 ? String(state.rule) : '';
      apply();
      focusFindings();
    });
  }
  for (const b of document.querySelectorAll('[data-host]') as unknown as El[]) {
    b.addEventListener('click', () => {
      state.host = D.hosts.indexOf(b.dataset['host'] ?? '');
      hostSel.value = state.host >= 0 ? String(state.host) : '';
      apply();
      focusFindings();
    });
  }
  apply();
  document.documentElement.dataset['ready'] = 'true';
  document.documentElement.dataset['loadMs'] = String(Math.round(performance.now() - t0));
}
