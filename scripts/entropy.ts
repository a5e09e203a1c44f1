// Fig. 1's measurement for one model: N rollouts per question (default 8) at temperature T, the
// token entropy H_t of each generated token, its histogram, the high-entropy fork tokens (top 20%),
// their positions (normalised position, reasoning step) and where they fall relative to T_last.
//
//   npx tsx scripts/entropy.ts --scale smoke --model sft-vggm
import { join } from 'node:path';
import { entropyAnalysis } from '../lib/eval/entropy.ts';
import { createContext } from '../lib/gpu/index.ts';
import { loadModelFolder } from '../lib/model/checkpoint.ts';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/atomic.ts';
import { dataOf, withTrainOptions, reportNonFinite } from '../lib/train/cli.ts';
import { evalProblems } from '../lib/train/data.ts';
import { scaleTable } from '../lib/train/scales.ts';
import { selectedModels, withModelOptions } from '../lib/train/select.ts';
import { parseCli, runMain, UsageError } from '../lib/util/cli.ts';

async function main(): Promise<void> {
  const args = await parseCli({ name: 'entropy', describe: 'Token-entropy histogram and fork-token positions of a model (paper Fig. 1).' }, (y) =>
    withModelOptions(withTrainOptions(y))
      .option('rollouts', { type: 'number', describe: "rollouts per question (default: the scale's, 8 at cpu)" })
      .option('temperature', { type: 'number', describe: "sampling and entropy temperature T (default: the scale's)" })
      .option('questions', { type: 'number', describe: "questions from the math tier (default: the scale's)" }),
  );
  if (args.checkpoint && !args.format) throw new UsageError('--checkpoint needs --format base|trace');
  const t = scaleTable(args.scale);
  const data = dataOf(args.scale, args);
  // The paper measures on MATH: the math tier's held-out problems.
  const problems = evalProblems(data, Number.MAX_SAFE_INTEGER)
    .filter((p) => p.tier === 'math')
    .slice(0, args.questions ?? t.entropy.questions);
  if (!problems.length) throw new UsageError('no math-tier evaluation problems in the data');
  const ctx = await createContext();
  const runs = [];
  for await (const { family, seed, dir, label, format } of selectedModels(ctx, args, data)) {
    // The folder's own tokenizer encodes the prompts (a --checkpoint folder's may not be the data's).
    const { model, tokenizer } = loadModelFolder(ctx, dir);
    const { analysis, rollouts } = await entropyAnalysis(model, tokenizer, problems, {
      format,
      rollouts: args.rollouts ?? t.entropy.rollouts,
      temperature: args.temperature ?? t.entropy.temperature,
      maxNewTokens: t.eval.maxNewTokens,
      batch: t.eval.batch,
      seed,
    });
    writeFileAtomic(join(dir, `entropy-${args.scale}.jsonl`), rollouts.map((r) => JSON.stringify({ ...r, entropy: Array.from(r.entropy) })).join('\n') + '\n');
    const a = analysis;
    console.log(
      `${label}: ${a.tokens} tokens, mean H ${a.meanEntropy.toFixed(3)}, fork cut ${a.threshold.toFixed(3)}, forks before/after T_last ${a.tLast.before.forks}/${a.tLast.after.forks} in ${a.tLast.rollouts} rollouts with Wait!`,
    );
    runs.push({ label, family, seed, dir, analysis });
  }
  writeJsonAtomic(join(args.out, `entropy-${args.checkpoint ? 'checkpoint' : args.model}-${args.scale}.json`), { scale: args.scale, model: args.model, runs });
}

await runMain(() => reportNonFinite(main));
