// The models the reproduction scripts report, obtained through the content-addressed cache of
// lib/train (same config and seed → the same checkpoint, whichever script trained it). Three
// things are added here:
//   - each stage runs on its own GpuContext, destroyed afterwards, so a script that trains or
//     loads a dozen models does not keep a dozen models' activations on the device;
//   - --force retrains each model once per process (in the order the script asks for them, which
//     is parents first), instead of once per stage that depends on it;
//   - two stages of our own, both built from lib/train's trainer: Table 2's "distill" baseline
//     (no-mask SFT on 40× the teacher traces) and Fig. 2's SFT run evaluated along the way
//     (segments of one run, resumed from its own checkpoints, with a model snapshot at each point).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import { GpuContext } from '../gpu/context.ts';
import { acquireGpu } from '../gpu/device.ts';
import type { Family } from '../model/config.ts';
import { loadCheckpoint } from '../model/checkpoint.ts';
import { Model } from '../model/model.ts';
import { neededSeqLen } from '../train/batch.ts';
import { cacheDir, cacheKey, DONE_FILE, isCached, readDone } from '../train/cache.ts';
import { saveModelFolder } from '../train/checkpoints.ts';
import { dataFingerprint, sftItems } from '../train/data.ts';
import { ensureBase, ensureGrpo, ensureSft, modelConfig, type GrpoFrom, type StageResult } from '../train/pipeline.ts';
import { scaleTable, type OptimConfig } from '../train/scales.ts';
import { trainSupervised } from '../train/supervised.ts';
import type { Method } from '../train/weights.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { progress, type Scale } from '../util/cli.ts';
import { distillDataset, distillDescriptor } from './distill.ts';

export type ModelSpec =
  | { kind: 'base' }
  | { kind: 'sft'; method: Method }
  | { kind: 'grpo'; from: GrpoFrom }
  | { kind: 'distill'; multiplier: number; stepsFactor: number };

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

