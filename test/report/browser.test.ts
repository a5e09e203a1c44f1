// results/index.html in a real browser: headless Chromium (Debian's) opens it from disk, every
// chart must have drawn marks, nothing may log an error or touch the network, and the explorer's
// token colours must be the training mask in the embedded data. A page built from hostile inputs
// runs no script.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumAvailable, openReport, screenshots, type OpenedPage } from '../../lib/report/browser.ts';
import { validateExplorer, type ExplorerData } from '../../lib/report/explorer.ts';
import { buildReport } from '../../lib/report/report.ts';
import { readResults, writeResults } from '../../lib/report/results.ts';
import { makeFixture } from './explorer-fixture.ts';
import { makeResultsDir } from './report-fixture.ts';

/** Chromium present, or installed now (as root with apt); else the reason it is not. */
function ensureChromium(): string | null {
  if (chromiumAvailable()) return null;
  if (process.getuid?.() !== 0) return `no Chromium at ${CHROMIUM_PATH} and not root to apt-get install it (run npm run setup)`;
  const r = spawnSync(
    'bash',
    [
      '-c',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1)',
    ],
    { timeout: 300_000 },
  );
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

  it("colours each teacher token by the method's loss weight, marks T_last and the cut prefix", async () => {
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

  it("shows the model's rollouts with an entropy heat map, fork outlines and the verdict", async () => {
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
      const lo = g.entropy.indexOf(Math.min(...g.entropy)),
        hi = g.entropy.indexOf(Math.max(...g.entropy));
      expect(green(shown[i].bg[hi])).toBeLessThan(green(shown[i].bg[lo]));
    });
  });

  it('saves screenshots of the report and the explorer', async () => {
    const a = join(shots, 'report.png'),
      b = join(shots, 'explorer.png');
    await screenshots(opened, a, b);
    expect(statSync(a).size).toBeGreaterThan(30_000);
    expect(statSync(b).size).toBeGreaterThan(30_000);
  });
});

// Every string a results file, README.md, bench.json or explorer.json carries is text: a page built
// from hostile ones shows the markup as typed and runs none of it. Each payload would set a global
// window.xssN if any script ran (inline handler, <script>, javascript: link, attribute breakout).
const PAYLOADS = (n: number) =>
  [
    `<img src=x onerror=window.xss${n}a=1>`,
    `<script>window.xss${n}b=1</script>`,
    `"><svg onload=window.xss${n}c=1>`,
    `' autofocus onfocus=window.xss${n}d=1 x='`,
    `</script><script>window.xss${n}e=1</script>`,
    `[link](javascript:window.xss${n}f=1)`,
    `<a href="javascript:window.xss${n}g=1">a</a>`,
    `\` <img src=y onerror=window.xss${n}h=1> \``,
  ].join(' ');

