// Table 1: Base, Base+GRPO, SFT (no masking), SFT+GRPO, SFT (VGGM), VGGM+GRPO on the three tiers
// of the synthetic world (stand-ins for GSM8K / MATH / AMC'23), greedy accuracy per seed, the
// paper's numbers beside ours. Models come from (or go to) the shared model cache.
//
//   npx tsx scripts/table1.ts --scale smoke --seeds 1 --out /tmp/results
import { TIERS } from '../lib/data/world/config.ts';
import { PAPER_TABLE1 } from '../lib/report/paper.ts';
import { pickProblems } from '../lib/repro/evals.ts';
import type { ModelSpec } from '../lib/repro/models.ts';
import { reproMain, TIER_AXIS, tierPoints } from '../lib/repro/script.ts';

const ROWS: { id: keyof typeof PAPER_TABLE1.rows; label: string; spec: ModelSpec }[] = [
  { id: 'base', label: 'Base (No SFT)', spec: { kind: 'base' } },
  { id: 'base_grpo', label: 'Base + GRPO', spec: { kind: 'grpo', from: 'base' } },
  { id: 'sft', label: 'SFT (No Masking)', spec: { kind: 'sft', method: 'sft' } },
  { id: 'sft_grpo', label: 'SFT (No Masking) + GRPO', spec: { kind: 'grpo', from: 'sft' } },
  { id: 'vggm', label: 'SFT (VGGM)', spec: { kind: 'sft', method: 'vggm' } },
  { id: 'vggm_grpo', label: 'SFT (VGGM) + GRPO', spec: { kind: 'grpo', from: 'vggm' } },
];

await reproMain(
  { name: 'table1', title: 'Table 1: benchmark accuracy by training method', describe: 'Reproduce Table 1: Base / SFT (no masking) / SFT (VGGM), each with and without GRPO, on the three tiers.' },
  async ({ args, plan, data, models, evals }) => {
    const problems = pickProblems(data.eval, plan.evalPerTier);
    const acc: Record<string, Record<string, number[]>> = {};
    const keys: Record<string, string[]> = {};
    for (const seed of args.seeds) {
      // Parents before children: with --force each model is retrained once.
      const refs = [];
      for (const row of ROWS) refs.push({ row, ref: await models.get(row.spec, { scale: args.scale, family: args.family, seed }) });
      for (const { row, ref } of refs) {
        const r = await evals.accuracy({ ...ref, label: `${row.id} seed ${seed}` }, problems, { maxNewTokens: plan.maxNewTokens, batch: plan.genBatch });
        for (const t of TIERS) ((acc[row.id] ??= {})[t] ??= []).push(100 * r[t].greedy);
        (keys[row.id] ??= []).push(ref.key);
      }
    }
    return {
      sets: {
        accuracy: {
          title: 'Accuracy (greedy pass@1)',
          chart: 'groupedBars',
          group: { title: 'Method', order: ROWS.map((r) => r.id), labels: Object.fromEntries(ROWS.map((r) => [r.id, r.label])) },
          x: TIER_AXIS,
          y: { title: 'Accuracy', unit: '%' },
          points: tierPoints(ROWS.map((r) => r.id), TIERS, (g, t) => acc[g][t], (g, t) => PAPER_TABLE1.rows[g as keyof typeof PAPER_TABLE1.rows][t]),
          notes: [`${PAPER_TABLE1.source} beside ours. Ours: ${args.family} student, ${problems.length} held-out problems (${TIERS.map((t) => `${problems.filter((p) => p.tier === t).length} ${t}`).join(', ')}), greedy decoding.`],
        },
      },
      config: { family: args.family, problems: problems.length, models: keys },
    };
  },
);