function withSteps(o: OptimConfig, steps: number): OptimConfig {
  return { ...o, steps, warmup: Math.min(o.warmup, steps) };
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
   */
  constructor(readonly data: Dataset, readonly force = false, readonly forceShared = true) {}

  /** A model, from the cache or trained now (its parents first, when they are missing). */
  async get(spec: ModelSpec, k: RunKey): Promise<ModelRef> {
    let r = await this.ensure(spec, k);
    const shared = spec.kind === 'base' && scaleTable(k.scale).sharedBase;
    if (this.force && (this.forceShared || !shared) && r.cached && !this.fresh.has(r.key)) {
      rmSync(r.dir, { recursive: true, force: true });
      r = await this.ensure(spec, k);
    }
    if (!r.cached && !this.fresh.has(r.key)) this.trained.push(r.key);
    this.fresh.add(r.key);
    const format = spec.kind === 'base' || (spec.kind === 'grpo' && spec.from === 'base') ? 'base' : 'trace';
    return { ...r, format };
  }

  private ensure(spec: ModelSpec, k: RunKey): Promise<StageResult> {
    const o = { scale: k.scale, family: k.family, seed: k.seed, data: this.data };
    return withContext((ctx) => {
      switch (spec.kind) {
        case 'base':
          return ensureBase(ctx, o);
        case 'sft':
          return ensureSft(ctx, { ...o, method: spec.method });
        case 'grpo':
          return ensureGrpo(ctx, { ...o, from: spec.from });
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
    const optim = withSteps(t.sft, Math.round(t.sft.steps * spec.stepsFactor));
    const key = cacheKey({
      stage: 'distill', model: modelConfig(k.scale, k.family, this.data.tokenizer.vocabSize),
      data: { sft: dataFingerprint(this.data), distill: distillDescriptor(this.data, spec.multiplier) },
      method: 'sft', hparams: { optim }, seed: k.seed, parent: parent.key,
    });
    const dir = cacheDir(key);
    if (isCached(key)) return { key, dir, cached: true, done: readDone(key)! };
    const ds = distillDataset(this.data, spec.multiplier);
    const items = sftItems(ds, 'sft');
    const bar = progress(`distill ${k.family} seed ${k.seed} (${items.length} traces)`, optim.steps);
    const r = await trainSupervised({
      runDir: dir, model: new Model(ctx, loadCheckpoint(ctx, parent.dir).params), tokenizerJson: JSON.stringify(this.data.tokenizer.json),
      items, seqLen: neededSeqLen(items), optim, seed: k.seed, diagEvery: 0, gradVar: { every: 0, batches: 0 },
      checkpointEvery: t.checkpointEvery, info: { stage: 'distill', key, parent: parent.key, traces: items.length }, resume: true,
      onStep: (s) => bar.tick(1, { loss: s.loss }),
    });
    bar.done();
    const done = { key, stage: 'distill', family: k.family, seed: k.seed, parent: parent.key, traces: items.length, steps: r.steps, finalLoss: r.losses.at(-1), seconds: r.seconds, finishedAt: new Date().toISOString() };
    writeJsonAtomic(join(dir, DONE_FILE), done);
    return { key, dir, cached: false, done };
  }

  /**
   * Fig. 2: one SFT run of the scale's length, trained in segments that end at `steps` (resumed
   * from the run's own checkpoint each time, so the run is the uninterrupted one), with a model
   * snapshot at every point. Step 0 is the Base model. Returns the snapshots in step order and
   * the run folder (its metrics.jsonl holds losses, spikes and gradient variance).
   */
  async curve(k: RunKey, method: Method, steps: number[]): Promise<{ key: string; dir: string; snapshots: { step: number; dir: string }[] }> {
    const t = scaleTable(k.scale);
    const base = await this.get({ kind: 'base' }, k);
    const optim = t.sft;
    const points = [...new Set(steps)].sort((a, b) => a - b);
    if (points.some((s) => !Number.isInteger(s) || s < 0 || s > optim.steps)) throw new Error(`curve points must be integers in [0, ${optim.steps}], got ${points.join(', ')}`);
    const key = cacheKey({
      stage: 'sft-curve', model: modelConfig(k.scale, k.family, this.data.tokenizer.vocabSize), data: dataFingerprint(this.data), method,
      hparams: { optim, diag: t.diagEvery, gradVar: t.gradVar, points }, seed: k.seed, parent: base.key,
    });
    const dir = cacheDir(key);
    if (this.force && !this.fresh.has(key)) rmSync(dir, { recursive: true, force: true });
    this.fresh.add(key);
    const snapDir = (s: number) => (s === 0 ? base.dir : join(dir, 'snapshots', `step-${String(s).padStart(7, '0')}`));
    const have = (s: number) => s === 0 || existsSync(join(snapDir(s), 'snapshot.json'));
    if (isCached(key) && !points.every(have)) throw new Error(`${dir}: finished but lacks snapshots of ${points.filter((s) => !have(s)).join(', ')}; rerun with --force`);
    if (!isCached(key)) {
      const items = sftItems(this.data, method);
      const tok = JSON.stringify(this.data.tokenizer.json);
      const bar = progress(`sft ${method} ${k.family} seed ${k.seed} (curve)`, optim.steps);
      let last: Awaited<ReturnType<typeof trainSupervised>> | null = null;
      for (const s of points.filter((s) => s > 0 && !have(s))) {
        last = await withContext(async (ctx) => {
          const r = await trainSupervised({
            runDir: dir, model: new Model(ctx, loadCheckpoint(ctx, base.dir).params), tokenizerJson: tok, items, seqLen: neededSeqLen(items), optim,
            seed: k.seed, diagEvery: t.diagEvery, gradVar: t.gradVar, checkpointEvery: t.checkpointEvery,
            info: { stage: 'sft-curve', method, key, parent: base.key }, resume: true, stopAfter: s === optim.steps ? undefined : s,
            onStep: (rec) => bar.tick(1, { loss: rec.loss }),
          });
          await saveModelFolder(snapDir(s), r.model, tok);
          writeJsonAtomic(join(snapDir(s), 'snapshot.json'), { step: s, samples: s * optim.batch, key });
          return r;
        });
      }
      bar.done();
      if (last) this.trained.push(key);
      writeJsonAtomic(join(dir, DONE_FILE), {
        key, stage: 'sft-curve', method, family: k.family, seed: k.seed, parent: base.key, points,
        steps: last?.steps, spikes: last?.spikes, finishedAt: new Date().toISOString(),
      });
    }
    return { key, dir, snapshots: points.map((s) => ({ step: s, dir: snapDir(s) })) };
  }
}
