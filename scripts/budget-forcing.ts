// Sec. 3.5: test-time budget forcing (s1). The greedy answer of each held-out problem, then the
// same response kept up to its answer sentence, "Wait!" appended there (where the teacher's
// verifications begin, world-3), and a continuation of up to a fixed token budget; the change in
// accuracy, SFT (no masking) vs VGGM, on all three tiers.
//
//   npx tsx scripts/budget-forcing.ts --scale smoke --seeds 1 --out /tmp/results
import { TIERS } from '../lib/data/world/config.ts';
import { PAPER_BUDGET_FORCING } from '../lib/report/paper.ts';
import type { Point } from '../lib/report/results.ts';
import { pickProblems } from '../lib/repro/evals.ts';
import { pointOf, reproMain, TIER_AXIS, tierPoints } from '../lib/repro/script.ts';
import type { Method } from '../lib/train/weights.ts';

const METHODS: { id: Method; label: string }[] = [
  { id: 'sft', label: 'SFT (No Masking)' },
  { id: 'vggm', label: 'SFT (VGGM)' },
];

await reproMain(
  {
    name: 'budget_forcing',
    title: 'Sec. 3.5: accuracy change from one forced "Wait!"',
    describe: 'Reproduce Sec. 3.5: the accuracy change from budget forcing ("Wait!") for no-mask SFT and VGGM on the three tiers.',
  },
  async ({ args, plan, data, models, evals }) => {
    const problems = pickProblems(data.eval, plan.evalPerTier);
    // [method][tier] → per-seed values
    const before: Record<string, Record<string, number[]>> = {},
      after: Record<string, Record<string, number[]>> = {},
      waits: Record<string, Record<string, number[]>> = {};
    for (const seed of args.seeds) {
      for (const m of METHODS) {
        const ref = await models.get({ kind: 'sft', method: m.id }, { scale: args.scale, family: args.family, seed });
        const r = await evals.accuracy({ ...ref, label: `${m.id} seed ${seed} (forced)` }, problems, {
          maxNewTokens: plan.maxNewTokens,
          batch: plan.genBatch,
          budgetForcing: plan.budget.waits,
          forcingTokens: plan.budget.extraTokens,
        });
        for (const t of TIERS) {
          ((before[m.id] ??= {})[t] ??= []).push(100 * r[t].greedy);
          ((after[m.id] ??= {})[t] ??= []).push(100 * (r[t].forced ?? NaN));
          ((waits[m.id] ??= {})[t] ??= []).push(100 * r[t].waitRate);
        }
      }
    }
    const ids = METHODS.map((m) => m.id);
    const group = { title: 'Method', order: ids, labels: Object.fromEntries(METHODS.map((m) => [m.id, m.label])) };
    const detail: Point[] = METHODS.flatMap((m) =>
      TIERS.flatMap((t) => [pointOf(`${m.id}:greedy`, t, before[m.id][t]), pointOf(`${m.id}:forced`, t, after[m.id][t]), pointOf(`${m.id}:wait`, t, waits[m.id][t])]),
    );
    const detailLabels = Object.fromEntries(
      METHODS.flatMap((m) => [
        [`${m.id}:greedy`, `${m.label}: greedy`],
        [`${m.id}:forced`, `${m.label}: after "Wait!"`],
        [`${m.id}:wait`, `${m.label}: writes "Wait!" unforced`],
      ]),
    );
    return {
      sets: {
        delta: {
          title: 'Accuracy change from budget forcing',
          chart: 'deltaBars',
          group,
          x: TIER_AXIS,
          y: { title: 'Accuracy change', unit: 'pp' },
          points: tierPoints(
            ids,
            TIERS,
            (g, t) => after[g][t].map((a, i) => a - before[g][t][i]),
            (g, t) => PAPER_BUDGET_FORCING[g as 'sft' | 'vggm'][t],
          ),
          notes: [
            `${PAPER_BUDGET_FORCING.source} beside ours. Ours: ${plan.budget.waits} forced "Wait!" with up to ${plan.budget.extraTokens} more tokens, ${args.family} student, ${problems.length} held-out problems, greedy.`,
            'The response is kept up to its answer sentence (the last \\boxed{} and its full stop) and anything after it dropped; " Wait!" is appended there, where a verification begins in the teacher\'s traces (world-3, docs/world.md; lib/eval/budget.ts), and the model writes on; the last \\boxed{} is graded.',
          ],
        },
        accuracy: {
          title: 'Accuracy before and after forcing',
          chart: 'table',
          group: { title: 'Method / measure', order: Object.keys(detailLabels), labels: detailLabels },
          x: TIER_AXIS,
          y: { title: 'Share of problems', unit: '%' },
          points: detail,
        },
      },
      config: { family: args.family, problems: problems.length, budget: plan.budget },
    };
  },
);
