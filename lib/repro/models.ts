// The models the reproduction scripts report, obtained through the content-addressed cache of
// lib/train (same config and seed → the same checkpoint, whichever script trained it). Three
// things are added here:
//   - each stage runs on its own GpuContext, destroyed afterwards, so a script that trains or
//     loads a dozen models does not keep a dozen models' activations on the device;
//   - --force retrains each model once per process (in the order the script asks for them, which
//     is parents first), instead of once per stage that depends on it;
//   - Table 2's "distill" baseline (no-mask SFT on 40× the teacher traces), a stage of our own
//     built from lib/train's trainer, and Fig. 2's view of an SFT run: its snapshots along the way.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { GpuContext } from '../gpu/context.ts';
import { acquireGpu } from '../gpu/device.ts';
import type { Family } from '../model/config.ts';
import { neededSeqLen } from '../train/batch.ts';
import { cacheKey } from '../train/cache.ts';
import { CacheMismatchError, DivergedError } from '../train/claim.ts';
import { dataFingerprint, sftItems } from '../train/data.ts';
import {
  ensureBase,
  ensureGrpo,
  ensureSft,
  modelConfig,
  promptFormat,
  runProgress,
  runStage,
  sftOptimConfig,
  startingModel,
  withSteps,
  type ModelSpec,
  type StageResult,
} from '../train/pipeline.ts';
import { scaleTable, type ScaleTable } from '../train/scales.ts';
import { curveSteps } from '../train/schedule.ts';
import { snapshotDir, trainSupervised } from '../train/supervised.ts';
import type { Method } from '../train/weights.ts';
import type { Scale } from '../util/cli.ts';
import { distillDataset, distillDescriptor } from './distill.ts';

export type { ModelSpec };

export interface ModelRef extends StageResult {
  /** the prompt format the model answers in */
  format: 'base' | 'trace';
}

export interface RunKey {
  scale: Scale;
  family: Family;
  seed: number;
}

/** Run `f` on a fresh context whose buffers are all freed afterwards. */
export async function withContext<T>(f: (ctx: GpuContext) => Promise<T>): Promise<T> {
  const ctx = new GpuContext(await acquireGpu());
  try {
    return await f(ctx);
  } finally {
    ctx.destroy();
  }
}

export class ModelStore {
  /** keys (re)trained in this process: --force never retrains one twice */
  private readonly fresh = new Set<string>();
  /** models trained (not taken from the cache) in this process, for the report */
  readonly trained: string[] = [];

  /**
   * @param force retrain each model asked for once in this process
   * @param forceShared with `force`, also the Base every seed shares (a `sharedBase` scale); off in
   *   the worker processes of lib/repro/parallel.ts, whose parent already retrained it
   * @param sftSteps the SFT runs' step count (default: the scale's); GRPO then starts from those runs
   *   and the distill baseline's steps scale with it
   * @param sftLr the SFT runs' peak learning rate (default: the scale's); the distill baseline's too
   */
  constructor(
    readonly data: Dataset,
    readonly force = false,
    readonly forceShared = true,
    readonly sftSteps?: number,
    readonly sftLr?: number,
  ) {}

  /** The SFT optimiser config these models are trained with: the scale's, with --sft-steps and --sft-lr applied. */
  sftOptim(scale: Scale): ScaleTable['sft'] {
    return sftOptimConfig(scale, this.sftSteps, this.sftLr);
  }

  /** A model, from the cache or trained now (its parents first, when they are missing). */
  async get(spec: ModelSpec, k: RunKey): Promise<ModelRef> {
    // --force retrains a model whose cache entry fails its content check or diverged, too.
    let r = await this.ensure(spec, k).catch((e: unknown) => {
      if (!(this.force && (e instanceof CacheMismatchError || e instanceof DivergedError))) throw e;
      rmSync(e.dir, { recursive: true, force: true });
      return this.ensure(spec, k);
    });
    const shared = spec.kind === 'base' && scaleTable(k.scale).sharedBase;
    if (this.force && (this.forceShared || !shared) && r.cached && !this.fresh.has(r.key)) {
      rmSync(r.dir, { recursive: true, force: true });
      r = await this.ensure(spec, k);
    }
    if (!r.cached && !this.fresh.has(r.key)) this.trained.push(r.key);
    this.fresh.add(r.key);
    return { ...r, format: promptFormat(spec) };
  }