describe.skipIf(missing !== null)('report built from hostile results, README, bench and explorer data', () => {
  let opened: OpenedPage;
  let dir: string;

  beforeAll(async () => {
    const fx = makeFixture();
    dir = makeResultsDir();
    // The explorer data as the report writes it, then poisoned in every string it shows.
    buildReport({ out: dir, explorer: 'refresh', data: fx.ds.dir, scale: 'smoke', models: fx.models, perTier: 4 });
    const ex = JSON.parse(readFileSync(join(dir, 'explorer.json'), 'utf8')) as ExplorerData;
    ex.vocab = ex.vocab.map((t, i) => (i % 7 === 3 ? PAYLOADS(1) : t));
    const trace = ex.traces.find((t) => t.tier === 'math')!;
    Object.assign(trace, { id: PAYLOADS(2), answer: PAYLOADS(3), slip: PAYLOADS(4), split: PAYLOADS(5) });
    const problem = ex.evalProblems.find((p) => p.tier === 'math')!;
    const model = ex.models.find((m) => m.method === 'vggm')!;
    const gens = model.problems[problem.id];
    model.problems = { ...model.problems, [PAYLOADS(7)]: gens };
    problem.problem = PAYLOADS(8);
    problem.answer = PAYLOADS(9);
    model.label = PAYLOADS(10);
    gens[0].pred = PAYLOADS(11);
    gens[0].text = PAYLOADS(12);
    ex.missing = [PAYLOADS(14)];
    // A number field holding markup is refused when the page is built, not shown.
    const bad = structuredClone(ex);
    (bad.traces[0].methods.vggm.weights as unknown[])[0] = `1" onmouseover=window.xss6=1 x="`;
    expect(() => validateExplorer(bad, 'explorer.json')).toThrow(/^explorer\.json: trace .* method vggm: input ids and weights must be numbers$/);
    const badH = structuredClone(ex);
    (badH.models[0].problems[Object.keys(badH.models[0].problems)[0]][0] as { entropy: unknown }).entropy = ['0.5" onmouseover=window.xss13=1 x="'];
    expect(() => validateExplorer(badH, 'explorer.json')).toThrow(/generations need text, mode, verdict, and numbers/);
    writeFileSync(join(dir, 'explorer.json'), JSON.stringify(ex));

    const t1 = readResults(join(dir, 'table1.json'));
    const set = t1.sets.accuracy;
    t1.title = PAYLOADS(20);
    set.title = PAYLOADS(21);
    set.group.title = PAYLOADS(22);
    set.group.labels = Object.fromEntries(Object.keys(set.group.labels!).map((k, i) => [k, `${PAYLOADS(30 + i)}`]));
    set.x.labels = { ...set.x.labels, gsm8k: PAYLOADS(23) };
    set.y.unit = PAYLOADS(24);
    set.notes = [PAYLOADS(25)];
    t1.paperNotes = [PAYLOADS(26)];
    t1.notes = [PAYLOADS(27)];
    t1.createdBy = PAYLOADS(28);
    writeResults(dir, t1);
    writeFileSync(
      join(dir, 'README.md'),
      [
        '# What reproduced',
        '',
        PAYLOADS(40),
        '',
        '<script>window.xss41=1</script>',
        '',
        '[a](javascript:window.xss42=1) [b](JAVASCRIPT:window.xss43=1) [c]( javascript:window.xss44=1) [d](&#106;avascript:window.xss45=1)',
        '',
        '<details open ontoggle=window.xss46=1>x</details>',
        '',
        '![i](x" onerror="window.xss47=1)',
        '',
        '| h |',
        '|---|',
        `| ${PAYLOADS(48)} |`,
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'bench.json'),
      JSON.stringify({
        rows: [{ name: PAYLOADS(50), ours: 2, peer: 1, ratio: 2, unit: PAYLOADS(51), better: PAYLOADS(52), note: PAYLOADS(53) }],
        meta: { command: PAYLOADS(54), date: PAYLOADS(55), machine: { cpu: PAYLOADS(56), cores: PAYLOADS(57) } },
      }),
    );
    const built = buildReport({ out: dir, explorer: 'keep' });
    opened = await openReport(built.html);
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
  });

  const ran = () => opened.page.evaluate(() => Object.keys(window).filter((k) => k.startsWith('xss')));

  it('runs no script while loading, and shows the payloads as text', async () => {
    const { page } = opened;
    expect(await ran()).toEqual([]);
    expect(await page.locator('#fig-0-table1-section > h2').innerText()).toBe(PAYLOADS(20));
    expect(await page.locator('#summary').innerText()).toContain('<img src=x onerror=window.xss40a=1>');
    expect(await page.locator('#bench table').innerText()).toContain('<script>window.xss50b=1</script>');
    // no element the inputs could have made: no img, svg outside the charts, iframe or inline handler
    const made = await page.evaluate(() => ({
      img: document.querySelectorAll('main img').length,
      svg: [...document.querySelectorAll('main svg')].filter((s) => !s.closest('.chart, .vega-embed')).length,
      handlers: [...document.querySelectorAll('main *')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      scripts: document.querySelectorAll('body script:not([type="application/json"])').length,
    }));
    expect(made).toEqual({ img: 0, svg: 0, handlers: 0, scripts: 1 }); // the one script is client.js
  });

  it('has no link to a script URL', async () => {
    const hrefs = await opened.page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.filter((h) => !/^(#|https?:)/i.test(h.trim()))).toEqual([]);
  });

  it('runs none when a chart tooltip or the explorer shows the hostile strings', async () => {
    const { page } = opened;
    await page.locator('.chart').first().locator('g.mark-rect.role-mark path').first().hover();
    await page.locator('#vg-tooltip-element').waitFor({ state: 'visible', timeout: 5000 });
    expect(await page.locator('#vg-tooltip-element').innerText()).toContain('<img src=x onerror=');
    await page.selectOption('#x-method', 'vggm');
    await page.selectOption('#x-tier', 'math');
    await page.selectOption('#x-trace', PAYLOADS(2));
    await page.selectOption('#x-problem', { index: 0 });
    // what the explorer drew from the hostile trace: text only, no element with a handler or a link
    const drawn = await page.evaluate(
      () =>
        [...document.querySelectorAll('#explorer *')].filter((el) => el.tagName === 'A' || el.tagName === 'IMG' || [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    );
    expect(drawn).toBe(0);
    expect(await page.locator('#x-teacher .tk').count()).toBeGreaterThan(10);
    expect(await page.locator('#x-teacher').innerText()).toContain(PAYLOADS(3));
    expect(await page.locator('#x-missing').innerText()).toContain(PAYLOADS(14));
    expect(await ran()).toEqual([]);
  });
});
