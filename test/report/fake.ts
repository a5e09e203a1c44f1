// Small fake results files in the shapes the reproduction scripts write, for the report tests
// and the rendering demo. Numbers are random around the paper's, not results.
import { point, type Point, type ResultSet, type ResultsFile } from '../../lib/report/results.ts';
import { findSpikes } from '../../lib/util/spikes.ts';
import { Rng } from '../../lib/util/rng.ts';

export const SEEDS = [1, 2, 3];
const BENCH = { title: 'Benchmark', order: ['gsm8k', 'math', 'amc23'], labels: { gsm8k: 'GSM8K', math: 'MATH', amc23: "AMC'23" } };
const METHODS = {
  title: 'Method',
  order: ['base', 'base+grpo', 'sft', 'sft+grpo', 'vggm', 'vggm+grpo'],
  labels: {
    base: 'Base (no SFT)',
    'base+grpo': 'Base + GRPO',
    sft: 'SFT (no masking)',
    'sft+grpo': 'SFT (no masking) + GRPO',
    vggm: 'SFT (VGGM)',
    'vggm+grpo': 'SFT (VGGM) + GRPO',
  },
};

function meta(name: string, title: string, sets: Record<string, ResultSet>, extra: Partial<ResultsFile> = {}): ResultsFile {
  return {
    name,
    title,
    scale: 'smoke',
    seeds: SEEDS,
    config: { fake: true },
    wallTimeSec: 12.5,
    createdBy: `tsx scripts/${name}.ts --scale smoke`,
    createdAt: '2025-01-01T00:00:00.000Z',
    sets,
    ...extra,
  };
}

const noisy = (rng: Rng, m: number, sd: number) => SEEDS.map(() => +(m + sd * rng.normal()).toFixed(2));

export function fakeTable1(seed = 1): ResultsFile {
  const rng = new Rng(seed);
  const paper: Record<string, number[]> = {
    base: [66.2, 46.5, 28.2],
    'base+grpo': [74.2, 50.5, 30.1],
    sft: [78.2, 67.8, 52.3],
    'sft+grpo': [80.7, 69.0, 54.1],
    vggm: [83.1, 71.3, 58.7],
    'vggm+grpo': [87.3, 74.9, 62.7],
  };
  const points: Point[] = [];
  for (const m of METHODS.order) BENCH.order.forEach((b, i) => points.push(point(m, b, noisy(rng, paper[m][i] - 15, 3), { paper: paper[m][i] })));
  return meta(
    'table1',
    'Table 1: Benchmark performance',
    {
      accuracy: { title: 'Accuracy by method and benchmark', chart: 'groupedBars', group: METHODS, x: BENCH, y: { title: 'Accuracy', unit: '%' }, points },
    },
    { paperNotes: ['VGGM + GRPO is best on every benchmark (87.3 / 74.9 / 62.7).'] },
  );
}

export function fakeTable2(seed = 2): ResultsFile {
  const rng = new Rng(seed);
  const rows: [string, string, number[]][] = [
    ['llama', 'Llama3.1-8B', [45.1, 19.8, 12.3]],
    ['llama+sft', 'Llama3.1-8B + SFT (No Masking, 20k)', [74.1, 57.9, 45.2]],
    ['llama+vggm', 'Llama3.1-8B + SFT (VGGM, 20k)', [79.1, 62.9, 50.4]],
    ['distill-llama', 'DeepSeek-R1-Distill-Llama (No Masking, 800k)', [83.4, 68.4, 57.2]],
    ['qwen+vggm', 'Qwen2.5-7B + SFT (VGGM, 20k)', [83.1, 71.3, 58.7]],
    ['distill-qwen', 'DeepSeek-R1-Distill-Qwen (No Masking, 800k)', [89.2, 76.7, 65.8]],
  ];
  const group = { title: 'Model / setting', order: rows.map((r) => r[0]), labels: Object.fromEntries(rows.map((r) => [r[0], r[1]])) };
  const points = rows.flatMap(([k, , p]) => BENCH.order.map((b, i) => point(k, b, noisy(rng, p[i] - 10, 2.5), { paper: p[i] })));
  const gap = BENCH.order.map((b, i) => point('llama', b, noisy(rng, [0.54, 0.48, 0.43][i], 0.08), { paper: [0.54, 0.48, 0.43][i] }));
  return meta('table2', 'Table 2: VGGM vs. 40× more distillation data', {
    accuracy: { title: 'Accuracy', chart: 'groupedBars', group, x: BENCH, y: { title: 'Accuracy', unit: '%' }, points },
    gapClosed: {
      title: 'Share of the SFT → 40× distill gap closed by VGGM',
      chart: 'ratioBars',
      group: { title: 'Student', labels: { llama: 'Llama-like' } },
      x: BENCH,
      y: { title: '(VGGM − SFT) / (distill − SFT)', unit: 'ratio' },
      points: gap,
    },
  });
}

