/**
 * The HTML report in real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * nothing loaded from the network, no console errors, filters work, readable at 1280×800, hostile
 * strings do not execute, and a 100-finding report loads. Tagged `browser`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResultsDocument } from '../spec/results.ts';
import { loadFixture } from './fixtures/load.ts';
import { syntheticDocument } from './fixtures/synthetic.ts';
import { renderHtml } from './html.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('./screenshots/report-1280x800.png', import.meta.url));
const COVERAGE_SCREENSHOT = fileURLToPath(new URL('./screenshots/coverage-1280.png', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };

let browser: Browser;
let dir = '';

interface Opened {
  readonly page: Page;
  /** Console errors, page errors, dialogs and requests other than the report itself. */
  readonly problems: string[];
  readonly url: string;
}

async function open(doc: ResultsDocument, name: string, hash = ''): Promise<Opened> {
  const file = join(dir, `${name}.html`);
  await writeFile(file, renderHtml(doc));
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: VIEWPORT });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url() !== url && r.url() !== url + hash) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url + hash, { waitUntil: 'load' });
  return { page, problems, url };
}

async function visibleFindings(page: Page): Promise<number> {
  return page.evaluate<number>('document.querySelectorAll("details.finding:not([hidden])").length');
}

describe('report.html in headless Chromium', { tags: ['browser'] }, () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`,
      );
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'podnet-html-'));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('no console errors, no network requests; readable at 1280×800 with the summary above the fold', async () => {
    const { page, problems } = await open(loadFixture('full'), 'full');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      VIEWPORT.width,
    );
    const summary = await page.locator('#summary').boundingBox();
    expect(summary).not.toBeNull();
    expect((summary?.y ?? 0) + (summary?.height ?? 0)).toBeLessThanOrEqual(VIEWPORT.height);
    await expect(page.locator('.verdict').textContent()).resolves.toBe('FAIL');
    // The worst finding is open and its first lines are on the first screen too.
    const first = await page.locator('#finding-1 summary').boundingBox();
    expect((first?.y ?? VIEWPORT.height) + (first?.height ?? 0)).toBeLessThanOrEqual(VIEWPORT.height);
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('the coverage section: a bar per area for rules and features, rule tables never-exercised first', async () => {
    const doc = loadFixture('full');
    const { page, problems } = await open(doc, 'coverage', '#coverage');
    const section = page.locator('#coverage');
    expect(await section.isVisible()).toBe(true);
    const areas = new Set(doc.coverage!.rules.map((r) => r.area));
    // Two meters (rules, features) per area, each showing what was exercised out of the catalogue.
    expect(await section.locator('meter').count()).toBe(2 * areas.size);
    const never = doc.coverage!.rules.filter((r) => r.scenarios === 0).length;
    expect(never).toBeGreaterThan(0);
    expect(await section.locator('table.covt tr.never td.mono').count()).toBe(never);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      VIEWPORT.width,
    );
    await section.screenshot({ path: COVERAGE_SCREENSHOT });
    expect((await stat(COVERAGE_SCREENSHOT)).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('filters by kind, area, namespace and text hide and show findings; the state lives in the URL hash', async () => {
    const doc = loadFixture('full');
    const count = (keep: (f: (typeof doc.findings)[number]) => boolean) => doc.findings.filter(keep).length;
    // The worst finding is the one leak, so the kind filter keeps #finding-1 and hides #finding-2.
    expect(count((f) => f.kind === 'leak')).toBe(1);
    const { page, problems, url } = await open(doc, 'filters');
    expect(await visibleFindings(page)).toBe(doc.findings.length);
    await page.selectOption('#f-kind', 'leak');
    expect(await visibleFindings(page)).toBe(1);
    expect(await page.locator('#finding-1').isVisible()).toBe(true);
    expect(await page.locator('#finding-2').isVisible()).toBe(false);
    expect(await page.evaluate<string>('location.hash')).toBe('#?kind=leak');
    await page.click('#f-clear');
    expect(await visibleFindings(page)).toBe(doc.findings.length);
    const flannelNamespace = doc.findings.find((f) => f.area === 'flannel')?.namespaces?.[0] ?? '';
    const inNamespace = count((f) => f.namespaces?.includes(flannelNamespace) ?? false);
    expect(inNamespace).toBeGreaterThan(1);
    expect(inNamespace).toBeLessThan(doc.findings.length);
    await page.selectOption('#f-ns', flannelNamespace);
    expect(await visibleFindings(page)).toBe(inNamespace);
    await page.selectOption('#f-ns', '');
    expect(count((f) => f.rule === 'FL-FDB')).toBe(1);
    await page.fill('#f-q', 'fl-fdb');
    expect(await visibleFindings(page)).toBe(1);
    await page.fill('#f-q', 'no such thing anywhere');
    expect(await visibleFindings(page)).toBe(0);
    expect(await page.locator('#f-none').isVisible()).toBe(true);
    await page.click('#f-clear');
    // A summary card filters by its area.
    await page.click('.card[data-area="flannel"]');
    expect(await visibleFindings(page)).toBe(count((f) => f.area === 'flannel'));
    expect(await page.inputValue('#f-area')).toBe('flannel');
    // A linked filtered view opens filtered.
    await page.goto(`${url}#?area=lb`, { waitUntil: 'load' });
    await page.reload({ waitUntil: 'load' });
    expect(await visibleFindings(page)).toBe(count((f) => f.area === 'lb'));
    // Copy buttons do something visible and raise no error (file:// may refuse the clipboard).
    await page.click('#f-clear');
    await page.click('button[data-copy="finding-1-yaml"]');
    await expect
      .poll(() => page.locator('button[data-copy="finding-1-yaml"]').textContent())
      .toMatch(/^(Copied|Select and copy)$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('hostile labels (<script>, quotes, ]]>) render as text: no dialog, no injected element', async () => {
    const { page, problems } = await open(loadFixture('hostile'), 'hostile');
    expect(await page.evaluate<number>('document.scripts.length')).toBe(2);
    expect(
      await page.evaluate<number>(
        'Array.from(document.querySelectorAll("*")).filter((e) => Array.from(e.attributes).some((a) => /^on/i.test(a.name))).length',
      ),
    ).toBe(0);
    expect(
      await page.evaluate<number>('document.querySelectorAll("img, iframe, object, embed").length'),
    ).toBe(0);
    expect(await page.evaluate<number>('document.querySelectorAll("svg:not(.hist)").length')).toBe(0);
    const text = await page.evaluate<string>('document.body.innerText');
    expect(text).toContain('label <script>alert(1)</script>"\'&]]>');
    expect(text).toContain('<img src=x onerror=alert(3)>');
    // Filtering by a hostile namespace works on the literal value.
    await page.selectOption('#f-ns', '"><svg onload=alert(5)>');
    expect(await visibleFindings(page)).toBe(1);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      VIEWPORT.width,
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  test('100 findings: under 2 MB, the load event fires, no errors (load time printed, not asserted)', async () => {
    const doc = syntheticDocument(2026, 100);
    const { page, problems } = await open(doc, 'hundred');
    const bytes = (await stat(join(dir, 'hundred.html'))).size;
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const timing = await page.evaluate<{ domContentLoaded: number; load: number }>(
      '(() => { const n = performance.getEntriesByType("navigation")[0]; return { domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd }; })()',
    );
    expect(timing.load).toBeGreaterThan(0);
    console.log(
      `report with 100 findings: ${(bytes / 1024).toFixed(0)} KiB, DOMContentLoaded ${timing.domContentLoaded.toFixed(0)} ms, load ${timing.load.toFixed(0)} ms`,
    );
    await page.selectOption('#f-kind', 'distribution');
    expect(await visibleFindings(page)).toBe(doc.findings.filter((f) => f.kind === 'distribution').length);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      VIEWPORT.width,
    );
    expect(problems).toEqual([]);
    await page.close();
  });
});
