// Supervised fine-tuning of a Base model on the teacher traces (the v=1 and v=0 splits), with one
// of the methods that differ only in their per-token loss weights (lib/train/weights.ts):
// sft (every response token), vggm (Eq. 1: from T_last on when v=1), truncate (the error prefix
// cut from the input). The Base model is pretrained first when it is not cached.
//
//   npx tsx scripts/sft.ts --scale smoke --method vggm --seed 1
import { join } from 'node:path';
import { dataOf, familiesOf, withTrainOptions, reportNonFinite } from '../lib/train/cli.ts';
import { MetricsLog } from '../lib/train/metrics.ts';
import { ensureSft } from '../lib/train/pipeline.ts';
import { METHODS, type Method } from '../lib/train/weights.ts';
import { writeJsonAtomic } from '../lib/util/atomic.ts';
import { withContext } from '../lib/repro/models.ts';
import { parseCli, runMain } from '../lib/util/cli.ts';

async function main(): Promise<void> {
  const args = await parseCli({ name: 'sft', describe: 'Fine-tune a Base model on teacher traces with sft, vggm or truncate (cached by config hash and seed).' }, (y) =>
    withTrainOptions(y)
      .option('method', {
        choices: METHODS,
        default: 'vggm' as Method,
        describe: 'which tokens are learned: sft all response tokens; vggm from T_last on (v=1); truncate drops the error prefix',
      })
      .option('lr', { type: 'number', describe: "override the scale's peak SFT learning rate (part of the cache key)" }),
  );
  const data = dataOf(args.scale, args);
  const runs = [];
  for (const family of familiesOf(args.family)) {
    for (const seed of args.seeds) {
      const r = await withContext((ctx) =>
        ensureSft(ctx, { scale: args.scale, family, seed, data, method: args.method, force: args.force, resume: args.resume, steps: args.steps, lr: args.lr, init: args.init }),
      );
      const recs = new MetricsLog(join(r.dir, 'metrics.jsonl')).read();
      const diag = recs.filter((x) => x.kind === 'diag').at(-1);
      const gv = recs.filter((x) => x.kind === 'gradvar').at(-1);
      console.log(
        `${args.method} ${family} seed ${seed}: ${r.cached ? 'cached' : 'trained'} ${r.dir} (final loss ${Number(r.done.finalLoss).toFixed(4)}, spikes ${r.done.spikes}, ${Number(r.done.seconds).toFixed(1)} s)`,
      );
      runs.push({ family, seed, ...r, lastDiag: diag ?? null, lastGradVar: gv ?? null });
    }
  }
  writeJsonAtomic(join(args.out, `sft-${args.method}-${args.scale}.json`), { scale: args.scale, method: args.method, runs });
}

await runMain(() => reportNonFinite(main));
