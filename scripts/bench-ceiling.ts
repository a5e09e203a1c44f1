// How much of the tuned matmul's time is its arithmetic: kernels/matmul.wgsl timed against the
// same source with fma4's four multiply-adds per lane replaced by five adds of the same operands
// (every load, subgroupBroadcast and store kept; the operands stay used, so no load is dropped).
// If the light variant is nearly as slow, loads and their lowering bound the kernel on this driver,
// and flops / time(light) is the most this load pattern can reach. Interleaved repetitions; prints
// one JSON line with both GFLOP/s spreads and their ratio.
//   npx tsx scripts/bench-ceiling.ts [--size 1024] [--reps 5]
import { performance } from 'node:perf_hooks';
import { spread } from '../lib/bench/summary.ts';
import { createContext, kernelSource, Params } from '../lib/gpu/index.ts';
import { dummyTensor } from '../lib/ops/dummy.ts';
import { tunedMatmulFits } from '../lib/ops/matmul.ts';
import { runMain, scriptYargs, UsageError } from '../lib/util/cli.ts';
import { Rng } from '../lib/util/rng.ts';

const FMA4 = /fn fma4\([^)]*\) -> vec4f \{[^}]*\}/;

async function main(): Promise<void> {
  const a = await scriptYargs('bench-ceiling', '$0 [options]\n\nTimes the tuned matmul against the same kernel with its multiply-adds replaced by adds.')
    .option('size', { type: 'number', default: 1024 })
    .option('reps', { type: 'number', default: 5 })
    .option('calls', { type: 'number', default: 4, describe: 'dispatches per timing' })
    .strict()
    .parseAsync();
  const n = a.size;
  const ctx = await createContext();
  if (!tunedMatmulFits(ctx, { m: n, n, k: n })) throw new UsageError(`the tuned matmul cannot run ${n}^3 on ${ctx.gpu.adapterName}`);
  const src = kernelSource('matmul');
  if (!FMA4.test(src)) throw new Error('kernels/matmul.wgsl has no fma4 function to lighten');
  const light = src.replace(FMA4, 'fn fma4(s: vec4f, x: vec4f, b0: vec4f, b1: vec4f, b2: vec4f, b3: vec4f) -> vec4f { return s + x + b0 + b1 + b2 + b3; }');
  const constants = { HAS_BIAS: 0, TRANS_A: 0, TRANS_B: 0 };
  const variants = {
    matmul: ctx.pipelines.fromSource(src, constants, 'main', 'matmul'),
    light: ctx.pipelines.fromSource(light, constants, 'main', 'matmul_adds_only'),
  };
  const rng = new Rng(1);
  const A = ctx.pool.upload(
    Float32Array.from({ length: n * n }, () => rng.normal()),
    [n, n],
    'a',
  );
  const B = ctx.pool.upload(
    Float32Array.from({ length: n * n }, () => rng.normal()),
    [n, n],
    'b',
  );
  const out = ctx.pool.alloc([n, n], 'out');
  const params = new Params().u32(n).u32(n).u32(n).u32(0);
  const time = async (p: typeof variants.matmul, calls: number) => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) ctx.rec.dispatch(p, [Math.ceil(n / 32), Math.ceil(n / 16)], [A, B, dummyTensor(ctx), out], params);
    ctx.rec.submit();
    await ctx.gpu.device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / calls;
  };
  for (const p of Object.values(variants)) await time(p, 1); // compile and warm up
  const ms: Record<keyof typeof variants, number[]> = { matmul: [], light: [] };
  for (let r = 0; r < a.reps; r++) {
    for (const k of Object.keys(variants) as (keyof typeof variants)[]) ms[k].push(await time(variants[k], a.calls));
  }
  const flops = 2 * n * n * n;
  const gflops = (xs: number[]) => spread(xs.map((t) => flops / (t / 1000) / 1e9));
  const ratios = ms.matmul.map((t, i) => ms.light[i] / t);
  console.log(
    JSON.stringify({
      adapter: ctx.gpu.adapterName,
      size: n,
      lpNumThreads: process.env.LP_NUM_THREADS ?? null,
      matmulGflops: gflops(ms.matmul),
      addsOnlyGflops: gflops(ms.light),
      addsOnlyTimeOverMatmul: spread(ratios),
    }),
  );
  ctx.destroy();
}

await runMain(main);
