// Fig. 2: convergence and stability of no-mask SFT vs VGGM. (a, b) accuracy on the GSM8K and MATH
// tiers against samples seen: Table 1's SFT run per method and seed, evaluated at the evenly
// spaced snapshots it keeps; (c) the training-loss curves with loss spikes counted by the one
// rule of lib/util/spikes.ts; and the cross-batch gradient variance the trainer measures, which
// the paper argues about but does not report.
//
//   npx tsx scripts/figure2.ts --scale smoke --seeds 1 --out /tmp/results
import { TIERS } from '../lib/data/world/config.ts';
import type { Tier } from '../lib/data/types.ts';
import { PAPER_FIG2 } from '../lib/report/paper.ts';
import type { Point } from '../lib/report/results.ts';
import { pickProblems } from '../lib/repro/evals.ts';
import { curveSteps } from '../lib/train/schedule.ts';
import { pointOf, reproMain, TIER_AXIS } from '../lib/repro/script.ts';
import { DEFAULT_SPIKE_RULE } from '../lib/util/spikes.ts';
import { MetricsLog } from '../lib/train/metrics.ts';
import { scaleTable } from '../lib/train/scales.ts';
import type { Method } from '../lib/train/weights.ts';

const METHODS: { id: Method; label: string }[] = [
  { id: 'sft', label: 'No Masking' },
  { id: 'vggm', label: 'VGGM' },
];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

