// Fake but valid results files in the shapes the reproduction scripts write (scripts/table1.ts,
// table2.ts, figure1.ts, figure2.ts, budget-forcing.ts: same set ids, group keys and derived sets),
// for running the notebooks before real results exist. Numbers are random; the derived sets (gap
// closed, peaks, spike counts, budget-forcing deltas) are computed from the fake per-seed values
// the way the scripts compute them, so the notebooks' re-derivations must agree.
import { PAPER_BUDGET_FORCING, PAPER_FIG2, PAPER_TABLE1, PAPER_TABLE2 } from '../../lib/report/paper.ts';
import { point, type Axis, type Point, type ResultSet, type ResultsFile } from '../../lib/report/results.ts';
import { gapShare } from '../../lib/report/stats.ts';
import { Rng } from '../../lib/util/rng.ts';
import { findSpikes } from '../../lib/util/spikes.ts';

export const SEEDS = [1, 2, 3];
const TIERS = ['gsm8k', 'math', 'amc23'] as const;
const TIER_AXIS: Axis = { title: 'Benchmark', order: [...TIERS], labels: { gsm8k: 'GSM8K', math: 'MATH', amc23: "AMC'23" } };

function file(name: string, title: string, sets: Record<string, ResultSet>, extra: Partial<ResultsFile> = {}): ResultsFile {
  return {
    name, title, scale: 'smoke', seeds: SEEDS, config: { fake: true }, wallTimeSec: 3,
    createdBy: `tsx scripts/${name}.ts --scale smoke (fake: test/notebooks/fixtures.ts)`, createdAt: '2025-01-01T00:00:00.000Z', sets, ...extra,
  };
}

/** Per-seed accuracies in [0, 100] around `m`. */
const acc = (rng: Rng, m: number, sd = 4) => SEEDS.map(() => Math.min(100, Math.max(0, +(m + sd * rng.normal()).toFixed(2))));

export function fakeTable1(rng = new Rng(11)): ResultsFile {
  const rows = Object.keys(PAPER_TABLE1.rows) as (keyof typeof PAPER_TABLE1.rows)[];
  const points = rows.flatMap((g) => TIERS.map((t) => point(g, t, acc(rng, PAPER_TABLE1.rows[g][t] - 20), { paper: PAPER_TABLE1.rows[g][t] })));
  return file('table1', 'Table 1: benchmark accuracy by training method', {
    accuracy: { title: 'Accuracy (greedy pass@1)', chart: 'groupedBars', group: { title: 'Method', order: rows }, x: TIER_AXIS, y: { title: 'Accuracy', unit: '%' }, points },
  });
}

export function fakeTable2(rng = new Rng(12)): ResultsFile {
  const fams = ['llama-like', 'qwen-like'] as const;
  const rows = ['base', 'sft', 'vggm', 'distill'] as const;
  const values: Record<string, number[]> = {};
  const points: Point[] = [];
  for (const f of fams) for (const r of rows) for (const t of TIERS) {
    values[`${f}:${r}:${t}`] = acc(rng, PAPER_TABLE2[f][r][t] - 15, 6);
    points.push(point(`${f}:${r}`, t, values[`${f}:${r}:${t}`], { paper: PAPER_TABLE2[f][r][t] }));
  }
  // As scripts/table2.ts: per seed (VGGM − SFT) / (distill − SFT) where the gap exists (gapShare).
  const gap = fams.flatMap((f) => TIERS.flatMap((t) => {
    const g = gapShare(values[`${f}:sft:${t}`], values[`${f}:vggm:${t}`], values[`${f}:distill:${t}`]);
    if (!g.exists) return [];
    const p = PAPER_TABLE2[f];
    return [point(f, t, g.shares, {
      paper: (p.vggm[t] - p.sft[t]) / (p.distill[t] - p.sft[t]), ...(g.kept.length < SEEDS.length ? { seeds: g.kept.map((i) => SEEDS[i]) } : {}),
    })];
  }));
  const groups = fams.flatMap((f) => rows.map((r) => `${f}:${r}`));
  return file('table2', 'Table 2: VGGM on N samples vs no-mask distillation on 40×N', {
    accuracy: { title: 'Accuracy (greedy pass@1)', chart: 'groupedBars', group: { title: 'Model / setting', order: groups }, x: TIER_AXIS, y: { title: 'Accuracy', unit: '%' }, points },
    ...(gap.length ? { gapClosed: { title: 'Share of the no-mask → distill gap closed by VGGM', chart: 'ratioBars' as const, group: { title: 'Family', order: [...fams] }, x: TIER_AXIS, y: { title: '(VGGM − SFT) / (Distill − SFT)' }, decimals: 2, points: gap } } : {}),
  });
}

