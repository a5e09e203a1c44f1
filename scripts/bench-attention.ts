// Wall-clock timing of the attention kernels (lib/ops/attention.ts) at a given shape: many
// dispatches recorded in one submit and timed to queue.onSubmittedWorkDone(), so the per-submit
// overhead is amortised as it is inside a training step. Prints the ms per call of forward and
// backward (dq + dkdv) for each kernel variant (lib/ops/attention.ts AttentionKernel) with the
// speed-up of the subgroup kernels over the plain ones measured in the same run, and of decode
// (one token, cache filled to --seq).
//   npx tsx scripts/bench-attention.ts --batch 16 --seq 256 --heads 4 --kv-heads 4 --head-dim 32
import { performance } from 'node:perf_hooks';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createContext, type GpuContext } from '../lib/gpu/index.ts';
import { attentionBackward, attentionDecode, attentionForward, type AttentionKernel } from '../lib/ops/attention.ts';
import { runMain, UsageError } from '../lib/util/cli.ts';
import { Rng } from '../lib/util/rng.ts';

interface Timing {
  wall: number[];
  /** Process CPU time (Node + lavapipe's threads) per call: less sensitive than wall time to other load on the machine. */
  cpu: number[];
}

async function timeCalls(ctx: GpuContext, record: () => void, calls: number, repeats: number): Promise<Timing> {
  record(); // compile the pipelines and warm lavapipe's JIT outside the timing
  ctx.rec.submit();
  await ctx.gpu.device.queue.onSubmittedWorkDone();
  const t: Timing = { wall: [], cpu: [] };
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) record();
    ctx.rec.submit();
    await ctx.gpu.device.queue.onSubmittedWorkDone();
    t.wall.push((performance.now() - t0) / calls);
    const c = process.cpuUsage(c0);
    t.cpu.push((c.user + c.system) / 1000 / calls);
  }
  return t;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function summary(t: Timing): string {
  const w = [...t.wall].sort((a, b) => a - b);
  return `wall median ${median(w).toFixed(2)} ms (min ${w[0].toFixed(2)}, max ${w[w.length - 1].toFixed(2)}), cpu median ${median(t.cpu).toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .usage('$0 [options]\n\nTime causal grouped-query attention (forward, backward, decode) on the WebGPU device.')
    .option('batch', { type: 'number', default: 16, describe: 'sequences per batch' })
    .option('seq', { type: 'number', default: 256, describe: 'sequence length T' })
    .option('heads', { type: 'number', default: 4, describe: 'query heads' })
    .option('kv-heads', { type: 'number', default: 4, describe: 'key/value heads (divides --heads)' })
    .option('head-dim', { type: 'number', default: 32, describe: 'head dimension (multiple of 4, <= 128)' })
    .option('calls', { type: 'number', default: 4, describe: 'calls recorded per timed submit' })
    .option('repeats', { type: 'number', default: 3, describe: 'timed submits per op' })
    .option('variants', { type: 'string', array: true, default: ['subgroup', 'plain'], choices: ['subgroup', 'plain'], describe: 'training kernel variants to time' })
    .strict()
    .help()
    .parseAsync();
  const shape = { batch: argv.batch, seqLen: argv.seq, heads: argv.heads, kvHeads: argv['kv-heads'], headDim: argv['head-dim'] };
  for (const [k, v] of Object.entries({ ...shape, calls: argv.calls, repeats: argv.repeats })) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${k}: expected a positive integer, got ${v}`);
  }
  const ctx = await createContext();
  const rows = shape.batch * shape.seqLen;
  const qd = shape.heads * shape.headDim,
    kd = shape.kvHeads * shape.headDim;
  const rng = new Rng(1);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const q = ctx.pool.upload(rand(rows * qd), [rows, qd], 'q');
  const k = ctx.pool.upload(rand(rows * kd), [rows, kd], 'k');
  const v = ctx.pool.upload(rand(rows * kd), [rows, kd], 'v');
  const dout = ctx.pool.upload(rand(rows * qd), [rows, qd], 'dout');
  const out = ctx.pool.alloc([rows, qd], 'out');
  const lse = ctx.pool.alloc([shape.batch * shape.heads * shape.seqLen], 'lse');
  const dq = ctx.pool.alloc([rows, qd], 'dq'),
    dk = ctx.pool.alloc([rows, kd], 'dk'),
    dv = ctx.pool.alloc([rows, kd], 'dv');
  const lengths = ctx.pool.upload(new Uint32Array(shape.batch).fill(shape.seqLen), [shape.batch], 'lengths', 'u32');
  const qDec = ctx.pool.upload(rand(shape.batch * qd), [shape.batch, qd], 'qDecode');
  const outDec = ctx.pool.alloc([shape.batch, qd], 'outDecode');
  const decodeOpts = { batch: shape.batch, maxLen: shape.seqLen, heads: shape.heads, kvHeads: shape.kvHeads, headDim: shape.headDim };

  console.log(`device: ${ctx.gpu.adapterName}; shape ${JSON.stringify(shape)}`);
  const cpu: Record<string, Record<string, number>> = {};
  for (const kernel of argv.variants as AttentionKernel[]) {
    const o = { ...shape, kernel };
    const fwd = await timeCalls(ctx, () => attentionForward(ctx, q, k, v, out, lse, o), argv.calls, argv.repeats);
    console.log(`forward  (${kernel}): ${summary(fwd)}`);
    const bwd = await timeCalls(ctx, () => attentionBackward(ctx, dout, q, k, v, out, lse, dq, dk, dv, o), argv.calls, argv.repeats);
    console.log(`backward (${kernel}): ${summary(bwd)}`);
    cpu[kernel] = { forward: median(fwd.cpu), backward: median(bwd.cpu) };
  }
  if (cpu.subgroup && cpu.plain) {
    const x = (op: string) => (cpu.plain[op] / cpu.subgroup[op]).toFixed(2);
    console.log(`subgroup kernels vs plain (cpu time, same run): forward ${x('forward')}x, backward ${x('backward')}x faster`);
  }
  // Decode reads the k/v tensors as a [B, T, Hkv*Dh] cache filled to T.
  const dec = await timeCalls(ctx, () => attentionDecode(ctx, qDec, k, v, lengths, outDec, decodeOpts), argv.calls * 8, argv.repeats);
  console.log(`decode:   ${summary(dec)} per token step (cache length ${shape.seqLen})`);
  ctx.destroy();
}

await runMain(main);
