/**
 * The report in a real browser (Debian's chromium through playwright-core): it renders from file:// without console
 * errors, CSP violations or any request beyond itself; hostile evidence stays text; the filters, the sorting, the
 * heat-map and host links work; screenshots are kept for people to look at; and a 100,000-finding report loads
 * (its load time is printed, not asserted). Skips, saying why, when chromium is absent.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hardnut } from '../helpers.js';
import { hostileFindings } from '../fixtures/hostile.js';
import { bulkFindings, intrusionFindings } from '../fixtures/intrusion.js';
import { findingsCase, intrusionCase, tempDir } from './case.js';

/** The browser globals the page.evaluate callbacks use (this project's TypeScript has no DOM library). */
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  addEventListener(type: string, listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
  documentElement: { dataset: Record<string, string | undefined> };
};
declare const window: Record<string, unknown>;

const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const noBrowser = existsSync(CHROMIUM) ? undefined : `chromium absent (${CHROMIUM}); install Debian's chromium or set CHROMIUM`;

let context: BrowserContext | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  if (noBrowser) return;
  const profile = mkdtempSync(join(tmpdir(), 'hardnut-chromium-'));
  dirs.push(profile);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
  dialogs: string[];
}

async function open(file: string): Promise<Opened> {
  const page = await context!.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto('file://' + file);
  await page.waitForSelector('html[data-ready=true]', { timeout: 120_000 });
  return { page, problems, requests, dialogs };
}

async function countText(page: Page): Promise<string> {
  return (await page.textContent('#f-count')) ?? '';
}

async function visibleLevels(page: Page): Promise<number[]> {
  return page.$$eval('#spacer .rowv .badge', (els) => els.map((e) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(e.textContent ?? '')));
}

function report(dir: string, caseFile: string, extra: string[] = []): string {
  const out = join(dir, 'report.html');
  const r = hardnut(['report', '--case', caseFile, '--out', out, ...extra]);
  expect(r.status, r.stderr).toBe(0);
  return out;
}

