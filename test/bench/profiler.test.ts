// The --profile hook: with a timer attached, every dispatch is timed and attributed to its
// kernel (also past one query set's 2048 dispatches), results still compute correctly, and
// detaching the timer restores the plain path.
import { describe, expect, it } from 'vitest';
import { read, write } from '../../lib/gpu/index.ts';
import { byKernel, DispatchProfiler } from '../../lib/bench/profiler.ts';
import { add } from '../../lib/ops/add.ts';
import { useGpu } from '../helpers/gpu.ts';

describe('DispatchProfiler', () => {
  const gpu = useGpu();

  it('counts every dispatch per kernel across query sets and leaves results intact', async () => {
    const ctx = gpu.ctx();
    if (!ctx.gpu.hasTimestamps) return; // no timestamp-query on this adapter: nothing to profile
    const n = 1000;
    const a = ctx.pool.upload(
      Array.from({ length: n }, (_, i) => i),
      [n],
      'a',
    );
    const b = ctx.pool.upload(
      Array.from({ length: n }, () => 1),
      [n],
      'b',
    );
    const outs = [ctx.pool.alloc([n], 'o1'), ctx.pool.alloc([n], 'o2')];
    const prof = new DispatchProfiler(ctx.gpu);
    ctx.rec.timer = prof;
    const calls = 2100; // > 2048: needs a second query set
    for (let i = 0; i < calls; i++) add(ctx, a, b, outs[i % 2]);
    ctx.rec.submit();
    const times = await prof.read();
    ctx.rec.timer = undefined;
    expect(times).toHaveLength(1);
    expect(times[0].label).toMatch(/^add:main/);
    expect(times[0].calls).toBe(calls);
    expect(times[0].ms).toBeGreaterThan(0);
    expect(byKernel(times)).toEqual([{ label: 'add', calls, ms: times[0].ms }]);
    for (const o of outs) expect((await read(ctx.gpu, o))[5]).toBe(6);
    expect(await prof.read()).toEqual([]);
    // Plain path again: one pass, no timing.
    write(ctx.gpu, outs[0], new Float32Array(n));
    add(ctx, a, b, outs[0]);
    ctx.rec.submit();
    expect((await read(ctx.gpu, outs[0]))[7]).toBe(8);
  });
});
