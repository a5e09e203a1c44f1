// Headless Chromium (Debian's package, driven by playwright-core; never a downloaded browser) to
// open results/index.html from disk, the way a reader does, and take screenshots of it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.VGGM_CHROMIUM || '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  /** Requests to anything but file: and data: URLs (the page must need no network). */
  network: string[];
  close(): Promise<void>;
}

/** Launch Chromium with a fresh profile and open `htmlPath` from disk; resolves once charts and explorer are ready. */
export async function openReport(htmlPath: string, viewport = { width: 1400, height: 1000 }): Promise<OpenedPage> {
  if (!chromiumAvailable()) throw new Error(`no Chromium at ${CHROMIUM_PATH}: run \`npm run setup\` (apt-get install chromium) or set VGGM_CHROMIUM`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'vggm-chromium-'));
  let context: BrowserContext | null = null;
  let browser: Browser | null = null;
  try {
    // launchPersistentContext is how playwright takes a --user-data-dir of our own.
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, viewport });
    browser = context.browser();
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [],
      network: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!/^(file|data|blob|about):/.test(r.url())) network.push(r.url());
    });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.chartsReady !== undefined && document.getElementById('explorer')?.dataset.ready !== undefined, null, {
      timeout: 30_000,
    });
    const ctx = context;
    return {
      page,
      errors,
      network,
      close: async () => {
        await ctx.close();
        await browser?.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

/** Screenshots a reader would look at first: the top of the report, and the explorer. */
export async function screenshots(opened: OpenedPage, reportPng: string, explorerPng: string): Promise<void> {
  const { page } = opened;
  await page.screenshot({ path: reportPng, fullPage: false });
  await page.locator('#explorer').screenshot({ path: explorerPng });
}