describe.skipIf(noBrowser)('the report in Chromium', () => {
  let dir: string;
  let file: string;
  let opened: Opened;
  const story = [...intrusionFindings(), ...hostileFindings()];

  beforeAll(async () => {
    dir = tempDir();
    dirs.push(dir);
    const caseFile = await intrusionCase(join(dir, 'case.duckdb'), hostileFindings());
    file = report(dir, caseFile, ['--org', 'Example Quantum Ltd']);
    opened = await open(file);
  }, 180_000);

  test('renders from disk with no console error, no CSP violation, and no request beyond the file itself', async () => {
    const { page, problems, requests } = opened;
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    await page.screenshot({ path: '/tmp/hardnut-report-board.png' });
    await page.screenshot({ path: '/tmp/hardnut-report-full.png', fullPage: true });
  });

  test('the board page answers in plain words, crown jewels first, and names every rule that fired', async () => {
    const { page } = opened;
    const board = (await page.textContent('#board')) ?? '';
    expect(board).toContain('Evidence of compromise found');
    expect(board).toContain('Webshells: hidden back doors on web servers');
    expect(board).toContain('Passwords and credentials stolen');
    expect(board).toContain('https://report.ncsc.gov.uk/');
    expect(board).toContain('https://www.cisa.gov/report');
    expect(board).toContain('Crown jewels');
    const firstHosts = await page.$$eval('#board .hostlist tbody tr td:first-child', (tds) => tds.slice(0, 2).map((t) => t.textContent ?? ''));
    expect(firstHosts.every((t) => t.includes('CROWN JEWEL'))).toBe(true);
    const text = (await page.textContent('body')) ?? '';
    for (const title of new Set(story.map((f) => f.rule.title))) expect(text, title).toContain(title);
  });

  test('hostile evidence is shown as text and never runs', async () => {
    const { page, dialogs } = opened;
    await page.fill('#q', 'pwned-marker');
    await page.waitForFunction(() => document.querySelector('#f-count')?.textContent?.startsWith('1 of'));
    await page.click('#spacer .rowv');
    await page.waitForSelector('#detail:not([hidden])');
    const detail = (await page.textContent('#detail')) ?? '';
    expect(detail).toContain('<script>window.__pwned=1</script> pwned-marker');
    expect(detail).toContain('<svg onload="window.__pwned=12"></svg>');
    expect(detail).toContain('</script><!-- <script>window.__pwned=13</script>');
    expect(detail).toContain('invoice\\u202egnp.exe'); // the bidi override is made visible, not obeyed
    expect(detail).toContain('<b onclick="window.__pwned=6">Mallory</b>');
    await page.hover('#detail');
    await page.click('[data-rule-id]');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval('script', (s) => s.length)).toBe(2);
    expect(await page.$$eval('img, svg:not(.timeline):not(.sevbar), b[onclick], [onerror], [onload], [onmouseover]', (e) => e.length)).toBe(0);
    expect(dialogs).toEqual([]);
    await page.click('#f-clear');
  });

  test('the text filter, the level filter and the host and rule filters narrow the table', async () => {
    const { page } = opened;
    const total = story.length;
    expect(await countText(page)).toBe(`${total} of ${total} findings`);
    await page.fill('#q', 'NTDSUTIL');
    const ntds = story.filter((f) => JSON.stringify([f.summary, f.evidence, f.rule.title]).toLowerCase().includes('ntdsutil')).length;
    await page.waitForFunction((n) => document.querySelector('#f-count')?.textContent?.startsWith(`${n} of`), ntds);
    const rows = await page.$$eval('#spacer .rowv', (rs) => rs.map((r) => r.textContent ?? ''));
    expect(rows.length).toBeGreaterThan(0);
    await page.fill('#q', '');
    await page.selectOption('#f-level', '4');
    const critical = story.filter((f) => f.level === 'critical').length;
    await page.waitForFunction((n) => document.querySelector('#f-count')?.textContent?.startsWith(`${n} of`), critical);
    expect(new Set(await visibleLevels(page))).toEqual(new Set([4]));
    await page.click('#f-clear');
    await page.click('#hosts [data-host="DC01.corp.example"]');
    const dc = story.filter((f) => f.host === 'DC01.corp.example').length;
    await page.waitForFunction((n) => document.querySelector('#f-count')?.textContent?.startsWith(`${n} of`), dc);
    expect(await page.$$eval('#spacer .rowv > div:nth-child(3)', (c) => [...new Set(c.map((x) => x.textContent))])).toEqual(['DC01.corp.example']);
    await page.click('#f-clear');
    await page.click('#attack [data-tech="T1003.003"]');
    const ntdsTech = story.filter((f) => f.attack.includes('T1003.003')).length;
    await page.waitForFunction((n) => document.querySelector('#f-count')?.textContent?.startsWith(`${n} of`), ntdsTech);
    await page.click('#f-clear');
  });

  test('sorting by level, host and time works both ways', async () => {
    const { page } = opened;
    await page.click('[data-sort="level"]');
    let levels = await visibleLevels(page);
    expect(levels).toEqual([...levels].sort((a, b) => b - a));
    expect(levels[0]).toBe(4);
    expect(await page.getAttribute('[data-sort="level"]', 'aria-sort')).toBe('descending');
    await page.click('[data-sort="level"]');
    levels = await visibleLevels(page);
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    await page.click('[data-sort="host"]');
    const hosts = await page.$$eval('#spacer .rowv > div:nth-child(3)', (c) => c.map((x) => x.textContent ?? ''));
    expect(hosts).toEqual([...hosts].sort((a, b) => a.localeCompare(b)));
    await page.click('[data-sort="time"]');
    const times = await page.$$eval('#spacer .rowv > div:nth-child(1)', (c) => c.map((x) => x.textContent ?? ''));
    expect(times).toEqual([...times].sort());
    await page.click('#spacer .rowv >> nth=4');
    await page.waitForSelector('#detail:not([hidden])');
    await page.locator('#findings').screenshot({ path: '/tmp/hardnut-report-findings.png' });
    await page.locator('#attack').screenshot({ path: '/tmp/hardnut-report-attack.png' });
  });
});

describe.skipIf(noBrowser)('a report of 100,000 findings', () => {
  test('loads, and the filter still answers', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const findings = bulkFindings(100_000);
    const caseFile = await findingsCase(join(dir, 'case.duckdb'), findings);
    const t0 = performance.now();
    const file = report(dir, caseFile);
    const writeMs = performance.now() - t0;
    const t1 = performance.now();
    const { page, problems } = await open(file);
    const loadMs = performance.now() - t1;
    const scriptMs = await page.evaluate(() => document.documentElement.dataset['loadMs']);
    console.log(
      `100k report: ${(statSync(file).size / 1048576).toFixed(1)} MiB, written in ${Math.round(writeMs)} ms; ` +
        `opened in Chromium in ${Math.round(loadMs)} ms (script ${scriptMs} ms)`,
    );
    expect(problems).toEqual([]);
    expect(await countText(page)).toBe('100,000 of 100,000 findings');
    const want = findings.filter((f) => f.summary.toLowerCase().includes('nltest')).length;
    const t2 = performance.now();
    await page.fill('#q', 'nltest');
    await page.waitForFunction((n) => document.querySelector('#f-count')?.textContent === `${n.toLocaleString('en-GB')} of 100,000 findings`, want, { timeout: 60_000 });
    console.log(`100k report: text filter answered in ${Math.round(performance.now() - t2)} ms`);
    expect((await page.$$('#spacer .rowv')).length).toBeLessThan(80); // virtualised: only the rows in view exist
    await page.click('#f-clear');
    await page.click('[data-sort="level"]');
    expect((await visibleLevels(page))[0]).toBe(4);
    await page.close();
  }, 300_000);
});
