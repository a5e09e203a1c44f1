// GFLOP/s of the matmul kernels (lib/ops/matmul.ts) at 1024^3 and at the model's linear-layer
// shapes, forward (x W^T), input gradient (dy W) and weight gradient (dy^T x), for each kernel
// variant: 'tuned' (kernels/matmul.wgsl) and 'naive' (kernels/matmul_naive.wgsl, one invocation
// per output). Dispatches are recorded into one submit and timed to queue.onSubmittedWorkDone()
// after a warm-up call, as inside a training step. Besides wall-clock GFLOP/s it prints GFLOP per
// CPU-second of this process (lavapipe's worker threads included): on a machine shared with other
// jobs the wall clock mostly measures the others, while CPU time still measures the kernel
// (x2 estimates the wall-clock rate on 2 idle cores).
//   npx tsx scripts/bench-matmul.ts --rows 4096 --dim 128 --ffn 352 --vocab 200
import { performance } from 'node:perf_hooks';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createContext, type GpuContext, type Tensor } from '../lib/gpu/index.ts';
import { matmul, tunedMatmulFits, type MatmulKernel, type MatmulOptions } from '../lib/ops/matmul.ts';
import { runMain, UsageError } from '../lib/util/cli.ts';
import { Rng } from '../lib/util/rng.ts';

interface Shape {
  label: string;
  o: MatmulOptions;
}

function shapes(rows: number, dim: number, ffn: number, vocab: number, square: boolean): Shape[] {
  const out: Shape[] = [];
  if (square) {
    out.push({ label: '1024^3 nn', o: { m: 1024, n: 1024, k: 1024 } });
    out.push({ label: '1024^3 x W^T', o: { m: 1024, n: 1024, k: 1024, transB: true } });
    out.push({ label: '1024^3 A^T B', o: { m: 1024, n: 1024, k: 1024, transA: true } });
    out.push({ label: '1024^3 A^T B^T', o: { m: 1024, n: 1024, k: 1024, transA: true, transB: true } });
  }
  // Linear layer y[rows, out] = x[rows, in] W[out, in]^T, and its two gradients.
  for (const [name, inF, outF] of [
    ['attn', dim, dim],
    ['up/gate', dim, ffn],
    ['down', ffn, dim],
    ['lm head', dim, vocab],
  ] as const) {
    out.push({ label: `${name} fwd [${rows}x${inF}]@[${outF}x${inF}]^T`, o: { m: rows, n: outF, k: inF, transB: true } });
    out.push({ label: `${name} dx  [${rows}x${outF}]@[${outF}x${inF}]`, o: { m: rows, n: inF, k: outF } });
    out.push({ label: `${name} dW  [${rows}x${outF}]^T@[${rows}x${inF}]`, o: { m: outF, n: inF, k: rows, transA: true, accumulate: true } });
  }
  return out;
}

interface Timing {
  /** Wall-clock ms per call. */
  ms: number;
  /** CPU ms per call (user + system, all threads of this process). */
  cpuMs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Medians per call: one warm-up call, then `repeats` submits of enough calls to last ~0.3 s. */
async function timeCall(ctx: GpuContext, record: () => void, repeats: number): Promise<Timing> {
  const once = async (calls: number): Promise<Timing> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) record();
    ctx.rec.submit();
    await ctx.gpu.device.queue.onSubmittedWorkDone();
    const ms = (performance.now() - t0) / calls;
    const c = process.cpuUsage(c0);
    return { ms, cpuMs: (c.user + c.system) / 1000 / calls };
  };
  // compile + JIT; a kernel that fails to compile must not print a rate for an empty submit
  const { device } = ctx.gpu;
  device.pushErrorScope('validation');
  await once(1);
  const error = await device.popErrorScope();
  if (error) throw new Error(`kernel failed: ${error.message.split('\n')[0]}`);
  const calls = Math.max(1, Math.round(300 / (await once(1)).ms));
  const runs: Timing[] = [];
  for (let r = 0; r < repeats; r++) runs.push(await once(calls));
  return { ms: median(runs.map((t) => t.ms)), cpuMs: median(runs.map((t) => t.cpuMs)) };
}

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .usage("$0 [options]\n\nGFLOP/s of each matmul kernel variant at 1024^3 and at the model's linear-layer shapes.")
    .option('rows', { type: 'number', default: 4096, describe: 'tokens per step (batch * seqLen)' })
    .option('dim', { type: 'number', default: 128, describe: 'd_model' })
    .option('ffn', { type: 'number', default: 352, describe: 'MLP hidden size' })
    .option('vocab', { type: 'number', default: 200, describe: 'vocabulary size (lm head)' })
    .option('square', { type: 'boolean', default: true, describe: 'also time 1024^3 in all four transpose cases' })
    .option('variants', { type: 'string', array: true, default: ['tuned', 'naive'], choices: ['tuned', 'naive'], describe: 'kernels to time' })
    .option('repeats', { type: 'number', default: 3, describe: 'timed submits per measurement (median reported)' })
    .strict()
    .help()
    .parseAsync();
  for (const k of ['rows', 'dim', 'ffn', 'vocab', 'repeats'] as const) {
    if (!Number.isInteger(argv[k]) || argv[k] < 1) throw new UsageError(`--${k} must be a positive integer, got ${argv[k]}`);
  }
  const ctx = await createContext();
  console.log(`device: ${ctx.gpu.adapterName}; subgroup sizes: ${ctx.gpu.subgroupSizes?.join('-') ?? 'none'}`);
  const rng = new Rng(1);
  const tensors = new Map<number, Tensor>();
  const tensor = (size: number, name: string): Tensor => {
    let t = tensors.get(size);
    if (!t)
      tensors.set(
        size,
        (t = ctx.pool.upload(
          Float32Array.from({ length: size }, () => rng.normal()),
          [size],
          name,
        )),
      );
    return t;
  };
  const variants = argv.variants as MatmulKernel[];
  console.log(`${'shape'.padEnd(44)}${variants.map((v) => v.padStart(26)).join('')}`);
  for (const s of shapes(argv.rows, argv.dim, argv.ffn, argv.vocab, argv.square)) {
    const { m, n, k } = s.o;
    const a = tensor(m * k, 'a');
    const b = tensor(k * n + 1, 'b'); // +1: a different size from a, so never the same tensor
    const out = ctx.pool.alloc([m, n], 'out');
    const cells: string[] = [];
    for (const kernel of variants) {
      if (kernel === 'tuned' && !tunedMatmulFits(ctx, s.o)) {
        cells.push('n/a'.padStart(26));
        continue;
      }
      const t = await timeCall(ctx, () => matmul(ctx, a, b, out, { ...s.o, kernel }), argv.repeats);
      const gflop = (2 * m * n * k) / 1e9;
      cells.push(`${(gflop / (t.ms / 1e3)).toFixed(1)} | ${(gflop / (t.cpuMs / 1e3)).toFixed(1)} (${t.ms.toFixed(1)} ms)`.padStart(26));
    }
    console.log(`${s.label.padEnd(44)}${cells.join('')}`);
    ctx.pool.free(out);
  }
  console.log('wall GFLOP/s | GFLOP per CPU-second (wall ms per call), medians of the timed submits');
}

await runMain(main);
