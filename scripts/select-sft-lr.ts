// Choose the SFT learning rate on held-out teacher traces, never on the evaluation problems.
// Trains (or takes from the cache) an SFT model per learning rate and method, and measures each on
// the same held-out traces (lib/train/heldout.ts): the mean NLL on the tokens every method learns,
// with the whole trace in the input. The choice is the rate with the lowest NLL averaged over the
// methods, so no method's own objective decides it.
//
//   npx tsx scripts/select-sft-lr.ts --lrs 1e-3,2e-3,4e-3          (cpu scale, qwen-like, seed 1)
import { join } from 'node:path';
import { createContext } from '../lib/gpu/index.ts';
import { loadModelFolder } from '../lib/model/checkpoint.ts';
import { dataOf, reportNonFinite } from '../lib/train/cli.ts';
import { heldoutLoss, heldoutTraces, type HeldoutLoss } from '../lib/train/heldout.ts';
import { ensureBase, ensureSft, modelConfig } from '../lib/train/pipeline.ts';
import { scaleTable } from '../lib/train/scales.ts';
import { METHODS, type Method } from '../lib/train/weights.ts';
import { families, type Family } from '../lib/model/config.ts';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/atomic.ts';
import { parseCli, runMain, UsageError } from '../lib/util/cli.ts';

function parseRates(v: unknown): number[] {
  const parts = (Array.isArray(v) ? v : [v])
    .flatMap((x) => String(x).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const lrs = parts.map(Number);
  if (!lrs.length || lrs.some((x) => !(Number.isFinite(x) && x > 0))) throw new UsageError(`--lrs: expected positive numbers like 1e-3,2e-3, got '${parts.join(',')}'`);
  if (new Set(lrs).size !== lrs.length) throw new UsageError(`--lrs: a rate is given twice in '${parts.join(',')}'`);
  return lrs;
}

interface Row extends HeldoutLoss {
  lr: number;
  method: Method | 'base';
  model: string;
}

async function main(): Promise<void> {
  const args = await parseCli(
    { name: 'select-sft-lr', describe: 'Choose the SFT learning rate by the loss on held-out teacher traces (tokens every method learns), never on evaluation problems.' },
    (y) =>
      y
        .option('lrs', { type: 'string', array: true, default: ['1e-3', '2e-3', '4e-3'], describe: 'peak SFT learning rates to compare' })
        .option('methods', { choices: METHODS, array: true, default: ['sft', 'vggm'] as Method[], describe: 'methods whose mean held-out NLL decides' })
        .option('family', { choices: families, default: 'qwen-like' as Family, describe: 'student family' })
        .option('heldout', { type: 'number', default: 256, describe: 'held-out traces (pool traces outside every split, on problems no SFT trace holds)' })
        .option('world-seed', { type: 'number', default: 1, describe: 'seed of the generated world' }),
  );
  const lrs = parseRates(args.lrs);
  if (!(Number.isInteger(args.heldout) && args.heldout > 0)) throw new UsageError(`--heldout must be a positive whole number, got ${args.heldout}`);
  if (args.seeds.length !== 1) throw new UsageError('--seed: the selection uses one seed (e.g. --seed 1)');
  const seed = args.seeds[0];
  const data = dataOf(args.scale, args);
  const shape = modelConfig(args.scale, args.family, data.tokenizer.vocabSize);
  const traces = heldoutTraces(data, args.heldout, shape.context);
  const ctx = await createContext();
  const stage = { scale: args.scale, family: args.family, seed, data };

  const measure = async (dir: string) => {
    const { model } = loadModelFolder(ctx, dir, data.tokenizer); // the held-out traces are the data's ids
    const loss = await heldoutLoss(model, traces);
    model.dropActivations();
    return loss;
  };
  const base = await ensureBase(ctx, stage);
  const rows: Row[] = [{ lr: 0, method: 'base', model: base.key, ...(await measure(base.dir)) }];
  for (const lr of lrs) {
    for (const method of args.methods) {
      const r = await ensureSft(ctx, { ...stage, method, lr, force: args.force });
      rows.push({ lr, method, model: r.key, ...(await measure(r.dir)) });
      console.log(`lr ${lr} ${method}: held-out NLL ${rows.at(-1)!.nll.toFixed(4)} (${r.cached ? 'cached' : 'trained'} ${r.key})`);
    }
  }
  const meanOf = (lr: number) => {
    const xs = rows.filter((r) => r.lr === lr && r.method !== 'base').map((r) => r.nll);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const chosen = lrs.reduce((best, lr) => (meanOf(lr) < meanOf(best) ? lr : best));
  const sft = scaleTable(args.scale).sft;

  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '–');
  const md = [
    `# SFT learning rate chosen on held-out traces (${args.scale} scale, ${args.family}, seed ${seed})`,
    '',
    `${traces.length} held-out teacher traces (${traces.filter((t) => t.v === 1).length} v=1, ${traces.filter((t) => t.v === 0).length} v=0; ${rows[0].tokens} tokens): pool traces that no split uses, on problems no SFT trace, evaluation or development problem holds. NLL per token on what every method learns (a v=0 response, a v=1 verification segment), the whole trace in the input. ${sft.steps} steps, batch ${sft.batch}, warm-up ${sft.warmup}, cosine to ${sft.minLrRatio}× the peak. No evaluation problem is used.`,
    '',
    '| peak lr | method | held-out NLL | v=1 segments | v=0 responses | model |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.method === 'base' ? '–' : r.lr} | ${r.method} | ${f(r.nll)} | ${f(r.nllV1)} | ${f(r.nllV0)} | ${r.model} |`),
    '',
    `Mean over ${args.methods.join(' and ')}: ${lrs.map((lr) => `${lr} → ${f(meanOf(lr))}`).join(', ')}. **Lowest: ${chosen}** (the scale's default is ${sft.lr}).`,
    '',
  ].join('\n');
  const name = `sft-lr-${args.family}-s${seed}`;
  writeJsonAtomic(join(args.out, `${name}.json`), {
    scale: args.scale,
    family: args.family,
    seed,
    steps: sft.steps,
    defaultLr: sft.lr,
    heldout: { traces: traces.length, tokens: rows[0].tokens },
    rows,
    meanByLr: Object.fromEntries(lrs.map((lr) => [lr, meanOf(lr)])),
    chosen,
  });
  writeFileAtomic(join(args.out, `${name}.md`), md);
  console.log(md);
}

await runMain(() => reportNonFinite(main));
