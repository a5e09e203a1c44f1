// The supervised loop shared by Base pretraining and SFT (sft | vggm | truncate): the method has
// already been turned into weighted sequences by lib/train/weights.ts, so this loop never asks
// which method it runs. Per step: the batch of (seed, step), a per-batch token-mean loss (weights
// divided by their sum), one submitted forward/backward/AdamW, and a readback of loss and grad
// norm (a NaN or Inf stops the run naming the step and the tensor). At a cadence it also logs the
// "sees but does not learn" diagnostics and the cross-batch gradient variance, and writes
// checkpoints from which `resume` continues with identical losses.
import { read } from '../gpu/index.ts';
import type { Model } from '../model/model.ts';
import { AdamW, adamwOf } from './adamw.ts';
import { packBatch, roundedSeqLen, TAG_LEARNED, TAG_PREFIX, taggedMeans, tokensLearned, type Batch, type PackItem } from './batch.ts';
import { latestCheckpoint, removeCheckpoints, resumeTrainingCheckpoint, saveModelFolder, saveTrainingCheckpoint, type TrainerState } from './checkpoints.ts';
import { gradientVariance } from './gradvar.ts';
import { firstNonFinite, NonFiniteError } from './health.ts';
import { MetricsLog, type MetricRecord } from './metrics.ts';
import { batchIndices } from './order.ts';
import { derivedSeed } from '../util/seed.ts';
import { SpikeCounter } from '../util/spikes.ts';
import { holdInterrupts, stopIfInterrupted } from '../util/interrupt.ts';
import type { OptimConfig } from './scales.ts';
import { learningRate } from './schedule.ts';
import { TrainStep } from './step.ts';

export interface SupervisedRun {
  /** where metrics.jsonl, checkpoints/ and the final model folder go */
  runDir: string;
  /** the model to train (fresh or loaded); replaced by the checkpoint's on resume */
  model: Model;
  tokenizerJson: string;
  items: readonly PackItem[];
  /** longest rows a batch may use (batches use what they need, rounded up to 16) */
  seqLen: number;
  optim: OptimConfig;
  seed: number;
  diagEvery: number;
  gradVar: { every: number; batches: number };
  checkpointEvery: number;
  /** what the run is (stage, method, cache key): saved in trainer_state.json */
  info: Record<string, unknown>;
  resume?: boolean;
  /** stop after this many steps in total (simulates an interruption; tests) */
  stopAfter?: number;
  /** after each of these step counts (0 < s < optim.steps) the model is also kept in
   *  snapshotDir(runDir, s): Fig. 2 evaluates an SFT run along the way without a second run */
  snapshots?: readonly number[];
  /** learning rate of a step (default: the optim schedule); tests inject bad values */
  lrAt?: (step: number) => number;
  onStep?: (rec: StepRecord) => void;
}

export interface StepRecord extends MetricRecord {
  kind: 'step';
  loss: number;
  lr: number;
  gradNorm: number;
  tokens: number;
  spike: boolean;
  /** B·T rows of the batch, and the step's wall time (host + device) */
  rows: number;
  ms: number;
}

export interface SupervisedResult {
  model: Model;
  steps: number;
  losses: number[];
  spikes: number;
  seconds: number;
}

// Padding rows carry weight 0, so their token is irrelevant; 0 is <pad> in our tokenizers.
const PAD_ID = 0;

/** The batch of `step`: a pure function of (seed, step). */
export function batchAt(run: Pick<SupervisedRun, 'items' | 'seed' | 'optim' | 'seqLen'>, step: number, stream = 'train', index = 0): Batch {
  const seed = stream === 'train' ? run.seed : derivedSeed(run.seed, stream, index);
  const items = batchIndices(seed, step, run.items.length, run.optim.batch).map((i) => run.items[i]);
  // Rows as long as this batch needs (rounded up, see roundedSeqLen), at most run.seqLen: short
  // batches cost what they hold, not the longest example of the dataset.
  const seqLen = Math.min(run.seqLen, roundedSeqLen(items));
  return packBatch(items, seqLen, PAD_ID);
}

/** Weights divided by their sum: the loss is the mean NLL over the learned tokens of the batch. */
function meanWeights(b: Batch): Float32Array {
  const total = tokensLearned(b);
  return total > 0 ? b.weights.map((w) => w / total) : b.weights;
}

