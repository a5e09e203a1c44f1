// One supervised training step in one submit: the model's forward, weighted loss and backward,
// then the optimizer's update (lib/train/adamw.ts), then the step's scalars copied into a ring of
// slots on the device. Nothing is read back inside a step, so the caller may submit the next step
// before reading this one's loss and gradient norm (the pretraining benchmarks and
// scripts/train-lm.ts keep one step in flight).
import { read, type Tensor } from '../gpu/index.ts';
import type { Activations, Batch, Model } from '../model/model.ts';
import { columnSum } from '../ops/reduce.ts';
import { AdamW } from './adamw.ts';

/** Per-step scalars the caller may await after a step. */
export interface StepStats {
  /** sum_t w_t (-log p_t) over the batch, before the update. */
  loss: number;
  /** sum_t w_t. */
  weightSum: number;
  /** Gradient L2 norm before clipping. */
  gradNorm: number;
}

const STAT_SLOTS = 64;

/** Training steps of one model with one optimizer (AdamW with its defaults unless given). */
export class TrainStep {
  private readonly lossSum: Tensor;
  private readonly weightSum: Tensor;
  private readonly stats: Tensor;

  constructor(
    readonly model: Model,
    readonly optimizer: AdamW = new AdamW(model),
  ) {
    const { pool } = model.ctx;
    this.lossSum = pool.alloc([1], 'lossSum');
    this.weightSum = pool.alloc([1], 'weightSum');
    this.stats = pool.alloc([STAT_SLOTS * 4], 'stepStats');
  }

  /**
   * Forward, weighted loss, backward and one optimizer update, submitted at once (`batch` is
   * written first; without it the activations' inputs are reused). Returns a reader for the
   * step's scalars, valid for the next 64 steps.
   */
  run(acts: Activations, batch: Batch | undefined, lr: number): { stats: () => Promise<StepStats> } {
    const { model, optimizer } = this;
    if (batch) model.setBatch(acts, batch);
    model.zeroGrad();
    model.forwardLogits(acts);
    model.loss(acts, true);
    model.backward(acts);
    optimizer.record(lr);
    const slot = this.recordStats(acts);
    model.ctx.rec.submit();
    const step = optimizer.step;
    return {
      stats: async () => {
        if (optimizer.step - step >= STAT_SLOTS) throw new Error(`step ${step} stats were overwritten: read them within ${STAT_SLOTS} steps`);
        const [loss, weightSum, normSq] = await read(model.ctx.gpu, this.stats, 3, slot * 4);
        return { loss, weightSum, gradNorm: Math.sqrt(normSq) };
      },
    };
  }

  /** Release the optimizer's state and the stats ring; neither may be used afterwards. */
  free(): void {
    const { pool } = this.model.ctx;
    for (const t of [this.lossSum, this.weightSum, this.stats]) pool.free(t);
    this.optimizer.free();
  }

  // Reduce the step's loss and weights and copy them with the gradient norm into a ring slot,
  // so the caller can read a step's scalars after later steps were already submitted.
  private recordStats(acts: Activations): number {
    const { ctx } = this.model;
    const slot = this.optimizer.step % STAT_SLOTS;
    columnSum(ctx, acts.loss, this.lossSum, { rows: acts.rows, n: 1 });
    columnSum(ctx, acts.weights, this.weightSum, { rows: acts.rows, n: 1 });
    ctx.rec.copy(this.lossSum, this.stats, 1, 0, slot * 4);
    ctx.rec.copy(this.weightSum, this.stats, 1, 0, slot * 4 + 1);
    ctx.rec.copy(this.optimizer.gradNormSq, this.stats, 1, 0, slot * 4 + 2);
    return slot;
  }
}
