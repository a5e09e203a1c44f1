// Table 2: both student families (llama-like, qwen-like): Base; no-mask SFT on the N SFT samples;
// VGGM on the same N; and the "distill" baseline, no-mask SFT on multiplier × N traces from the
// same teacher (the paper: DeepSeek-R1-Distill, 800k = 40 × 20k). Also the share of the
// no-mask → distill gap that VGGM closes, per benchmark, and the paired differences (VGGM − SFT,
// distill − SFT, VGGM − distill per family) with Table 1's two-stage bootstrap over seeds ×
// problems. Every model answers Table 1's problems (lib/repro/evals.ts tableProblems), so the models
// both tables train share one cached evaluation.
//
//   npx tsx scripts/table2.ts --scale smoke --seeds 1 --out /tmp/results
import { TIERS } from '../lib/data/world/config.ts';
import { families, type Family } from '../lib/model/config.ts';
import { PAPER_TABLE2 } from '../lib/report/paper.ts';
import { pairedDifferenceSet, type Comparison, type Outcome } from '../lib/report/paired.ts';
import { measured } from '../lib/report/results.ts';
import { gapShare } from '../lib/report/stats.ts';
import { sftCount } from '../lib/repro/distill.ts';
import { reproEta } from '../lib/repro/eta.ts';
import { tableProblems } from '../lib/repro/evals.ts';
import type { ModelSpec } from '../lib/repro/models.ts';
import { pointOf, reproMain, TIER_AXIS, tierPoints } from '../lib/repro/script.ts';
import { UsageError } from '../lib/util/cli.ts';
import { Rng } from '../lib/util/rng.ts';

type Row = 'base' | 'sft' | 'vggm' | 'distill';
type DistillPlan = { multiplier: number; stepsFactor: number };

/** The distill baseline's data multiplier and steps (--distill-steps overrides the plan's factor). */
const distillSpec = (plan: DistillPlan, args: object): DistillPlan => ({ ...plan, stepsFactor: (args as { distillSteps?: number }).distillSteps ?? plan.stepsFactor });

/** Table 2's rows, per family and seed. */
const tableRows = (distill: DistillPlan): { row: Row; spec: ModelSpec }[] => [
  { row: 'base', spec: { kind: 'base' } },
  { row: 'sft', spec: { kind: 'sft', method: 'sft' } },
  { row: 'vggm', spec: { kind: 'sft', method: 'vggm' } },
  { row: 'distill', spec: { kind: 'distill', ...distill } },
];
const FAMILY_LABEL: Record<Family, string> = { 'llama-like': 'Llama-like', 'qwen-like': 'Qwen-like' };
/** The paired differences Table 2's claims rest on, per family (group keys `${family}:${row}`). */
const differences = (fams: readonly Family[]): Comparison[] =>
  fams.flatMap((f) => [
    { id: `${f}:vggm-sft`, label: `${FAMILY_LABEL[f]} VGGM − SFT (No Masking)`, a: `${f}:vggm`, b: `${f}:sft` },
    { id: `${f}:distill-sft`, label: `${FAMILY_LABEL[f]} Distill − SFT (No Masking)`, a: `${f}:distill`, b: `${f}:sft` },
    { id: `${f}:vggm-distill`, label: `${FAMILY_LABEL[f]} VGGM − Distill`, a: `${f}:vggm`, b: `${f}:distill` },
  ]);
const ROW_LABEL: Record<Row, (n: string, big: string) => string> = {
  base: () => 'Base',
  sft: (n) => `SFT (No Masking, ${n})`,
  vggm: (n) => `SFT (VGGM, ${n})`,
  distill: (_, big) => `Distill (No Masking, ${big})`,
};