export function fakeFig1(seed = 3): ResultsFile {
  const rng = new Rng(seed);
  const models = { title: 'Model', order: ['base', 'sft', 'vggm'], labels: { base: '(a) Base', sft: '(b) SFT', vggm: '(c) VGGM' } };
  const entropy: Point[] = [];
  const fork: Point[] = [];
  const spread: Record<string, number> = { base: 0.9, sft: 0.35, vggm: 0.7 };
  for (const m of models.order) {
    for (let b = 0; b < 20; b++) {
      const x = +(0.1 * b + 0.05).toFixed(2);
      const f = Math.exp(-x / spread[m]) * 0.3;
      entropy.push(
        point(
          m,
          x,
          SEEDS.map(() => Math.max(0, +(f * (1 + 0.1 * rng.normal())).toFixed(5))),
        ),
      );
    }
    for (let b = 0; b < 10; b++) {
      const x = +(0.1 * b + 0.05).toFixed(2);
      const f = m === 'sft' ? 0.1 : 0.2 * Math.exp(-x * 2) + 0.03;
      fork.push(point(m, x, noisy(rng, f * 100, 1.5)));
    }
  }
  return meta('fig1', 'Figure 1: Token entropy and fork-token positions (MATH, 8 rollouts)', {
    entropy: {
      title: 'Token entropy histograms',
      chart: 'histogram',
      group: models,
      x: { title: 'Token entropy', unit: 'nats' },
      y: { title: 'Share of tokens', unit: 'fraction' },
      points: entropy,
    },
    forkPositions: {
      title: '(d) Fork-token positions',
      chart: 'lines',
      group: { ...models, labels: { base: 'Base', sft: 'SFT', vggm: 'VGGM' } },
      x: { title: 'Relative position in the trace', unit: '0–1' },
      y: { title: 'Share of fork tokens', unit: '%' },
      points: fork,
    },
  });
}

export function fakeFig2(seed = 4): ResultsFile {
  const rng = new Rng(seed);
  const methods = { title: 'Method', order: ['sft', 'vggm'], labels: { sft: 'SFT (no masking)', vggm: 'SFT (VGGM)' } };
  const samples = [1000, 3000, 5000, 7000, 9000, 11000, 13000, 15000, 17000, 19000];
  const curve = (peak: number, top: number) => (s: number) => top - 12 * ((s - peak) / 10000) ** 2;
  const acc = (bench: string, sftPeak: number, vggmPeak: number, top: number): ResultSet => ({
    title: bench === 'gsm8k' ? '(a) GSM8K convergence' : '(b) MATH convergence',
    chart: 'lines',
    group: methods,
    x: { title: 'Training samples seen' },
    y: { title: 'Accuracy', unit: '%' },
    points: samples.flatMap((s) => [point('sft', s, noisy(rng, curve(sftPeak, top - 4)(s), 1)), point('vggm', s, noisy(rng, curve(vggmPeak, top)(s), 1))]),
  });
  const steps = Array.from({ length: 150 }, (_, i) => i * 10);
  const lossPts: Point[] = [];
  const perSeed: Record<string, number[][]> = { sft: [], vggm: [] };
  for (const m of ['sft', 'vggm'] as const) {
    for (const _s of SEEDS) {
      perSeed[m].push(
        steps.map((t) => {
          const base = 2.8 * Math.exp(-t / 400) + 0.6 + 0.03 * rng.normal();
          return +(m === 'sft' && rng.next() < 0.05 ? base + 0.5 + rng.next() : base).toFixed(4);
        }),
      );
    }
    steps.forEach((t, i) =>
      lossPts.push(
        point(
          m,
          t,
          perSeed[m].map((c) => c[i]),
        ),
      ),
    );
  }
  const spikes: Point[] = [];
  for (const m of ['sft', 'vggm'] as const) {
    perSeed[m].forEach((c, si) => {
      for (const i of findSpikes(c)) spikes.push(point(m, steps[i], [c[i]], { seeds: [SEEDS[si]], flag: 'spike' }));
    });
  }
  return meta(
    'fig2',
    'Figure 2: Convergence and loss stability, no masking vs. VGGM',
    {
      gsm8k: acc('gsm8k', 9000, 15000, 80),
      math: acc('math', 12000, 19000, 65),
      loss: { title: '(c) Training loss', chart: 'loss', group: methods, x: { title: 'Optimizer step' }, y: { title: 'Training loss', unit: 'nats/token' }, points: lossPts },
      lossSpikes: { title: 'Loss spikes', chart: 'loss', group: methods, x: { title: 'Optimizer step' }, y: { title: 'Training loss', unit: 'nats/token' }, points: spikes },
    },
    { paperNotes: ['Without masking accuracy peaks at 9k (GSM8K) / 12k (MATH) samples; VGGM keeps improving to 15k / 19k.'] },
  );
}

export function fakeBudgetForcing(seed = 5): ResultsFile {
  const rng = new Rng(seed);
  const methods = { title: 'Method', order: ['sft', 'vggm'], labels: { sft: 'SFT (no masking)', vggm: 'SFT (VGGM)' } };
  const paper: Record<string, number[]> = { sft: [-0.9, 0.6, 0.2], vggm: [1.1, 2.3, 1.8] };
  const points = methods.order.flatMap((m) => BENCH.order.map((b, i) => point(m, b, noisy(rng, paper[m][i] * 0.8, 0.7), { paper: paper[m][i] })));
  return meta('budget_forcing', 'Sec. 3.5: Budget forcing (one "Wait!")', {
    delta: { title: 'Accuracy change from one forced "Wait!"', chart: 'deltaBars', group: methods, x: BENCH, y: { title: 'Accuracy change', unit: 'pp' }, points },
  });
}

/** A file whose name has no registry entry: drawn with the generic layout. */
export function fakeUnknown(seed = 6): ResultsFile {
  const rng = new Rng(seed);
  const f = fakeTable1(seed);
  return {
    ...f,
    name: 'ablation_x',
    title: 'Some ablation',
    sets: { ...f.sets, extra: { title: 'Extra', chart: 'table', group: { title: 'G' }, x: { title: 'X' }, y: { title: 'Y' }, points: [point('a', 'b', noisy(rng, 1, 0.1))] } },
  };
}

export const ALL_FAKES = [fakeTable1, fakeTable2, fakeFig1, fakeFig2, fakeBudgetForcing, fakeUnknown];