  private ensure(spec: ModelSpec, k: RunKey): Promise<StageResult> {
    const o = { scale: k.scale, family: k.family, seed: k.seed, data: this.data };
    return withContext((ctx) => {
      switch (spec.kind) {
        case 'base':
          return ensureBase(ctx, o);
        case 'sft':
          return ensureSft(ctx, { ...o, method: spec.method, steps: this.sftSteps, lr: this.sftLr });
        case 'grpo':
          return ensureGrpo(ctx, { ...o, from: spec.from, sftSteps: this.sftSteps, sftLr: this.sftLr });
        case 'distill':
          return this.ensureDistill(ctx, k, spec);
      }
    });
  }

  /**
   * Table 2's "distill" baseline: no-mask SFT from the same Base on `multiplier` × N traces of the
   * same teacher (N = the SFT set), for `stepsFactor` × the SFT steps.
   */
  private async ensureDistill(ctx: GpuContext, k: RunKey, spec: { multiplier: number; stepsFactor: number }): Promise<StageResult> {
    const t = scaleTable(k.scale);
    const parent = await this.get({ kind: 'base' }, k);
    const sft = this.sftOptim(k.scale);
    const optim = withSteps(sft, Math.round(sft.steps * spec.stepsFactor));
    const key = cacheKey({
      stage: 'distill',
      model: modelConfig(k.scale, k.family, this.data.tokenizer.vocabSize),
      data: { sft: dataFingerprint(this.data), distill: distillDescriptor(this.data, spec.multiplier) },
      method: 'sft',
      hparams: { optim },
      seed: k.seed,
      parent: parent.key,
    });
    return runStage(key, { data: this.data, parent }, async (dir) => {
      const ds = distillDataset(this.data, spec.multiplier);
      const items = sftItems(ds, 'sft');
      const bar = runProgress(`distill ${k.family} seed ${k.seed} (${items.length} traces)`, optim.steps, dir, true);
      const r = await trainSupervised({
        runDir: dir,
        model: startingModel(ctx, dir, true, parent.dir, this.data.tokenizer),
        tokenizerJson: JSON.stringify(this.data.tokenizer.json),
        items,
        seqLen: neededSeqLen(items),
        optim,
        seed: k.seed,
        diagEvery: 0,
        gradVar: { every: 0, batches: 0 },
        checkpointEvery: t.checkpointEvery,
        info: { stage: 'distill', key, parent: parent.key, traces: items.length },
        resume: true,
        onStep: (s) => bar.tick(1, { loss: s.loss }),
      });
      bar.done();
      return { stage: 'distill', family: k.family, seed: k.seed, parent: parent.key, traces: items.length, steps: r.steps, finalLoss: r.losses.at(-1) };
    });
  }

  /**
   * Fig. 2: the SFT run of (k, method) — the same model Table 1 reports — and the snapshots it
   * kept along the way (lib/train/scales.ts sft.snapshots). Step 0 is the Base model, the last
   * step the finished run. Returns the points in step order and the run folder (its
   * metrics.jsonl holds losses, spikes and gradient variance).
   */
  async curve(k: RunKey, method: Method): Promise<{ key: string; dir: string; snapshots: { step: number; key: string; dir: string }[] }> {
    const base = await this.get({ kind: 'base' }, k);
    const run = await this.get({ kind: 'sft', method }, k);
    const sft = this.sftOptim(k.scale);
    const steps = curveSteps(sft.steps, sft.snapshots);
    const at = (s: number) => (s === 0 ? base.dir : s === sft.steps ? run.dir : snapshotDir(run.dir, s));
    const missing = steps.filter((s) => !existsSync(join(at(s), 'model.safetensors')));
    if (missing.length) throw new Error(`${run.dir}: the SFT run lacks its snapshots after steps ${missing.join(', ')}; rerun with --force`);
    // The end points keep their models' own keys, so their evaluations are shared with Table 1's.
    const keyAt = (s: number) => (s === 0 ? base.key : s === sft.steps ? run.key : `${run.key}@${s}`);
    return { key: run.key, dir: run.dir, snapshots: steps.map((s) => ({ step: s, key: keyAt(s), dir: at(s) })) };
  }
}