/** Shares (%) of a random positive vector, summing to 100. */
function shares(rng: Rng, weights: number[]): number[] {
  const w = weights.map((x) => x * (0.5 + rng.next()));
  const tot = w.reduce((a, b) => a + b, 0);
  return w.map((x) => (100 * x) / tot);
}

export function fakeFig1(rng = new Rng(13)): ResultsFile {
  const models = ['base', 'sft', 'vggm'];
  const bins = 12, entropyMax = 3;
  const centre = (i: number) => Math.round(((i + 0.5) * entropyMax / bins) * 1e4) / 1e4;
  const entropy: Point[] = [], positions: Point[] = [], steps: Point[] = [], summary: Point[] = [];
  const spread: Record<string, number> = { base: 1.2, sft: 0.3, vggm: 0.7 };
  for (const m of models) {
    // per seed: a histogram (shares), and the mean entropy of tokens drawn from it (inside their bins)
    const hist = SEEDS.map(() => shares(rng, Array.from({ length: bins }, (_, i) => Math.exp(-centre(i) / spread[m]))));
    const means = hist.map((h) => h.reduce((a, s, i) => a + (s / 100) * (centre(i) + (rng.next() - 0.5) * (entropyMax / bins) * 0.9), 0));
    for (let i = 0; i < bins; i++) entropy.push(point(m, centre(i), hist.map((h) => h[i])));
    const pos = SEEDS.map(() => shares(rng, Array.from({ length: 10 }, (_, i) => Math.exp(-i / 4))));
    for (let i = 0; i < 10; i++) positions.push(point(m, (i + 0.5) / 10, pos.map((p) => p[i])));
    const st = SEEDS.map(() => shares(rng, Array.from({ length: 9 }, (_, i) => 9 - i)));
    for (let s = 0; s <= 8; s++) steps.push(point(m, s, st.map((p) => p[s])));
    summary.push(point(m, 'mean', means), point(m, 'threshold', means.map((x) => 1.5 * x)), point(m, 'tokens', SEEDS.map(() => 40 + 10 * rng.next())));
  }
  return file('fig1', 'Fig. 1: token entropy and fork-token positions', {
    entropy: { title: 'Token entropy', chart: 'histogram', group: { title: 'Model', order: models }, x: { title: 'Token entropy', unit: 'nats' }, y: { title: 'Share of tokens', unit: '%' }, decimals: 2, points: entropy },
    forkPositions: { title: 'Fork tokens by position in the response', chart: 'lines', group: { title: 'Model', order: models }, x: { title: 'Position (token index / length)' }, y: { title: 'Share of fork tokens', unit: '%' }, points: positions },
    forkSteps: { title: 'Fork tokens by reasoning step', chart: 'lines', group: { title: 'Model', order: models }, x: { title: 'Reasoning step' }, y: { title: 'Share of fork tokens', unit: '%' }, points: steps },
    summary: { title: 'Entropy summary', chart: 'table', group: { title: 'Model', order: models }, x: { title: 'Measure', order: ['mean', 'threshold', 'tokens'] }, y: { title: 'Value' }, decimals: 3, points: summary },
  }, { config: { fake: true, entropyMax, topFraction: 0.2 } });
}

