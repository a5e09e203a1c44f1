// GRPO on the GRPO reserve's prompts, from a Base model or an SFT model (trained first when not
// cached): G rollouts per prompt, reward = correct answer, group-normalised advantages, clipped
// ratio, k3 KL to the frozen starting model.
//
//   npx tsx scripts/grpo.ts --scale smoke --from vggm --seed 1
import { join } from 'node:path';
import { dataOf, familiesOf, withTrainOptions, reportNonFinite } from '../lib/train/cli.ts';
import { ensureGrpo, type GrpoFrom } from '../lib/train/pipeline.ts';
import { METHODS } from '../lib/train/weights.ts';
import { writeJsonAtomic } from '../lib/util/atomic.ts';
import { withContext } from '../lib/repro/models.ts';
import { parseCli, runMain } from '../lib/util/cli.ts';

async function main(): Promise<void> {
  const args = await parseCli({ name: 'grpo', describe: 'GRPO from a Base or SFT model on the GRPO reserve (cached by config hash and seed).' }, (y) =>
    withTrainOptions(y)
      .option('from', { choices: ['base', ...METHODS] as const, default: 'vggm' as GrpoFrom, describe: 'starting model: the Base model or the SFT model of a method' })
      .option('lr', { type: 'number', describe: "override the scale's peak learning rate" })
      .option('warmup', { type: 'number', describe: "override the scale's linear warm-up steps" })
      .option('prompts', { type: 'number', describe: "override the scale's prompts per step" })
      .option('group-size', { type: 'number', describe: "override the scale's rollouts per prompt (G)" })
      .option('beta', { type: 'number', describe: "override the scale's KL coefficient (0: no reference)" })
      .option('sft-steps', { type: 'number', describe: "start from the SFT model trained for this many steps (default: the scale's)" })
      .option('sft-lr', { type: 'number', describe: "start from the SFT model trained at this peak learning rate (default: the scale's)" })
      .option('reserve', { type: 'number', describe: 'train on only the first N prompts of the GRPO reserve, seen again each epoch (default: all, each seen once)' }),
  );
  const data = dataOf(args.scale, args);
  const runs = [];
  for (const family of familiesOf(args.family)) {
    for (const seed of args.seeds) {
      const r = await withContext((ctx) =>
        ensureGrpo(ctx, {
          scale: args.scale,
          family,
          seed,
          data,
          from: args.from,
          force: args.force,
          resume: args.resume,
          steps: args.steps,
          sftSteps: args['sft-steps'],
          sftLr: args['sft-lr'],
          init: args.init,
          grpoReserve: args.reserve,
          grpo: { lr: args.lr, warmup: args.warmup, prompts: args.prompts, groupSize: args['group-size'], beta: args.beta },
        }),
      );
      console.log(
        `grpo from ${args.from} ${family} seed ${seed}: ${r.cached ? 'cached' : 'trained'} ${r.dir} (reward ${Number(r.done.rewardFirstQuarter).toFixed(3)} → ${Number(r.done.rewardLastQuarter).toFixed(3)}, ${Number(r.done.seconds).toFixed(1)} s)`,
      );
      runs.push({ family, seed, ...r });
    }
  }
  writeJsonAtomic(join(args.out, `grpo-${args.from}-${args.scale}.json`), { scale: args.scale, from: args.from, runs });
}

await runMain(() => reportNonFinite(main));
