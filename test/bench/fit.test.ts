// The gpu scale's refusal (lib/gpu/fit.ts): Qwen2.5-0.5B's shapes give its 494M parameters, a
// configuration over an adapter's limits is refused in one line naming the limit, and the
// footprint bounds what a real training step allocates.
import { describe, expect, it } from 'vitest';
import { checkTrainingFits, trainingFootprint } from '../../lib/bench/fit.ts';
import { DeviceLimitError } from '../../lib/gpu/index.ts';
import { presetConfig, qwen25HalfBConfig } from '../../lib/model/config.ts';
import { Model } from '../../lib/model/model.ts';
import { TrainStep } from '../../lib/train/step.ts';
import { GPU_SCALE } from '../../lib/train/scales.ts';
import { useGpu } from '../helpers/gpu.ts';

const lavapipe = { maxBufferSize: 2 ** 32 - 1, maxStorageBufferBindingSize: 2 ** 27 };

describe('gpu scale fit', () => {
  const gpu = useGpu();

  it('has Qwen2.5-0.5B parameter count and fits lavapipe-sized limits at the gpu scale', () => {
    const c = qwen25HalfBConfig(GPU_SCALE.context);
    expect(trainingFootprint(c, 1, 8).params).toBe(494_032_768);
    const f = checkTrainingFits(lavapipe, 'test adapter', c, GPU_SCALE.batch, GPU_SCALE.seqLen);
    expect(f.flatBytes).toBeGreaterThan(494_032_768 * 4 - 1);
  });

  it('refuses in one line what is over a limit, naming it', () => {
    const c = qwen25HalfBConfig(GPU_SCALE.context);
    const refuse = (limits: typeof lavapipe, batch: number, seqLen: number) => {
      try {
        checkTrainingFits(limits, 'test adapter', c, batch, seqLen);
      } catch (e) {
        expect(e).toBeInstanceOf(DeviceLimitError);
        expect((e as Error).message).not.toContain('\n');
        return (e as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refuse(lavapipe, 64, 1024)).toMatch(/logits buffer needs 37\.09 GiB .* maxBufferSize 4\.00 GiB/);
    expect(refuse({ ...lavapipe, maxBufferSize: 2 ** 40 }, 64, 1024)).toMatch(/widest activation binding needs 1\.19 GiB .* maxStorageBufferBindingSize 0\.13 GiB/);
    expect(refuse({ ...lavapipe, maxBufferSize: 2 ** 30 }, 1, 8)).toMatch(/flat parameter\/gradient\/AdamW buffer .* maxBufferSize 1\.00 GiB/);
    expect(refuse({ ...lavapipe, maxBufferSize: 2 ** 31 }, 16, 512)).toMatch(/logits buffer/);
  });

  it('bounds what a training step allocates', async () => {
    const ctx = gpu.ctx();
    const c = presetConfig('qwen-like', 'cpu', 512);
    const before = ctx.pool.bytesAllocated;
    const model = Model.init(ctx, c, 1);
    const acts = model.activations(4, 64);
    const ids = Uint32Array.from({ length: acts.rows }, (_, i) => i % 512);
    await new TrainStep(model).run(acts, { ids, targets: ids, weights: new Float32Array(acts.rows).fill(1 / acts.rows) }, 1e-3).stats();
    const used = ctx.pool.bytesAllocated - before;
    const f = trainingFootprint(c, 4, 64);
    expect(used).toBeLessThanOrEqual(f.totalBytes);
    expect(used).toBeGreaterThan(f.totalBytes / 3); // a bound, not a number out of thin air
    model.dropActivations();
  });
});