await reproMain(
  {
    name: 'fig2',
    title: 'Fig. 2: convergence and loss stability, no masking vs VGGM',
    describe: 'Reproduce Fig. 2: accuracy vs samples seen (GSM8K, MATH tiers), training-loss curves with spikes, and gradient variance, for no-mask SFT and VGGM.',
  },
  async ({ args, plan, data, models, evals }) => {
    const t = { sft: models.sftOptim(args.scale), gradVar: scaleTable(args.scale).gradVar };
    const steps = curveSteps(t.sft.steps, plan.curvePoints);
    const tiers = plan.curveTiers;
    const problems = pickProblems(data.eval, Object.fromEntries(tiers.map((x) => [x, plan.evalPerTier[x]])));
    // acc[method][tier][stepIndex][seedIndex]
    const acc: Record<string, Record<string, number[][]>> = {};
    const losses: Record<string, number[][]> = {};
    const spikes: Record<string, { step: number; loss: number; seed: number }[]> = {};
    const spikeCount: Record<string, number[]> = {};
    const gv: Record<string, Map<number, { variance: number[]; nts: number[]; cos: number[] }>> = {};
    for (const seed of args.seeds) {
      for (const m of METHODS) {
        const run = await models.curve({ scale: args.scale, family: args.family, seed }, m.id);
        for (const [i, snap] of run.snapshots.entries()) {
          const res = await evals.accuracy({ key: snap.key, dir: snap.dir, format: 'trace', label: `${m.id} seed ${seed} step ${snap.step}` }, problems, {
            maxNewTokens: plan.maxNewTokens,
            batch: plan.genBatch,
          });
          for (const x of tiers) (((acc[m.id] ??= {})[x] ??= [])[i] ??= []).push(100 * res[x].greedy);
        }
        const recs = new MetricsLog(`${run.dir}/metrics.jsonl`).read();
        const stepRecs = recs.filter((r) => r.kind === 'step').sort((a, b) => a.step - b.step);
        (losses[m.id] ??= []).push(stepRecs.map((r) => r.loss as number));
        for (const r of stepRecs) if (r.spike) (spikes[m.id] ??= []).push({ step: r.step, loss: r.loss as number, seed });
        (spikeCount[m.id] ??= []).push(stepRecs.filter((r) => r.spike).length);
        for (const r of recs.filter((x) => x.kind === 'gradvar')) {
          const g = (gv[m.id] ??= new Map()).get(r.step) ?? { variance: [], nts: [], cos: [] };
          g.variance.push(r.variance as number);
          g.nts.push(r.noiseToSignal as number);
          g.cos.push(r.meanCosineToRest as number);
          gv[m.id].set(r.step, g);
        }
      }
    }
    const samples = (s: number) => s * t.sft.batch;
    const group = { title: 'Method', order: METHODS.map((m) => m.id), labels: Object.fromEntries(METHODS.map((m) => [m.id, m.label])) };
    const curve = (x: Tier): Point[] => METHODS.flatMap((m) => steps.map((s, i) => pointOf(m.id, samples(s), acc[m.id][x][i])));
    const nSeeds = args.seeds.length;
    const lossPoints: Point[] = METHODS.flatMap((m) =>
      losses[m.id][0].map((_, s) =>
        pointOf(
          m.id,
          s,
          losses[m.id].map((l) => l[s]),
        ),
      ),
    );
    // Spikes: one point per (method, step) holding the loss of each seed that spiked there.
    const spikePoints: Point[] = METHODS.flatMap((m) => {
      const by = new Map<number, { loss: number; seed: number }[]>();
      for (const s of spikes[m.id] ?? []) by.set(s.step, [...(by.get(s.step) ?? []), s]);
      return [...by]
        .sort((a, b) => a[0] - b[0])
        .map(([step, xs]) => ({
          ...pointOf(
            m.id,
            step,
            xs.map((x) => x.loss),
            undefined,
            xs.map((x) => x.seed),
          ),
          flag: 'spike',
        }));
    });
    // Where each seed's accuracy peaks, as a share of the run (the paper's runs see 20k samples).
    const peakShare = (m: string, x: Tier) =>
      args.seeds.map((_, k) => {
        const ys = steps.map((_, i) => acc[m][x][i][k]);
        return (100 * samples(steps[ys.indexOf(Math.max(...ys))])) / samples(t.sft.steps);
      });
    const paperPeak = (m: string, x: Tier) => {
      const p = PAPER_FIG2.peakSamples[m as 'sft' | 'vggm'] as Record<string, number>;
      return p[x] !== undefined ? (100 * p[x]) / PAPER_FIG2.runSamples : null;
    };
    const gvSteps = [...new Set(METHODS.flatMap((m) => [...(gv[m.id]?.keys() ?? [])]))].sort((a, b) => a - b);
    const gvPoints: Point[] = METHODS.flatMap((m) => gvSteps.filter((s) => gv[m.id]?.get(s)?.variance.length === nSeeds).map((s) => pointOf(m.id, s, gv[m.id].get(s)!.variance)));
    const stability: Point[] = METHODS.flatMap((m) => {
      const g = [...(gv[m.id]?.values() ?? [])];
      const perSeed = (f: (x: { variance: number[]; nts: number[]; cos: number[] }) => number[]) =>
        args.seeds.map((_, k) => mean(g.map((x) => f(x)[k]).filter((v) => Number.isFinite(v))));
      const out = [pointOf(m.id, 'spikes', spikeCount[m.id])];
      if (g.length && g.every((x) => x.variance.length === nSeeds)) {
        out.push(
          pointOf(
            m.id,
            'variance',
            perSeed((x) => x.variance),
          ),
          pointOf(
            m.id,
            'noiseToSignal',
            perSeed((x) => x.nts),
          ),
          pointOf(
            m.id,
            'cosine',
            perSeed((x) => x.cos),
          ),
        );
      }
      return out.filter((p) => p.values.every(Number.isFinite));
    });
    const rule = DEFAULT_SPIKE_RULE;
    return {
      sets: {
        ...Object.fromEntries(
          tiers.map((x) => [
            x,
            {
              title: `(${x === 'gsm8k' ? 'a' : 'b'}) ${TIER_AXIS.labels![x]} convergence`,
              chart: 'lines',
              group,
              x: { title: 'Samples seen' },
              y: { title: 'Accuracy', unit: '%' },
              points: curve(x),
              notes: [
                `${problems.filter((p) => p.tier === x).length} held-out ${x} problems, greedy; the SFT run (${t.sft.steps} steps × ${t.sft.batch}) evaluated at ${steps.length} points (0 = Base, asked in the trace format).`,
              ],
            },
          ]),
        ),
        loss: {
          title: '(c) Training loss',
          chart: 'loss',
          group,
          x: { title: 'Step' },
          y: { title: 'Loss (mean NLL of learned tokens)', unit: 'nats' },
          points: lossPoints,
          notes: [
            'The loss is over the tokens each method learns: every response token for no-mask SFT, the verified suffix (and v=0 traces) for VGGM, so levels differ by construction; compare shapes and spikes.',
          ],
        },
        lossSpikes: { title: 'Loss spikes', chart: 'lines', group, x: { title: 'Step' }, y: { title: 'Loss', unit: 'nats' }, points: spikePoints },
        peaks: {
          title: 'Where accuracy peaks (share of the SFT run)',
          chart: 'table',
          group,
          x: TIER_AXIS,
          y: { title: 'Samples seen at peak accuracy', unit: '% of the run' },
          decimals: 0,
          points: METHODS.flatMap((m) => tiers.map((x) => pointOf(m.id, x, peakShare(m.id, x), paperPeak(m.id, x)))),
          notes: [`${PAPER_FIG2.source}: 9k/12k (no masking) and 15k/19k (VGGM) of a 20k-sample run, shown as % of the run. Ties go to the earliest point.`],
        },
        stability: {
          title: 'Loss spikes and gradient variance',
          chart: 'table',
          group,
          x: {
            title: 'Measure',
            order: ['spikes', 'variance', 'noiseToSignal', 'cosine'],
            labels: { spikes: 'loss spikes per run', variance: 'grad variance tr Cov(g)', noiseToSignal: 'variance / ‖mean g‖²', cosine: 'mean cosine to other batches' },
          },
          y: { title: 'Value' },
          decimals: 4,
          points: stability,
          notes: [
            `A spike: a step whose loss exceeds the mean of the previous ${rule.window} losses by more than ${rule.k}× max(their std, ${rule.minRelStd} × their mean) (lib/util/spikes.ts).`,
            `Gradient variance: every ${t.gradVar.every} steps, the gradients of ${t.gradVar.batches} independent mini-batches at the current weights (no update); values averaged over the run.`,
          ],
        },
        ...(gvPoints.length
          ? {
              gradVariance: { title: 'Gradient variance during SFT', chart: 'lines', group, x: { title: 'Step' }, y: { title: 'tr Cov(g) across mini-batches' }, points: gvPoints },
            }
          : {}),
      },
      config: { family: args.family, steps, samplesPerStep: t.sft.batch, tiers, problems: problems.length, spikeRule: rule, gradVar: t.gradVar, allTiers: TIERS },
    };
  },
);
