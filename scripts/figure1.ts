// Fig. 1: token-entropy histograms of Base, SFT (no masking) and VGGM on MATH-tier questions
// (N rollouts each at temperature T, H_t of every generated token), and where the high-entropy
// "fork" tokens (top 20% by entropy, per model) fall in the response: by normalised position and
// by reasoning step. Plus the mean entropy before and from T_last ("Wait!").
//
//   npx tsx scripts/figure1.ts --scale smoke --seeds 1 --out /tmp/results
import { analyseForks, type ForkAnalysis } from '../lib/eval/forks.ts';
import type { EntropyRollout } from '../lib/eval/entropy.ts';
import { pickProblems } from '../lib/repro/evals.ts';
import type { ModelSpec } from '../lib/repro/models.ts';
import { pointOf, reproMain } from '../lib/repro/script.ts';
import type { Point } from '../lib/report/results.ts';

const MODELS: { id: string; label: string; spec: ModelSpec }[] = [
  { id: 'base', label: '(a) Base', spec: { kind: 'base' } },
  { id: 'sft', label: '(b) SFT (No Masking)', spec: { kind: 'sft', method: 'sft' } },
  { id: 'vggm', label: '(c) SFT (VGGM)', spec: { kind: 'sft', method: 'vggm' } },
];
const TOP_FRACTION = 0.2;
const POSITION_BINS = 10;
const MAX_STEP = 8;

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

await reproMain(
  {
    name: 'fig1',
    title: 'Fig. 1: token entropy and fork-token positions',
    describe: 'Reproduce Fig. 1: token-entropy histograms of Base, SFT and VGGM on MATH-tier rollouts, and the positional distribution of fork tokens.',
  },
  async ({ args, plan, data, models, evals }) => {
    const questions = pickProblems(data.eval, { math: plan.entropy.questions });
    const rolls: Record<string, EntropyRollout[][]> = {};
    for (const seed of args.seeds) {
      for (const m of MODELS) {
        const ref = await models.get(m.spec, { scale: args.scale, family: args.family, seed });
        const r = await evals.entropy({ ...ref, label: `${m.id} seed ${seed}` }, questions, {
          rollouts: plan.entropy.rollouts,
          temperature: plan.entropy.temperature,
          maxNewTokens: plan.maxNewTokens,
          batch: plan.genBatch,
          seed,
        });
        (rolls[m.id] ??= []).push(r);
      }
    }
    // One set of bin edges for every model and seed: up to the largest entropy seen, to 0.5 nats.
    let hi = 0;
    for (const rs of Object.values(rolls)) for (const r of rs.flat()) for (let i = 0; i < r.entropy.length; i++) hi = Math.max(hi, r.entropy[i]);
    const entropyMax = Math.max(0.5, Math.ceil(hi * 2) / 2);
    const an: Record<string, ForkAnalysis[]> = Object.fromEntries(
      MODELS.map((m) => [
        m.id,
        rolls[m.id].map((r) => analyseForks(r, { topFraction: TOP_FRACTION, entropyBins: plan.entropy.bins, entropyMax, positionBins: POSITION_BINS, maxStep: MAX_STEP })),
      ]),
    );

    const perSeed = (id: string, f: (a: ForkAnalysis) => number) => an[id].map(f);
    const pct = (num: number, den: number) => (den > 0 ? (100 * num) / den : 0);
    const entropy: Point[] = [],
      positions: Point[] = [],
      steps: Point[] = [],
      summary: Point[] = [];
    for (const m of MODELS) {
      const h = an[m.id][0].entropyHistogram;
      h.counts.forEach((_, i) =>
        entropy.push(
          pointOf(
            m.id,
            r4((h.edges[i] + h.edges[i + 1]) / 2),
            perSeed(m.id, (a) => pct(a.entropyHistogram.counts[i], a.tokens)),
          ),
        ),
      );
      for (let i = 0; i < POSITION_BINS; i++)
        positions.push(
          pointOf(
            m.id,
            r4((i + 0.5) / POSITION_BINS),
            perSeed(m.id, (a) => pct(a.position.forks[i], a.forks)),
          ),
        );
      for (let s = 0; s <= MAX_STEP; s++)
        steps.push(
          pointOf(
            m.id,
            s,
            perSeed(m.id, (a) => pct(a.steps.forks[s], a.forks)),
          ),
        );
      const rows: [string, (a: ForkAnalysis) => number][] = [
        ['mean', (a) => a.meanEntropy],
        ['threshold', (a) => a.threshold],
        ['before', (a) => a.tLast.before.meanEntropy],
        ['after', (a) => a.tLast.after.meanEntropy],
        ['tokens', (a) => a.tokens / Math.max(1, questions.length * plan.entropy.rollouts)],
      ];
      for (const [x, f] of rows) {
        const v = perSeed(m.id, f);
        const ok = v.map((y, i) => (Number.isFinite(y) ? i : -1)).filter((i) => i >= 0);
        if (ok.length)
          summary.push(
            pointOf(
              m.id,
              x,
              ok.map((i) => v[i]),
              undefined,
              ok.length < v.length ? ok.map((i) => args.seeds[i]) : undefined,
            ),
          );
      }
    }
    const group = { title: 'Model', order: MODELS.map((m) => m.id), labels: Object.fromEntries(MODELS.map((m) => [m.id, m.label])) };
    const setup = `${questions.length} MATH-tier questions × ${plan.entropy.rollouts} rollouts at T = ${plan.entropy.temperature}, ${args.family} student; H_t = −Σ p log p of p = softmax(z/T), in nats.`;
    return {
      sets: {
        entropy: {
          title: 'Token entropy',
          chart: 'histogram',
          group,
          x: { title: 'Token entropy', unit: 'nats' },
          y: { title: 'Share of tokens', unit: '%' },
          decimals: 2,
          points: entropy,
          notes: [setup],
        },
        forkPositions: {
          title: 'Fork tokens by position in the response',
          chart: 'lines',
          group,
          x: { title: 'Position (token index / length)' },
          y: { title: 'Share of fork tokens', unit: '%' },
          points: positions,
          notes: [`Fork tokens: the top ${100 * TOP_FRACTION}% of each model's generated tokens by entropy.`],
        },
        forkSteps: {
          title: 'Fork tokens by reasoning step',
          chart: 'lines',
          group,
          x: { title: `Reasoning step (line; ${MAX_STEP} = ${MAX_STEP} or later)` },
          y: { title: 'Share of fork tokens', unit: '%' },
          points: steps,
        },
        summary: {
          title: 'Entropy summary',
          chart: 'table',
          group,
          x: {
            title: 'Measure',
            order: ['mean', 'threshold', 'before', 'after', 'tokens'],
            labels: { mean: 'mean H (nats)', threshold: 'fork cut (nats)', before: 'mean H before T_last', after: 'mean H from T_last', tokens: 'tokens / rollout' },
          },
          y: { title: 'Value' },
          decimals: 3,
          points: summary,
          notes: ['T_last = the last "Wait!" of a rollout; before/after only over rollouts that have one (Base models never write it).'],
        },
      },
      config: { family: args.family, questions: questions.length, rollouts: plan.entropy.rollouts, temperature: plan.entropy.temperature, entropyMax, topFraction: TOP_FRACTION },
    };
  },
);
