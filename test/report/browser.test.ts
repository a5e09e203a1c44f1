// results/index.html in a real browser: headless Chromium (Debian's) opens it from disk, every
// chart must have drawn marks, nothing may log an error or touch the network, and the explorer's
// token colours must be the training mask in the embedded data.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumAvailable, openReport, screenshots, type OpenedPage } from '../../lib/report/browser.ts';
import type { ExplorerData } from '../../lib/report/explorer.ts';
import { buildReport } from '../../lib/report/report.ts';
import { makeFixture } from './explorer-fixture.ts';
import { makeResultsDir } from './report-fixture.ts';

/** Chromium present, or installed now (as root with apt); else the reason it is not. */
function ensureChromium(): string | null {
  if (chromiumAvailable()) return null;
  if (process.getuid?.() !== 0) return `no Chromium at ${CHROMIUM_PATH} and not root to apt-get install it (run npm run setup)`;
  const r = spawnSync('bash', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1)'], { timeout: 300_000 });
  return chromiumAvailable() ? null : `no Chromium at ${CHROMIUM_PATH} and apt-get install chromium failed (exit ${r.status})`;
}

const missing = ensureChromium();
if (missing) {
  console.warn(`browser test skipped: ${missing}`);
  it.skip(`browser test skipped: ${missing}`, () => {});
}

describe.skipIf(missing !== null)('report in headless Chromium', () => {
  let opened: OpenedPage;
  let data: ExplorerData;
  const shots = mkdtempSync(join(tmpdir(), 'report-shots-'));

  beforeAll(async () => {
    const fx = makeFixture();
    const dir = makeResultsDir();
    const built = buildReport({ out: dir, explorer: 'refresh', data: fx.ds.dir, scale: 'smoke', models: fx.models, perTier: 4 });
    data = JSON.parse(readFileSync(built.explorer!, 'utf8'));
    opened = await openReport(built.html);
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
  });

  it('draws every chart: an svg with marks in each, no console errors, no network', async () => {
    const charts = await opened.page.$$eval('.chart', (els) =>
      els.map((el) => ({
        id: el.id,
        svg: el.querySelectorAll('svg').length,
        // data marks only: bars, points, lines, areas (axes and legends are role-axis / role-legend groups)
        marks: el.querySelectorAll('g.role-mark:not([class*="role-axis"]):not([class*="role-legend"]) > path, g.role-mark > line').length,
      })),
    );
    expect(charts.length).toBe(7); // six results files + the bench chart
    for (const c of charts) {
      expect(c.svg, c.id).toBeGreaterThan(0);
      expect(c.marks, c.id).toBeGreaterThan(2);
    }
    expect(opened.errors).toEqual([]);
    expect(opened.network).toEqual([]);
  });

  it('hovering a bar shows its values and the value of each seed', async () => {
    const bar = opened.page.locator('.chart').first().locator('g.mark-rect.role-mark path').first();
    await bar.hover();
    const tip = opened.page.locator('#vg-tooltip-element');
    await tip.waitFor({ state: 'visible', timeout: 5000 });
    const text = await tip.innerText();
    expect(text).toMatch(/ours \(mean\)/);
    expect(text).toMatch(/per seed\s*s1 [\d.-]+, s2 [\d.-]+, s3 [\d.-]+/);
  });

  it('colours each teacher token by the method\'s loss weight, marks T_last and the cut prefix', async () => {
    const { page } = opened;
    const trace = data.traces.find((t) => t.kind === 'correct' && t.tier === 'math') ?? data.traces.find((t) => t.v === 1)!;
    await page.selectOption('#x-tier', trace.tier);
    await page.selectOption('#x-trace', trace.id);
    const css = await page.evaluate(() => {
      const s = getComputedStyle(document.documentElement);
      return { learned: s.getPropertyValue('--learned').trim(), seen: s.getPropertyValue('--seen').trim() };
    });
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    for (const method of ['sft', 'vggm', 'truncate'] as const) {
      await page.selectOption('#x-method', method);
      const spans = await page.$$eval('#x-teacher-tokens .tk[data-pos]', (els) =>
        els.map((el) => ({ pos: Number((el as HTMLElement).dataset.pos), bg: getComputedStyle(el).backgroundColor, text: el.textContent })),
      );
      const m = trace.methods[method];
      expect(spans.map((s) => s.pos)).toEqual(m.inputIds.map((_, j) => j));
      for (const s of spans) {
        const want = s.pos < trace.responseStart ? 'rgba(0, 0, 0, 0)' : m.weights[s.pos] > 0 ? rgb(css.learned) : rgb(css.seen);
        expect(s.bg, `${method} token ${s.pos} '${s.text}'`).toBe(want);
      }
      const removed = await page.$$eval('#x-teacher-tokens .tk.removed', (els) => els.length);
      expect(removed).toBe(trace.ids.length - m.inputIds.length);
      // the T_last marker sits right before the "Wait" token of the input
      const before = await page.$eval('#x-teacher-tokens .tlast', (el) => (el.nextElementSibling as HTMLElement).dataset.pos);
      const tlIn = method === 'truncate' ? trace.responseStart : trace.tLast!;
      expect(Number(before)).toBe(tlIn);
      await page.locator('#explorer').screenshot({ path: join(shots, `explorer-${method}.png`) });
    }
    expect(trace.methods.vggm.weights.some((w, j) => j >= trace.responseStart && w === 0)).toBe(true);
  });

  it('shows the model\'s rollouts with an entropy heat map, fork outlines and the verdict', async () => {
    const { page } = opened;
    await page.selectOption('#x-method', 'vggm');
    await page.selectOption('#x-tier', 'math');
    const model = data.models.find((m) => m.method === 'vggm')!;
    const pid = Object.entries(model.problems).find(([, g]) => g.some((r) => r.entropy))![0];
    await page.selectOption('#x-problem', pid);
    const gens = model.problems[pid];
    const shown = await page.$$eval('#x-model .gen', (els) =>
      els.map((g) => ({
        verdict: g.querySelector('.verdict')!.textContent,
        h: [...g.querySelectorAll('.tk[data-h]')].map((t) => Number((t as HTMLElement).dataset.h)),
        forks: g.querySelectorAll('.tk.fork').length,
        bg: [...g.querySelectorAll('.tk[data-h]')].map((t) => getComputedStyle(t).backgroundColor),
      })),
    );
    expect(shown).toHaveLength(gens.length);
    gens.forEach((g, i) => {
      expect(shown[i].verdict!.startsWith(g.equal ? '✓' : '✗')).toBe(true);
      if (!g.entropy) return;
      expect(shown[i].h).toEqual(g.entropy);
      expect(shown[i].forks).toBe(g.entropy.filter((h) => h >= model.forkThreshold!).length);
      // hotter tokens are drawn darker (less green in the white → red ramp)
      const green = (c: string) => Number(c.match(/\d+/g)![1]);
      const lo = g.entropy.indexOf(Math.min(...g.entropy)), hi = g.entropy.indexOf(Math.max(...g.entropy));
      expect(green(shown[i].bg[hi])).toBeLessThan(green(shown[i].bg[lo]));
    });
  });

  it('saves screenshots of the report and the explorer', async () => {
    const a = join(shots, 'report.png'), b = join(shots, 'explorer.png');
    await screenshots(opened, a, b);
    expect(statSync(a).size).toBeGreaterThan(30_000);
    expect(statSync(b).size).toBeGreaterThan(30_000);
  });
});
