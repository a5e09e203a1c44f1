// The "ours" half of scripts/bench.ts, one task per process so that each task's peak memory is
// its own (scripts/bench.ts runs it; run it alone to debug). Prints one JSON line on stdout.
//   matmul: GFLOP/s of lib/ops/matmul.ts per shape: many dispatches recorded in one submit, timed
//           to queue.onSubmittedWorkDone(), so the per-submit overhead is amortised as in a step.
//   train:  tokens/s of one training step (forward + backward + AdamW) of the model.
//   sample: tokens/s of KV-cache generation of the model.
import { performance } from 'node:perf_hooks';
import { createContext, type GpuContext } from '../lib/gpu/index.ts';
import { matmul } from '../lib/ops/matmul.ts';
import { byKernel, DispatchProfiler, formatProfile, type KernelTime } from '../lib/bench/profiler.ts';
import { rate, spread, type Spread } from '../lib/bench/summary.ts';
import { families, presetConfig, type Family, type Size } from '../lib/model/config.ts';
import type { Model } from '../lib/model/model.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';
import { Rng } from '../lib/util/rng.ts';

interface MatmulTiming {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  callsPerTiming: number;
  gflops: Spread;
  ms: Spread;
}

function parseShape(s: string): { m: number; n: number; k: number; transA: boolean; transB: boolean } {
  const [head, ...flags] = s.toLowerCase().split(':');
  const dims = head.split('x').map(Number);
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d <= 0) || flags.some((f) => f !== 'ta' && f !== 'tb')) {
    throw new UsageError(`bad shape "${s}" (want MxNxK[:ta][:tb])`);
  }
  return { m: dims[0], n: dims[1], k: dims[2], transA: flags.includes('ta'), transB: flags.includes('tb') };
}

async function done(ctx: GpuContext): Promise<void> {
  ctx.rec.submit();
  await ctx.gpu.device.queue.onSubmittedWorkDone();
}

export async function timeMatmul(ctx: GpuContext, shape: ReturnType<typeof parseShape>, warmup: number, reps: number, minMs: number): Promise<MatmulTiming> {
  const { m, n, k, transA, transB } = shape;
  const rng = new Rng(1);
  const fill = (len: number) => Float32Array.from({ length: len }, () => rng.normal());
  const a = ctx.pool.upload(fill(m * k), transA ? [k, m] : [m, k], 'bench.a');
  const b = ctx.pool.upload(fill(k * n), transB ? [n, k] : [k, n], 'bench.b');
  const out = ctx.pool.alloc([m, n], 'bench.out');
  const record = (calls: number) => {
    for (let i = 0; i < calls; i++) matmul(ctx, a, b, out, { m, n, k, transA, transB });
  };
  for (let i = 0; i < warmup; i++) {
    record(1);
    await done(ctx);
  }
  let t0 = performance.now();
  record(1);
  await done(ctx);
  const one = Math.max(performance.now() - t0, 1e-3);
  const calls = Math.max(1, Math.ceil(minMs / one));
  const perCall: number[] = [];
  for (let r = 0; r < reps; r++) {
    t0 = performance.now();
    record(calls);
    await done(ctx);
    perCall.push((performance.now() - t0) / calls);
  }
  for (const t of [a, b, out]) ctx.pool.free(t);
  ctx.rec.resetBindGroups();
  const flops = 2 * m * n * k;
  return {
    m,
    n,
    k,
    transA,
    transB,
    callsPerTiming: calls,
    gflops: spread(perCall.map((ms) => flops / (ms / 1000) / 1e9)),
    ms: spread(perCall),
  };
}

function memory(peakPoolBytes: number) {
  return { peakRssMiB: process.resourceUsage().maxRSS / 1024, poolMiB: peakPoolBytes / 2 ** 20 };
}

interface ModelTask {
  model: Model;
  batch: number;
  warmup: number;
  reps: number;
  seed: number;
}

/** Random token ids, the same kind of batch the peer trains on (every token weighted 1/n: a mean loss). */
function randomBatch(vocab: number, rows: number, seed: number) {
  const rng = new Rng(seed);
  const ids = Uint32Array.from({ length: rows + 1 }, () => rng.int(0, vocab - 1));
  return { ids: ids.subarray(0, rows), targets: ids.subarray(1), weights: new Float32Array(rows).fill(1 / rows) };
}

/** Training: one TrainStep (forward, loss, backward, grad norm, AdamW; one submit), timed to completion. */
async function timeTrain(t: ModelTask, seqLen: number, profile: boolean) {
  const { model } = t;
  const { ctx } = model;
  const { TrainStep } = await import('../lib/train/step.ts');
  const trainer = new TrainStep(model);
  const acts = model.activations(t.batch, seqLen);
  const batch = randomBatch(model.config.vocab, acts.rows, t.seed);
  const step = async () => {
    trainer.run(acts, batch, 1e-3);
    await ctx.gpu.device.queue.onSubmittedWorkDone();
  };
  for (let i = 0; i < t.warmup; i++) await step();
  const times: number[] = [];
  let peakPool = ctx.pool.bytesAllocated;
  for (let i = 0; i < t.reps; i++) {
    const t0 = performance.now();
    await step();
    times.push((performance.now() - t0) / 1000);
    peakPool = Math.max(peakPool, ctx.pool.bytesAllocated);
  }
  const dispatches0 = ctx.rec.stats.dispatches;
  await step();
  const dispatchesPerStep = ctx.rec.stats.dispatches - dispatches0;
  // Peak memory of plain training: taken before the profiled steps, whose query sets and extra passes would inflate it.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  let profileTimes: KernelTime[] | undefined;
  if (profile) {
    const prof = new DispatchProfiler(ctx.gpu);
    ctx.rec.timer = prof;
    // The first profiled step pays one-off costs (new passes, query sets) on lavapipe: drop it.
    await step();
    await prof.read();
    const t0 = performance.now();
    await step();
    const wallMs = performance.now() - t0;
    ctx.rec.timer = undefined;
    profileTimes = await prof.read();
    process.stderr.write(`profile of one training step (each dispatch in its own pass; wall ${wallMs.toFixed(0)} ms):\n`);
    process.stderr.write(`${formatProfile(byKernel(profileTimes))}\n\nby pipeline:\n${formatProfile(profileTimes, 20)}\n`);
  }
  const tokens = acts.rows;
  return {
    tokensPerStep: tokens,
    tokensPerS: rate(tokens, times),
    ms: spread(times.map((x) => x * 1000)),
    dispatchesPerStep,
    peakPool,
    peakRssMiB,
    ...(profileTimes ? { profile: byKernel(profileTimes) } : {}),
  };
}