await reproMain(
  {
    name: 'table2',
    title: 'Table 2: VGGM on N samples vs no-mask distillation on 40×N',
    describe: 'Reproduce Table 2: both student families; Base, no-mask SFT and VGGM on N samples, and no-mask "distill" SFT on multiplier x N samples.',
    families: ['llama-like', 'qwen-like'],
    eta: (r, jobs) => reproEta(r, jobs, { specs: tableRows(distillSpec(r.plan.distill, r.args)).map((x) => x.spec), families: [...families] }),
    options: (y) =>
      y
        .option('distill-steps', {
          type: 'number',
          describe: "the distill baseline's steps as a multiple of the SFT steps (default: the scale's; cpu 1, a compute-matched baseline; paper 40, all of its data once)",
        })
        .check((a) => {
          const f = a['distill-steps'];
          if (f !== undefined && !(Number.isFinite(f) && (f as number) > 0)) throw new UsageError(`--distill-steps must be a positive number, got ${f}`);
          return true;
        }),
  },
  async ({ args, plan, data, models, evals }) => {
    // Table 1's problems (held-out and supplementary), so that the models both tables share (Base,
    // no-mask SFT and VGGM of Table 1's family) are evaluated once, in the evaluation cache.
    const { heldOut, supplementary, all: problems } = tableProblems(data, plan);
    const count = (ps: typeof problems) => TIERS.map((t) => `${ps.filter((p) => p.tier === t).length} ${t}`).join(', ');
    const n = sftCount(data);
    const distill = distillSpec(plan.distill, args);
    const rows = tableRows(distill);
    const fams = [...families].sort(); // llama-like first, as in the paper
    const acc: Record<string, Record<string, number[]>> = {};
    const keys: Record<string, string[]> = {};
    const outcomes: Outcome[] = [];
    for (const family of fams) {
      for (const seed of args.seeds) {
        const refs = [];
        for (const r of rows) refs.push({ r, ref: await models.get(r.spec, { scale: args.scale, family, seed }) });
        for (const { r, ref } of refs) {
          const { result: res, records } = await evals.accuracyRecords({ ...ref, label: `${family} ${r.row} seed ${seed}` }, problems, {
            maxNewTokens: plan.maxNewTokens,
            batch: plan.genBatch,
          });
          for (const t of TIERS) ((acc[`${family}:${r.row}`] ??= {})[t] ??= []).push(100 * res[t].greedy);
          for (const rec of records) outcomes.push({ row: `${family}:${r.row}`, seed, tier: rec.tier, id: rec.id, correct: rec.equal ? 1 : 0 });
          (keys[`${family}:${r.row}`] ??= []).push(ref.key);
        }
      }
    }
    const groups = fams.flatMap((f) => rows.map((r) => `${f}:${r.row}`));
    const fmt = (v: number) => (v >= 1000 ? `${+(v / 1000).toPrecision(3)}k` : String(v));
    const labels = Object.fromEntries(
      groups.map((g) => {
        const [f, r] = g.split(':') as [Family, Row];
        return [g, `${FAMILY_LABEL[f]} ${ROW_LABEL[r](fmt(n), fmt(n * distill.multiplier))}`];
      }),
    );
    const paperOf = (g: string, t: (typeof TIERS)[number]) => {
      const [f, r] = g.split(':') as [Family, Row];
      return PAPER_TABLE2[f][r][t];
    };
    const diffs = pairedDifferenceSet(outcomes, differences(fams), TIERS, args.seeds, TIER_AXIS, new Rng(22), plan.bootstrap);
    diffs.notes = [
      `Each seed's value is its mean difference over the tier's ${args.seeds.length > 1 ? 'problems; the mean is over seeds' : 'problems'}. Problems: ${count(problems)}.`,
      'A difference whose interval holds 0 is inconclusive: this design cannot tell its sign.',
      ...(args.seeds.length === 1
        ? [
            'One seed: the interval carries the sampling of problems only, not the seed-to-seed variation of training (at the cpu scale, VGGM − SFT in Table 1 moved by tens of points from seed to seed). Read these verdicts as provisional until more seeds are run.',
          ]
        : []),
    ];
    const verdict = (id: string, t: string) => diffs.points.find((p) => p.group === id && p.x === t)!.verdict;
    // Gap closed = (VGGM − SFT) / (distill − SFT), per seed, where distill beats no-mask SFT beyond
    // noise: the paired bootstrap interval of distill − SFT above 0 (lib/report/stats.ts gapShare);
    // elsewhere the share is undefined and a note says why.
    const noGap: string[] = [];
    const gap = fams.flatMap((f) =>
      TIERS.flatMap((t) => {
        const g = gapShare(acc[`${f}:sft`][t], acc[`${f}:vggm`][t], acc[`${f}:distill`][t], verdict(`${f}:distill-sft`, t) === 'positive');
        if (!g.exists) {
          noGap.push(`${FAMILY_LABEL[f]} ${t} ${g.gap.mean >= 0 ? '+' : ''}${g.gap.mean.toFixed(1)}${g.gap.ci95 === null ? '' : ` ± ${g.gap.ci95.toFixed(1)}`}`);
          return [];
        }
        const p = PAPER_TABLE2[f];
        return [pointOf(f, t, g.shares, (p.vggm[t] - p.sft[t]) / (p.distill[t] - p.sft[t]), g.kept.length < args.seeds.length ? g.kept.map((i) => args.seeds[i]) : undefined)];
      }),
    );
    const gapRule =
      'A share is given only where distill beats no-mask SFT beyond noise (the paired differences set: the two-stage bootstrap interval of distill − SFT over seeds × problems lies above 0); within it, a seed where distill does not beat SFT has no share and is left out (the point lists its seeds).';
    const noGapNote = noGap.length ? `No gap to close (distill − no-mask SFT, points, mean${args.seeds.length > 1 ? ' ± 95% CI' : ''}): ${noGap.join('; ')}.` : null;
    return {
      sets: {
        accuracy: {
          title: 'Accuracy (greedy pass@1)',
          chart: 'groupedBars',
          group: { title: 'Model / setting', order: groups, labels },
          x: TIER_AXIS,
          y: { title: 'Accuracy', unit: '%' },
          points: tierPoints(groups, TIERS, (g, t) => acc[g][t], paperOf),
          notes: [
            `${PAPER_TABLE2.source}. The paper's Qwen Base and Qwen no-mask rows are its Table 1 numbers (Table 2 prints none); its Qwen distill student is Qwen2.5-Math-7B-Base.`,
            `Ours: N = ${n} SFT traces; distill = ${distill.multiplier}×N traces of the same teacher from extra worlds (raw v mix; every evaluation, supplementary and development problem removed), trained ${distill.stepsFactor}× the SFT steps. Greedy, on Table 1's problems: ${count(problems)} (held-out ${count(heldOut)}; supplementary ${count(supplementary)}).`,
          ],
        },
        ...(gap.length
          ? {
              gapClosed: {
                title: 'Share of the no-mask → distill gap closed by VGGM',
                chart: 'ratioBars',
                group: { title: 'Family', order: fams, labels: FAMILY_LABEL },
                x: TIER_AXIS,
                y: { title: '(VGGM − SFT) / (Distill − SFT)' },
                decimals: 2,
                points: gap,
                notes: [gapRule, ...(noGapNote ? [noGapNote] : [])],
              },
            }
          : {}),
        differences: diffs,
      },
      notes: gap.length
        ? undefined
        : [
            `On no family and benchmark did distill beat no-mask SFT beyond noise, so the share of the gap VGGM closes is undefined and its panel is left out. ${gapRule} ${noGapNote}`,
          ],
      config: {
        families: fams,
        problems: problems.length,
        evalSets: { heldOut: heldOut.length, supplementary: supplementary.length },
        n,
        distill: { ...distill, traces: n * distill.multiplier },
        models: keys,
        meanAccuracy: Object.fromEntries(groups.map((g) => [g, Object.fromEntries(TIERS.map((t) => [t, measured(acc[g][t]).mean]))])),
        bootstrap: { ...plan.bootstrap, scheme: "seeds with replacement, then each drawn seed's problems with replacement (docs/statistics.md)" },
      },
    };
  },
);
