// Train a small decoder on a text file with a character-level tokenizer, save a checkpoint folder
// (config.json, model.safetensors, tokenizer.json, trainer_state.json), reload it and check that the
// reloaded model gives the same logits. The building block every experiment's models start from.
//
//   npx tsx scripts/train-lm.ts --text some.txt --steps 300 --preset qwen-like --scale cpu
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createContext } from '../lib/gpu/index.ts';
import { loadCheckpoint, saveCheckpoint } from '../lib/model/checkpoint.ts';
import { families, presetConfig, sizes, type Family, type Size } from '../lib/model/config.ts';
import { Model } from '../lib/model/model.ts';
import { buildCharTokenizer, loadTokenizer } from '../lib/tokenizer/index.ts';
import { learningRate } from '../lib/train/schedule.ts';
import { TrainStep } from '../lib/train/step.ts';
import { parseCli, progress, runMain, UsageError } from '../lib/util/cli.ts';
import { Rng } from '../lib/util/rng.ts';

const sizeOfScale = { smoke: 'tiny', cpu: 'cpu', paper: 'paper' } as const;

async function main(): Promise<void> {
  const args = await parseCli({ name: 'train-lm', describe: 'Train a character-level language model on a text file and write a checkpoint folder.' }, (y) =>
    y
      .option('text', { type: 'string', demandOption: true, describe: 'UTF-8 text file to train on' })
      .option('steps', { type: 'number', default: 300, describe: 'optimizer steps' })
      .option('preset', { choices: families, default: 'qwen-like' as Family, describe: 'model family (qwen-like: q/k/v bias, GQA, tied; llama-like: no bias, MHA, untied)' })
      .option('size', { choices: sizes, describe: 'model size (default: tiny at --scale smoke, cpu at cpu, paper at paper)' })
      .option('batch', { type: 'number', default: 8, describe: 'sequences per step' })
      .option('seq', { type: 'number', describe: 'tokens per sequence (default: the model context)' })
      .option('lr', { type: 'number', default: 3e-3, describe: 'peak learning rate (warm-up then cosine to 10%)' }),
  );
  if (!existsSync(args.text)) throw new UsageError(`--text: file ${args.text} not found`);
  if (!Number.isInteger(args.steps) || args.steps < 1) throw new UsageError(`--steps must be a positive integer, got ${args.steps}`);
  if (!Number.isInteger(args.batch) || args.batch < 1) throw new UsageError(`--batch must be a positive integer, got ${args.batch}`);
  const seed = args.seeds[0];
  const size: Size = args.size ?? sizeOfScale[args.scale];

  const text = readFileSync(args.text, 'utf8');
  const tokJson = buildCharTokenizer([text]);
  const tok = loadTokenizer(tokJson);
  const data = tok.encode(text).ids;
  const config = presetConfig(args.preset, size, tok.vocabSize);
  const T = args.seq ?? config.context;
  if (!Number.isInteger(T) || T < 2 || T > config.context) throw new UsageError(`--seq must be an integer in [2, ${config.context}], got ${args.seq}`);
  if (data.length < T + 2) throw new UsageError(`--text has ${data.length} characters, fewer than one sequence of ${T + 1}`);
  const B = args.batch;

  const ctx = await createContext();
  const model = Model.init(ctx, config, seed);
  const trainer = new TrainStep(model);
  const acts = model.activations(B, T);
  const rng = new Rng(seed).fork(1);
  const weights = new Float32Array(B * T).fill(1 / (B * T));
  const nextBatch = () => {
    const ids = new Uint32Array(B * T);
    const targets = new Uint32Array(B * T);
    for (let b = 0; b < B; b++) {
      const s = rng.int(0, data.length - T - 1);
      for (let t = 0; t < T; t++) {
        ids[b * T + t] = data[s + t];
        targets[b * T + t] = data[s + t + 1];
      }
    }
    return { ids, targets, weights };
  };

  const params = model.params.layout.count;
  console.log(
    `train-lm: ${args.preset}/${size} ${(params / 1e6).toFixed(2)}M params, vocab ${config.vocab}, ${data.length} tokens, batch ${B}x${T}, ${args.steps} steps on ${ctx.gpu.adapterName}`,
  );
  const bar = progress('train-lm', args.steps);
  const schedule = { peak: args.lr, warmup: Math.max(1, Math.floor(args.steps / 20)), total: args.steps, minRatio: 0.1 };
  const losses: number[] = [];
  // Read each step's scalars one step late, so the host prepares step s+1 while the device runs s.
  let pending: ReturnType<TrainStep['run']> | undefined;
  const t0 = performance.now();
  for (let s = 0; s <= args.steps; s++) {
    const next = s < args.steps ? trainer.run(acts, nextBatch(), learningRate(s, schedule)) : undefined;
    if (pending) {
      const st = await pending.stats();
      losses.push(st.loss);
      if (!Number.isFinite(st.loss)) throw new Error(`loss became ${st.loss} at step ${s}: lower --lr`);
      bar.tick(1, { loss: st.loss, gnorm: st.gradNorm });
    }
    pending = next;
  }
  const sec = (performance.now() - t0) / 1000;
  bar.done();
  const tokensPerSec = (args.steps * B * T) / sec;
  console.log(`train-lm: loss ${losses[0].toFixed(3)} -> ${losses.at(-1)!.toFixed(3)}, ${tokensPerSec.toFixed(0)} tokens/s (${sec.toFixed(1)} s)`);

  const dir = join(args.out, `lm-${args.preset}-${size}-seed${seed}`);
  await saveCheckpoint(dir, {
    config,
    params: model.params,
    tokenizer: { json: tokJson },
    special: { eosTokenId: tok.eosId, bosTokenId: tok.bosId },
    trainerState: { step: trainer.optimizer.step, seed, batch: B, seqLen: T, schedule, losses, tokensPerSec, text: args.text },
  });

  // Reload and compare logits on a fresh batch: a checkpoint that does not reproduce the model is a bug.
  const probe = nextBatch();
  const want = await model.score({ batch: B, seqLen: T, ids: probe.ids });
  const reloaded = new Model(ctx, loadCheckpoint(ctx, dir).params);
  const got = await reloaded.score({ batch: B, seqLen: T, ids: probe.ids });
  let maxDiff = 0;
  for (let i = 0; i < want.logits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(want.logits[i] - got.logits[i]));
  if (maxDiff !== 0) throw new Error(`reloaded checkpoint ${dir} gives different logits (max |diff| ${maxDiff})`);
  console.log(`train-lm: wrote ${dir}; reloaded logits identical`);
  ctx.destroy();
}

await runMain(main);