/** Sampling: generate() from random prompts (prefill + KV-cache decode), timed as a whole. */
async function timeSample(t: ModelTask, promptLen: number, newTokens: number, temperature: number, topK: number) {
  const { model } = t;
  const rng = new Rng(t.seed);
  const prompts = Array.from({ length: t.batch }, () => Array.from({ length: promptLen }, () => rng.int(0, model.config.vocab - 1)));
  const opts = { maxNewTokens: newTokens, temperature, topK, seed: t.seed };
  let peakPool = 0;
  const once = async () => {
    const before = model.ctx.pool.bytesAllocated;
    // Imported here so the matmul task does not load the model code.
    const { generate } = await import('../lib/model/generate.ts');
    const out = await generate(model, prompts, opts);
    // generate frees its caches before returning; its peak is at least caches + the model's activations.
    peakPool = Math.max(peakPool, model.ctx.pool.bytesAllocated, before);
    if (out.some((g) => g.tokens.length !== newTokens)) throw new Error(`generate returned fewer than ${newTokens} tokens`);
  };
  for (let i = 0; i < t.warmup; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < t.reps; i++) {
    const t0 = performance.now();
    await once();
    times.push((performance.now() - t0) / 1000);
  }
  const tokens = t.batch * newTokens;
  return { tokensPerStep: tokens, tokensPerS: rate(tokens, times), ms: spread(times.map((x) => x * 1000)), peakPool };
}

async function main(): Promise<void> {
  const a = await scriptYargs('bench-ours', '$0 --task matmul|train|sample [options]\n\nMeasures one task of ours for scripts/bench.ts and prints one JSON line.')
    .option('task', { choices: ['matmul', 'train', 'sample'] as const, demandOption: true })
    .option('shapes', { type: 'string', default: '1024x1024x1024', describe: 'matmul: comma-separated MxNxK[:ta][:tb]' })
    .option('warmup', { type: 'number', default: 2 })
    .option('reps', { type: 'number', default: 5 })
    .option('min-ms', { type: 'number', default: 200, describe: 'matmul: minimum duration of one timing' })
    .option('family', { choices: families, default: 'qwen-like' as Family })
    .option('scale', { choices: ['smoke', 'cpu', 'paper'] as const, default: 'cpu' as const, describe: 'model size: smoke=tiny, cpu, paper' })
    .option('vocab', { type: 'number', default: 512 })
    .option('batch', { type: 'number', default: 8 })
    .option('seq-len', { type: 'number', default: 256, describe: 'train: tokens per sequence' })
    .option('prompt-len', { type: 'number', default: 16 })
    .option('new-tokens', { type: 'number', default: 64 })
    .option('temperature', { type: 'number', default: 1 })
    .option('top-k', { type: 'number', default: 0 })
    .option('seed', { type: 'number', default: 0 })
    .option('profile', { type: 'boolean', default: false, describe: 'train: time every kernel of one extra step (stderr)' })
    .strict()
    .parseAsync();
  const ctx = await createContext();
  const base = { adapter: ctx.gpu.adapterName, software: ctx.gpu.isSoftware, lpNumThreads: process.env.LP_NUM_THREADS ?? null };
  if (a.task === 'matmul') {
    const shapes = a.shapes.split(',').map(parseShape);
    const results: MatmulTiming[] = [];
    for (const s of shapes) results.push(await timeMatmul(ctx, s, a.warmup, a.reps, a['min-ms']));
    console.log(JSON.stringify({ task: 'matmul', ...base, shapes: results, ...memory(ctx.pool.bytesAllocated) }));
  } else {
    const size: Size = a.scale === 'smoke' ? 'tiny' : a.scale;
    const { Model } = await import('../lib/model/model.ts');
    const model = Model.init(ctx, presetConfig(a.family, size, a.vocab), a.seed);
    const t: ModelTask = { model, batch: a.batch, warmup: a.warmup, reps: a.reps, seed: a.seed };
    const r = a.task === 'train' ? await timeTrain(t, a['seq-len'], a.profile) : await timeSample(t, a['prompt-len'], a['new-tokens'], a.temperature, a['top-k']);
    const { peakPool, ...rest } = r;
    console.log(JSON.stringify({ task: a.task, ...base, params: model.params.layout.count, ...memory(peakPool), ...rest }));
  }
  ctx.destroy();
}

await runMain(main);