export async function trainSupervised(run: SupervisedRun): Promise<SupervisedResult> {
  const t0 = performance.now();
  const metrics = new MetricsLog(`${run.runDir}/metrics.jsonl`);
  const { model } = run;
  const { optim } = run;
  const trainer = new TrainStep(model, new AdamW(model, adamwOf(optim)));
  const { optimizer } = trainer;
  let start = 0;
  const spikes = new SpikeCounter();
  const losses: number[] = [];
  const latest = run.resume ? latestCheckpoint(run.runDir) : null;
  if (latest) {
    start = resumeTrainingCheckpoint(model, optimizer, latest.dir).step;
    for (const r of metrics.truncateTo(start)) {
      if (r.kind === 'step') {
        spikes.push(r.step, r.loss as number);
        losses.push(r.loss as number);
      }
    }
  } else {
    metrics.reset();
  }
  const lrAt = run.lrAt ?? ((s: number) => learningRate(s, { peak: optim.lr, warmup: optim.warmup, total: optim.steps, minRatio: optim.minLrRatio }));
  const end = Math.min(optim.steps, run.stopAfter ?? Infinity);
  const state = (step: number): TrainerState => ({ step, seed: run.seed, run: run.info, optim });

  // Ctrl-C: stop at a step boundary with a checkpoint (released on return; an error exits the script anyway)
  const releaseInterrupts = holdInterrupts();
  for (let step = start; step < end; step++) {
    await stopIfInterrupted(step, () => saveTrainingCheckpoint(run.runDir, model, optimizer, run.tokenizerJson, state(step)));
    const tStep = performance.now();
    const b = batchAt(run, step);
    const lr = lrAt(step);
    const acts = model.activations(b.batch, b.seqLen);
    const stats = await trainer.run(acts, { ids: b.inputs, targets: b.targets, weights: meanWeights(b) }, lr).stats();
    if (!Number.isFinite(stats.loss) || !Number.isFinite(stats.gradNorm)) {
      const bad = firstNonFinite([...(await model.params.toHost('grads'))].map(([n, t]) => [`gradient of ${n}`, t.data] as [string, Float32Array]));
      const what = bad ? bad.tensor : Number.isFinite(stats.loss) ? 'gradient norm' : 'loss';
      throw new NonFiniteError(step, what, bad?.index ?? 0, bad?.value ?? (Number.isFinite(stats.loss) ? stats.gradNorm : stats.loss), latestCheckpoint(run.runDir)?.step ?? null);
    }
    const rec: StepRecord = {
      step,
      kind: 'step',
      loss: stats.loss,
      lr,
      gradNorm: stats.gradNorm,
      tokens: tokensLearned(b),
      spike: spikes.push(step, stats.loss),
      rows: b.batch * b.seqLen,
      ms: Math.round(performance.now() - tStep),
    };
    losses.push(stats.loss);
    metrics.append(rec);
    run.onStep?.(rec);

    if (run.diagEvery > 0 && step % run.diagEvery === 0) {
      // The step's own forward (before its update) left per-token log-probs and entropies in acts.
      const [logprob, entropy] = [await read(model.ctx.gpu, acts.logprob), await read(model.ctx.gpu, acts.entropy)];
      metrics.append({
        step,
        kind: 'diag',
        prefix: taggedMeans(b.tags, TAG_PREFIX, logprob, entropy),
        learned: taggedMeans(b.tags, TAG_LEARNED, logprob, entropy),
      });
    }
    if (run.gradVar.every > 0 && (step + 1) % run.gradVar.every === 0) {
      metrics.append({ step, kind: 'gradvar', ...(await measureGradientVariance(model, run, step)) });
    }
    if (run.snapshots?.includes(step + 1) && step + 1 < optim.steps) {
      await saveModelFolder(snapshotDir(run.runDir, step + 1), model, run.tokenizerJson, state(step + 1));
    }
    if (run.checkpointEvery > 0 && (step + 1) % run.checkpointEvery === 0 && step + 1 < end) {
      await saveTrainingCheckpoint(run.runDir, model, optimizer, run.tokenizerJson, state(step + 1));
    }
  }
  if (end === optim.steps) {
    await saveModelFolder(run.runDir, model, run.tokenizerJson, state(end));
    removeCheckpoints(run.runDir); // the finished model folder supersedes them
  } else {
    await saveTrainingCheckpoint(run.runDir, model, optimizer, run.tokenizerJson, state(end));
  }
  trainer.free(); // the optimizer state is on disk where a later run needs it
  releaseInterrupts();
  return { model, steps: end, losses, spikes: spikes.spikes, seconds: (performance.now() - t0) / 1000 };
}

/** Where a run keeps the model after `step` steps (see SupervisedRun.snapshots). */
export function snapshotDir(runDir: string, step: number): string {
  return `${runDir}/snapshots/step-${String(step).padStart(7, '0')}`;
}

/**
 * Gradients of K independent mini-batches at the current weights (no optimizer step), and their
 * spread. Batches come from a separate stream of (seed, step), so measuring never changes the
 * training data order.
 */
export async function measureGradientVariance(model: Model, run: Pick<SupervisedRun, 'items' | 'seed' | 'optim' | 'seqLen' | 'gradVar'>, step: number) {
  const grads: Float32Array[] = [];
  for (let k = 0; k < run.gradVar.batches; k++) {
    const b = batchAt(run, step, 'gradvar', k);
    const acts = model.activations(b.batch, b.seqLen);
    model.setBatch(acts, { ids: b.inputs, targets: b.targets, weights: meanWeights(b) });
    model.zeroGrad();
    model.forwardLogits(acts);
    model.loss(acts, true);
    model.backward(acts);
    model.ctx.rec.submit();
    grads.push(await read(model.ctx.gpu, model.params.grads));
  }
  return gradientVariance(grads);
}
