// Pretrain Base models on the world's clean corpus (both presets by default), cached by config
// hash and seed in .cache/models/<key>/ (a finished model is reused; --force retrains).
//
//   npx tsx scripts/pretrain.ts --scale smoke --seed 1
import { join } from 'node:path';
import { dataOf, familiesOf, withTrainOptions, reportNonFinite } from '../lib/train/cli.ts';
import { ensureBase } from '../lib/train/pipeline.ts';
import { writeJsonAtomic } from '../lib/util/atomic.ts';
import { withContext } from '../lib/repro/models.ts';
import { parseCli, runMain } from '../lib/util/cli.ts';

async function main(): Promise<void> {
  const args = await parseCli({ name: 'pretrain', describe: "Pretrain Base models on the world's clean corpus (cached by config hash and seed)." }, (y) => withTrainOptions(y));
  const data = dataOf(args.scale, args);
  const runs = [];
  for (const family of familiesOf(args.family)) {
    for (const seed of args.seeds) {
      const r = await withContext((ctx) => ensureBase(ctx, { scale: args.scale, family, seed, data, force: args.force, resume: args.resume, steps: args.steps }));
      console.log(
        `${family} seed ${seed}: ${r.cached ? 'cached' : 'trained'} ${r.dir} (final loss ${Number(r.done.finalLoss).toFixed(4)}, ${Number(r.done.seconds).toFixed(1)} s)`,
      );
      runs.push({ family, seed, ...r });
    }
  }
  writeJsonAtomic(join(args.out, `pretrain-${args.scale}.json`), { scale: args.scale, runs });
}

await runMain(() => reportNonFinite(main));