export function fakeFig2(rng = new Rng(14)): ResultsFile {
  const methods = ['sft', 'vggm'];
  const stepsTotal = 60, batch = 8, curveSteps = [0, 12, 24, 36, 48, 60];
  const tiers = ['gsm8k', 'math'] as const;
  const sets: Record<string, ResultSet> = {};
  const peaks: Point[] = [];
  for (const t of tiers) {
    const points: Point[] = [];
    for (const m of methods) {
      const perStep = curveSteps.map((s) => acc(rng, 20 + 30 * Math.sin((Math.PI * s) / (m === 'sft' ? 90 : 130)), 3));
      curveSteps.forEach((s, i) => points.push(point(m, s * batch, perStep[i])));
      const peak = SEEDS.map((_, k) => {
        const ys = perStep.map((v) => v[k]);
        return (100 * curveSteps[ys.indexOf(Math.max(...ys))]) / stepsTotal;
      });
      const pp = PAPER_FIG2.peakSamples[m as 'sft' | 'vggm'][t];
      peaks.push(point(m, t, peak, { paper: (100 * pp) / PAPER_FIG2.runSamples }));
    }
    sets[t] = { title: `${t} convergence`, chart: 'lines', group: { title: 'Method', order: methods }, x: { title: 'Samples seen' }, y: { title: 'Accuracy', unit: '%' }, points };
  }
  const loss: Point[] = [], spikePoints: Point[] = [], spikeCount: Record<string, number[]> = {};
  for (const m of methods) {
    const curves = SEEDS.map(() => Array.from({ length: stepsTotal }, (_, s) => 3 * Math.exp(-s / 20) + 0.5 + 0.05 * rng.next()));
    const jumps = curves.map((c) => c.map((_, s) => s > 10 && rng.next() < (m === 'sft' ? 0.1 : 0.02)));
    curves.forEach((c, k) => jumps[k].forEach((j, s) => { if (j) c[s] += 1; }));
    // flagged as the trainer flags them: by the one spike rule, on the logged curve
    const spikes = curves.map((c) => { const at = new Set(findSpikes(c)); return c.map((_, s) => at.has(s)); });
    for (let s = 0; s < stepsTotal; s++) {
      loss.push(point(m, s, curves.map((c) => c[s])));
      const which = SEEDS.map((_, k) => k).filter((k) => spikes[k][s]);
      if (which.length) spikePoints.push({ ...point(m, s, which.map((k) => curves[k][s]), { seeds: which.map((k) => SEEDS[k]) }), flag: 'spike' });
    }
    spikeCount[m] = spikes.map((sp) => sp.filter(Boolean).length);
  }
  return file('fig2', 'Fig. 2: convergence and loss stability, no masking vs VGGM', {
    ...sets,
    loss: { title: '(c) Training loss', chart: 'loss', group: { title: 'Method', order: methods }, x: { title: 'Step' }, y: { title: 'Loss', unit: 'nats' }, points: loss },
    lossSpikes: { title: 'Loss spikes', chart: 'lines', group: { title: 'Method', order: methods }, x: { title: 'Step' }, y: { title: 'Loss', unit: 'nats' }, points: spikePoints },
    peaks: { title: 'Where accuracy peaks (share of the SFT run)', chart: 'table', group: { title: 'Method' }, x: TIER_AXIS, y: { title: 'Samples seen at peak accuracy', unit: '% of the run' }, decimals: 0, points: peaks },
    stability: { title: 'Loss spikes and gradient variance', chart: 'table', group: { title: 'Method' }, x: { title: 'Measure' }, y: { title: 'Value' }, points: methods.map((m) => point(m, 'spikes', spikeCount[m])) },
  }, { config: { fake: true, steps: curveSteps, samplesPerStep: batch, tiers } });
}

export function fakeBudgetForcing(rng = new Rng(15)): ResultsFile {
  const methods = ['sft', 'vggm'] as const;
  const delta: Point[] = [], detail: Point[] = [];
  for (const m of methods) for (const t of TIERS) {
    const greedy = acc(rng, 40), forced = greedy.map((g) => Math.min(100, Math.max(0, g + 3 * rng.normal())));
    delta.push(point(m, t, forced.map((f, i) => f - greedy[i]), { paper: PAPER_BUDGET_FORCING[m][t] }));
    detail.push(point(`${m}:greedy`, t, greedy), point(`${m}:forced`, t, forced), point(`${m}:wait`, t, acc(rng, 10)));
  }
  return file('budget_forcing', 'Sec. 3.5: accuracy change from one forced "Wait!"', {
    delta: { title: 'Accuracy change from budget forcing', chart: 'deltaBars', group: { title: 'Method', order: [...methods] }, x: TIER_AXIS, y: { title: 'Accuracy change', unit: 'pp' }, points: delta },
    accuracy: { title: 'Accuracy before and after forcing', chart: 'table', group: { title: 'Method / measure' }, x: TIER_AXIS, y: { title: 'Share of problems', unit: '%' }, points: detail },
  });
}

/** Every notebook's results name → its fake. */
export const FAKES: Record<string, () => ResultsFile> = {
  table1: fakeTable1, table2: fakeTable2, fig1: fakeFig1, fig2: fakeFig2, budget_forcing: fakeBudgetForcing,
};
