// The `gpu` scale on a real device (lib/train/scales.ts GPU_SCALE): a model with Qwen2.5-0.5B's
// shapes from random weights, refused in one line when the adapter's limits are too small
// (lib/bench/fit.ts), trained a few steps on random tokens (losses must be finite, tokens/s
// printed), saved as a Hugging Face folder, and its logits on a fixed input written beside it for
// scripts/device/compare_logits.py (transformers loads the folder and compares).
// Usage: gpu-train.mjs --out DIR [--steps N] [--batch B] [--seq-len T]. Prints one JSON line.
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/util/atomic.ts';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkTrainingFits } from '../../lib/bench/fit.ts';
import { createContext } from '../../lib/gpu/index.ts';
import { saveCheckpoint } from '../../lib/model/checkpoint.ts';
import { presetConfig, qwen25HalfBConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { GPU_SCALE } from '../../lib/train/scales.ts';
import { TrainStep } from '../../lib/train/step.ts';
import { runMain, scriptYargs, UsageError } from '../../lib/util/cli.ts';
import { Rng } from '../../lib/util/rng.ts';

/** The fixed input both sides score: 2 rows of 64 ids from a seeded generator. */
function fixedInput(vocab: number): number[][] {
  const rng = new Rng(7);
  return Array.from({ length: 2 }, () => Array.from({ length: 64 }, () => rng.int(0, vocab - 1)));
}

async function main(): Promise<void> {
  const a = await scriptYargs('gpu-train', '$0 --out DIR [options]\n\nA few training steps at the gpu scale, saved as a Hugging Face folder, with our logits for comparison.')
    .option('out', { type: 'string', demandOption: true, describe: 'folder for the checkpoint and logits' })
    .option('steps', { type: 'number', default: GPU_SCALE.steps })
    .option('batch', { type: 'number', default: GPU_SCALE.batch })
    .option('seq-len', { type: 'number', default: GPU_SCALE.seqLen })
    .option('model', { choices: ['qwen2.5-0.5b', 'cpu'] as const, default: 'qwen2.5-0.5b' as const, describe: 'cpu: the qwen-like cpu preset, to check the path without a GPU' })
    .strict()
    .parseAsync();
  const config = a.model === 'cpu' ? presetConfig('qwen-like', 'cpu', 512) : qwen25HalfBConfig(GPU_SCALE.context);
  if (a['seq-len'] > config.context) throw new UsageError(`--seq-len ${a['seq-len']} exceeds the model's context ${config.context}`);
  const ctx = await createContext();
  const fit = checkTrainingFits(ctx.gpu.limits, ctx.gpu.adapterName, config, a.batch, a['seq-len']);
  const model = Model.init(ctx, config, 1);
  const trainer = new TrainStep(model);
  const acts = model.activations(a.batch, a['seq-len']);
  const rng = new Rng(1);
  const losses: number[] = [];
  const stepMs: number[] = [];
  for (let s = 0; s < a.steps; s++) {
    const ids = Uint32Array.from({ length: acts.rows + 1 }, () => rng.int(0, config.vocab - 1));
    const t0 = performance.now();
    const st = await trainer
      .run(acts, { ids: ids.subarray(0, acts.rows), targets: ids.subarray(1), weights: new Float32Array(acts.rows).fill(1 / acts.rows) }, GPU_SCALE.lr)
      .stats();
    stepMs.push(performance.now() - t0);
    if (!Number.isFinite(st.loss) || !Number.isFinite(st.gradNorm)) throw new Error(`step ${s}: loss ${st.loss}, gradient norm ${st.gradNorm}`);
    losses.push(st.loss);
  }
  model.dropActivations();
  mkdirSync(a.out, { recursive: true });
  await saveCheckpoint(a.out, { config, params: model.params });
  const input = fixedInput(config.vocab);
  const scored = await model.score({ batch: input.length, seqLen: input[0].length, ids: Uint32Array.from(input.flat()) });
  writeFileAtomic(join(a.out, 'ours_logits.f32'), new Uint8Array(scored.logits.buffer, scored.logits.byteOffset, scored.logits.byteLength));
  writeFileAtomic(join(a.out, 'ours_input.json'), JSON.stringify(input));
  const steady = stepMs.slice(1);
  const median = [...steady].sort((x, y) => x - y)[Math.floor(steady.length / 2)] ?? stepMs[0];
  console.log(
    JSON.stringify({
      adapter: ctx.gpu.adapterName,
      subgroupSizes: ctx.gpu.subgroupSizes ?? null,
      params: fit.params,
      footprintGiB: fit.totalBytes / 2 ** 30,
      batch: a.batch,
      seqLen: a['seq-len'],
      losses,
      stepMs,
      tokensPerS: (acts.rows / median) * 1000,
    }),
  );
  ctx.destroy();
}

await runMain(main);
