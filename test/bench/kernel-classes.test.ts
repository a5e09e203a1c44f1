// Every pipeline of a real training step falls in a named class, and the three matmul classes
// count what the model launches: per layer q, k, v, o, gate, up, down, plus the LM head, once
// forward, once for dX and once for dW.
import { describe, expect, it } from 'vitest';
import { byClass, kernelClass } from '../../lib/bench/kernel-classes.ts';
import { DispatchProfiler } from '../../lib/bench/profiler.ts';
import { presetConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { TrainStep } from '../../lib/train/step.ts';
import { useGpu } from '../helpers/gpu.ts';

describe('kernel classes', () => {
  const gpu = useGpu();

  it('tells matmuls apart by their transposes', () => {
    expect(kernelClass('matmul:main(HAS_BIAS=1,TRANS_A=0,TRANS_B=1)')).toBe('matmul forward');
    expect(kernelClass('matmul:main(HAS_BIAS=0,TRANS_A=0,TRANS_B=0)')).toBe('matmul backward dX');
    expect(kernelClass('matmul_naive:main(HAS_BIAS=0,TRANS_A=1,TRANS_B=0,TX=8,TY=8)')).toBe('matmul backward dW');
  });

  it('classifies every kernel of a training step', async () => {
    const ctx = gpu.ctx();
    if (!ctx.gpu.hasTimestamps) return; // no timestamp-query on this adapter: nothing to profile
    const config = presetConfig('qwen-like', 'tiny', 64);
    const model = Model.init(ctx, config, 1);
    const acts = model.activations(2, 16);
    const ids = Uint32Array.from({ length: acts.rows }, (_, i) => i % 64);
    const prof = new DispatchProfiler(ctx.gpu);
    ctx.rec.timer = prof;
    await new TrainStep(model).run(acts, { ids, targets: ids, weights: new Float32Array(acts.rows).fill(1 / acts.rows) }, 1e-3).stats();
    ctx.rec.timer = undefined;
    const classes = Object.fromEntries(byClass(await prof.read()).map((c) => [c.cls, c.calls]));
    expect(classes.other).toBeUndefined();
    const matmuls = 7 * config.layers + 1;
    expect(classes['matmul forward']).toBe(matmuls);
    expect(classes['matmul backward dX']).toBe(matmuls);
    expect(classes['matmul backward dW']).toBe(matmuls);
    expect(classes.loss).toBe(1);
    expect(classes['attention forward']).toBe(config.layers);
    model.dropActivations();
  });
});
