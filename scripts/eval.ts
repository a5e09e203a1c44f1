// Evaluate a model on the held-out problems of each tier: greedy pass@1, sampled pass@k (unbiased
// estimator over N samples), and with --budget-forcing K the greedy accuracy after K rounds of
// "Wait!" (s1-style). Every generation and verdict is written to a JSONL file beside the model.
//
//   npx tsx scripts/eval.ts --scale smoke --model sft-vggm --budget-forcing 1
import { join } from 'node:path';
import { evaluate } from '../lib/eval/evaluate.ts';
import { createContext } from '../lib/gpu/index.ts';
import { loadModelFolder } from '../lib/model/checkpoint.ts';
import { dataOf, withTrainOptions, reportNonFinite } from '../lib/train/cli.ts';
import { evalProblems } from '../lib/train/data.ts';
import { scaleTable } from '../lib/train/scales.ts';
import { selectedModels, withModelOptions } from '../lib/train/select.ts';
import { writeJsonAtomic } from '../lib/util/atomic.ts';
import { parseCli, progress, runMain, UsageError } from '../lib/util/cli.ts';

async function main(): Promise<void> {
  const args = await parseCli({ name: 'eval', describe: 'Greedy pass@1, sampled pass@k and budget forcing on the held-out problems of each tier.' }, (y) =>
    withModelOptions(withTrainOptions(y))
      .option('budget-forcing', { type: 'number', default: 0, describe: 'K rounds of "Wait!" budget forcing on the greedy pass (0: off)' })
      .option('samples', { type: 'number', describe: "samples per problem for pass@k (default: the scale's)" })
      .option('problems', { type: 'number', describe: "problems per tier (default: the scale's)" }),
  );
  if (args.checkpoint && !args.format) throw new UsageError('--checkpoint needs --format base|trace');
  const K = args['budget-forcing'];
  if (!(Number.isInteger(K) && K >= 0)) throw new UsageError(`--budget-forcing must be a non-negative integer, got ${K}`);
  const t = scaleTable(args.scale);
  const data = dataOf(args.scale, args);
  const problems = evalProblems(data, args.problems ?? t.eval.problems);
  const samples = args.samples ?? t.eval.samples;
  const ctx = await createContext();
  const runs = [];
  for await (const { family, seed, dir, label, format } of selectedModels(ctx, args, data)) {
    // A checkpoint folder's own tokenizer (a Hugging Face model's byte-level BPE) encodes its prompts.
    const { model, tokenizer } = loadModelFolder(ctx, dir);
    const jsonl = join(dir, `eval-${args.scale}${K ? `-bf${K}` : ''}.jsonl`);
    const bar = progress(`eval ${label}`, problems.length * (1 + samples + K));
    let shown = 0;
    const res = await evaluate(model, tokenizer, problems, {
      format,
      samples,
      passK: t.eval.passK,
      temperature: t.eval.temperature,
      maxNewTokens: t.eval.maxNewTokens,
      batch: t.eval.batch,
      seed,
      budgetForcing: K,
      forcingTokens: t.budget.extraTokens,
      outJsonl: jsonl,
      onProgress: (done) => {
        bar.tick(done - shown);
        shown = done;
      },
    });
    bar.done();
    for (const [tier, r] of Object.entries(res)) {
      const pk = Object.entries(r.passAtK)
        .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}`)
        .join(', ');
      const eq = r.equationsRight !== undefined && Number.isFinite(r.equationsRight) ? `, equations right ${(100 * r.equationsRight).toFixed(1)}%` : '';
      console.log(
        `${label} ${tier}: greedy ${(100 * r.greedy).toFixed(1)}%${pk ? `, ${pk}` : ''}${r.forced !== undefined ? `, forced ${(100 * r.forced).toFixed(1)}%` : ''}${eq} (n=${r.problems})`,
      );
    }
    runs.push({ label, family, seed, dir, format, generations: jsonl, results: res });
  }
  writeJsonAtomic(join(args.out, `eval-${args.checkpoint ? 'checkpoint' : args.model}-${args.scale}${K ? `-bf${K}` : ''}.json`), {
    scale: args.scale,
    model: args.model,
    budgetForcing: K,
    samples,
    runs,
  });
}

await runMain(() => reportNonFinite(main));
