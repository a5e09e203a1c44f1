// The cached stages every script shares: Base pretraining, SFT (sft | vggm | truncate) from a
// Base, GRPO from a Base or an SFT model. Each stage's model lives in .cache/models/<key>/ (see
// cache.ts), keyed by everything that determines its weights, parent key included; a finished
// one is reused, an interrupted one resumes from its last checkpoint (unless resume is off), and
// force retrains it. Force is for the stage asked for only: its parents come from the cache (a
// cached parent is exactly what retraining it would give, its key being all of its inputs), so
// `scripts/grpo.ts --force` retrains GRPO, not the Base and SFT before it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.ts';
import type { PromptFormat } from '../eval/format.ts';
import type { GpuContext } from '../gpu/index.ts';
import { loadModelFolder } from '../model/checkpoint.ts';
import { fromHfConfig, presetConfig, type Family, type ModelConfig } from '../model/config.ts';
import { loadTokenizer, type LoadedTokenizer } from '../tokenizer/index.ts';
import { Model } from '../model/model.ts';
import { progress, type Scale } from '../util/cli.ts';
import { neededSeqLen, packDocuments } from './batch.ts';
import { latestCheckpoint } from './checkpoints.ts';
import { cacheKey } from './cache.ts';
import { abandoning, openEntry, type OpenOptions } from './claim.ts';
import { dataFingerprint, grpoPrompts, pretrainItems, sftItems } from './data.ts';
import { trainGrpo } from './grpo.ts';
import { curveSteps } from './schedule.ts';
import { scaleTable, type GrpoConfig, type OptimConfig, type ScaleTable } from './scales.ts';
import { trainSupervised } from './supervised.ts';
import type { Method } from './weights.ts';

export interface StageOptions {
  scale: Scale;
  family: Family;
  seed: number;
  data: Dataset;
  /** retrain this stage even when it is cached (never its parents) */
  force?: boolean;
  /** continue an interrupted run from its last checkpoint (default true) */
  resume?: boolean;
  /** override the scale's step count (quick experiments) */
  steps?: number;
  /** SFT: override the scale's peak learning rate (scripts/sft.ts --lr, scripts/select-sft-lr.ts) */
  lr?: number;
  /** GRPO from an SFT model: its SFT parent's step count (default: the scale's), so GRPO can start
   *  from the model `scripts/sft.ts --steps N` trained */
  sftSteps?: number;
  /** GRPO from an SFT model: its SFT parent's peak learning rate (default: the scale's) */
  sftLr?: number;
  /** a Hugging Face checkpoint folder that replaces the Base stage (its tokenizer encodes the data) */
  init?: string;
  /** GRPO settings that replace the scale's (scripts/grpo.ts flags; part of the cache key) */
  grpo?: GrpoOverrides;
  /** GRPO on only the first this-many prompts of the reserve, seen again every epoch (default: all) */
  grpoReserve?: number;
}

/** The GRPO settings a user may override from the command line. */
export type GrpoOverrides = Partial<Pick<GrpoConfig, 'lr' | 'warmup' | 'prompts' | 'groupSize' | 'beta'>>;

export interface StageResult {
  key: string;
  dir: string;
  /** true when the model came from the cache */
  cached: boolean;
  done: Record<string, unknown>;
}

export type GrpoFrom = 'base' | Method;

/** A model of the pipeline: what the stages train and the reproduction scripts ask for. */
export type ModelSpec = { kind: 'base' } | { kind: 'sft'; method: Method } | { kind: 'grpo'; from: GrpoFrom } | { kind: 'distill'; multiplier: number; stepsFactor: number };

/** The prompt format a model answers in: the Base prompt for the Base and GRPO from it, the trace
 *  prompt for every model trained on teacher traces. */
export function promptFormat(spec: ModelSpec): PromptFormat {
  return spec.kind === 'base' || (spec.kind === 'grpo' && spec.from === 'base') ? 'base' : 'trace';
}

/**
 * One stage of the pipeline: the cache entry of `key` when it holds a finished model (returned as
 * it is), else `train` run in the entry's folder and what it returns recorded as the entry's
 * done.json (lib/train/claim.ts: a failed or diverged run leaves no finished entry behind).
 */
export async function runStage(key: string, open: OpenOptions, train: (dir: string) => Promise<Record<string, unknown>>): Promise<StageResult> {
  const opened = await openEntry(key, open);
  if ('hit' in opened) return opened.hit;
  const { claim } = opened;
  return claim.finish(await train(claim.dir).catch(abandoning(claim)));
}

/** The model a stage trains: its last checkpoint when it will resume one (the parent is then not
 *  read; the trainer continues in this model), else a copy of its parent. Either folder must hold
 *  `tokenizer`, the one the stage encodes its data with (lib/model/checkpoint.ts loadModelFolder). */
export function startingModel(ctx: GpuContext, dir: string, resume: boolean | undefined, parentDir: string, tokenizer: LoadedTokenizer): Model {
  const resumed = resume === false ? null : latestCheckpoint(dir);
  return loadModelFolder(ctx, resumed?.dir ?? parentDir, tokenizer).model;
}

/** An optimiser config with its step count overridden (warm-up capped to fit). */
export function withSteps<T extends OptimConfig>(o: T, steps: number | undefined): T {
  const n = steps ?? o.steps;
  return { ...o, steps: n, warmup: Math.min(o.warmup, n) };
}

/** The SFT optimiser config of a scale with a step count and a peak learning rate overridden: the
 *  one place SFT runs, the distill baseline and the results' config take it from. */
export function sftOptimConfig(scale: Scale, steps?: number, lr?: number): ScaleTable['sft'] {
  if (lr !== undefined && !(Number.isFinite(lr) && lr > 0)) throw new Error(`SFT lr ${lr} must be a positive number`);
  const o = withSteps(scaleTable(scale).sft, steps);
  return lr === undefined ? o : { ...o, lr };
}

/** The Base stage of an --init folder: its key hashes the folder's config, tokenizer and weights. */
function initStage(dir: string): StageResult {
  const h = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((f) => /^(config\.json|tokenizer\.json|.*\.safetensors)$/.test(f))
    .sort())
    h.update(f).update(readFileSync(join(dir, f)));
  const key = `init-${h.digest('hex').slice(0, 16)}`;
  return { key, dir, cached: true, done: { key, stage: 'init', dir } };
}

/** The stage's data and model shape: with --init, the folder's tokenizer and config.json. */
function stageInputs(o: StageOptions): { data: Dataset; model: ModelConfig } {
  if (!o.init) return { data: o.data, model: modelConfig(o.scale, o.family, o.data.tokenizer.vocabSize) };
  const { bosTokenId: _b, eosTokenId: _e, ...model } = fromHfConfig(readFileSync(join(o.init, 'config.json'), 'utf8'));
  return { data: { ...o.data, tokenizer: loadTokenizer(join(o.init, 'tokenizer.json')) }, model };
}

export function modelConfig(scale: Scale, family: Family, vocab: number): ModelConfig {
  const t = scaleTable(scale);
  // The tuned matmul needs every dimension a multiple of 4 (it falls back to a kernel ~18x
  // slower otherwise), and the LM head is the largest matmul: pad the vocabulary to 64, as
  // nanoGPT does. Padded ids never occur as targets, so training pushes their logits down.
  const padded = Math.ceil(vocab / 64) * 64;
  return { ...presetConfig(family, t.size, padded), context: t.context };
}

/**
 * The seed a Base model is trained with. The paper has one Base model per family and varies
 * only what follows it; scales with `sharedBase` do the same (every seed starts from the Base
 * of seed 1), so seeds measure the spread of SFT/GRPO, and pretraining is paid once.
 */
function baseSeed(o: StageOptions): number {
  return scaleTable(o.scale).sharedBase ? 1 : o.seed;
}

/** The cache key of the Base model a stage starts from (no device needed). */
export function baseKey(o: StageOptions): string {
  const t = scaleTable(o.scale);
  return cacheKey({
    stage: 'pretrain',
    model: modelConfig(o.scale, o.family, o.data.tokenizer.vocabSize),
    data: dataFingerprint(o.data),
    hparams: withSteps(t.pretrain, o.steps),
    seed: baseSeed(o),
    parent: null,
  });
}

export async function ensureBase(ctx: GpuContext, o: StageOptions): Promise<StageResult> {
  if (o.init) return initStage(o.init);
  const t = scaleTable(o.scale);
  const key = baseKey(o);
  // The Base reads the Base corpus and the tokenizer only (pretrainItems): relabelling the pool
  // or regenerating evaluation problems leaves it valid.
  return runStage(key, { force: o.force, data: o.data, reads: ['manifest', 'base', 'tokenizer'], parent: null }, async (dir) => {
    const optim = withSteps(t.pretrain, o.steps);
    const seed = baseSeed(o);
    if (optim.steps <= 0) throw new Error(`the ${o.scale} scale does not pretrain (the paper starts from released Base models): evaluate a checkpoint with --checkpoint`);
    const documents = pretrainItems(o.data);
    const items = t.pretrain.packLen ? packDocuments(documents, t.pretrain.packLen) : documents;
    const bar = runProgress(`pretrain ${o.family} seed ${seed}`, optim.steps, dir, o.resume);
    const r = await trainSupervised({
      runDir: dir,
      model: Model.init(ctx, modelConfig(o.scale, o.family, o.data.tokenizer.vocabSize), seed),
      tokenizerJson: JSON.stringify(o.data.tokenizer.json),
      items,
      seqLen: neededSeqLen(items),
      optim,
      seed,
      diagEvery: 0,
      gradVar: { every: 0, batches: 0 },
      checkpointEvery: t.checkpointEvery,
      info: { stage: 'pretrain', key, family: o.family, scale: o.scale },
      resume: o.resume ?? true,
      onStep: (s) => bar.tick(1, { loss: s.loss }),
    });
    bar.done();
    return { stage: 'pretrain', family: o.family, seed, steps: r.steps, finalLoss: r.losses.at(-1), spikes: r.spikes, seconds: r.seconds };
  });
}

export async function ensureSft(ctx: GpuContext, o: StageOptions & { method: Method; baseSteps?: number }): Promise<StageResult> {
  const t = scaleTable(o.scale);
  const parent = await ensureBase(ctx, { ...o, steps: o.baseSteps, force: false });
  const optim = sftOptimConfig(o.scale, o.steps, o.lr);
  const { data, model: shape } = stageInputs(o);
  const key = cacheKey({
    stage: 'sft',
    model: shape,
    data: dataFingerprint(data),
    method: o.method,
    hparams: { optim, diag: t.diagEvery, gradVar: t.gradVar },
    seed: o.seed,
    parent: parent.key,
  });
  return runStage(key, { force: o.force, data, parent }, async (dir) => {
    // Sequences longer than the model's context are skipped (never truncated), counted and reported.
    const all = sftItems(data, o.method);
    const items = all.filter((it) => it.inputIds.length - 1 <= shape.context);
    if (items.length < all.length) process.stderr.write(`sft: skipped ${all.length - items.length} of ${all.length} sequences longer than the context (${shape.context} tokens)\n`);
    if (!items.length) throw new Error(`no SFT sequence fits the model context of ${shape.context} tokens`);
    const model = startingModel(ctx, dir, o.resume, parent.dir, data.tokenizer);
    const bar = runProgress(`sft ${o.method} ${o.family} seed ${o.seed}`, optim.steps, dir, o.resume);
    const r = await trainSupervised({
      runDir: dir,
      model,
      tokenizerJson: JSON.stringify(data.tokenizer.json),
      items,
      seqLen: neededSeqLen(items),
      optim,
      seed: o.seed,
      diagEvery: t.diagEvery,
      gradVar: t.gradVar,
      checkpointEvery: t.checkpointEvery,
      snapshots: curveSteps(optim.steps, optim.snapshots),
      info: { stage: 'sft', method: o.method, key, parent: parent.key },
      resume: o.resume ?? true,
      onStep: (s) => bar.tick(1, { loss: s.loss }),
    });
    bar.done();
    return {
      stage: 'sft',
      method: o.method,
      family: o.family,
      seed: o.seed,
      parent: parent.key,
      skippedLong: all.length - items.length,
      steps: r.steps,
      finalLoss: r.losses.at(-1),
      spikes: r.spikes,
      seconds: r.seconds,
    };
  });
}

/** One clear line for a GRPO setting no run could use (they come from the command line). */
function checkGrpoConfig(c: GrpoConfig): void {
  const whole = (x: number, min: number) => Number.isInteger(x) && x >= min;
  if (!(Number.isFinite(c.lr) && c.lr > 0)) throw new Error(`GRPO lr ${c.lr} must be a positive number`);
  if (!whole(c.warmup, 0)) throw new Error(`GRPO warm-up ${c.warmup} must be a whole number of steps`);
  if (!whole(c.steps, 1)) throw new Error(`GRPO steps ${c.steps} must be a whole number >= 1`);
  if (!whole(c.prompts, 1)) throw new Error(`GRPO prompts per step ${c.prompts} must be a whole number >= 1`);
  if (!whole(c.microBatch, 1)) throw new Error(`GRPO micro-batch ${c.microBatch} must be a whole number >= 1`);
  if (!whole(c.groupSize, 2)) throw new Error(`GRPO group size ${c.groupSize} must be a whole number >= 2 (advantages compare rollouts within a group)`);
  if (!(Number.isFinite(c.beta) && c.beta >= 0)) throw new Error(`GRPO beta ${c.beta} must be >= 0`);
}

export async function ensureGrpo(ctx: GpuContext, o: StageOptions & { from: GrpoFrom }): Promise<StageResult> {
  const t = scaleTable(o.scale);
  const set = Object.fromEntries(Object.entries(o.grpo ?? {}).filter(([, v]) => v !== undefined));
  const cfg: GrpoConfig = { ...t.grpo, ...set, steps: o.steps ?? t.grpo.steps };
  cfg.warmup = Math.min(cfg.warmup, cfg.steps);
  checkGrpoConfig(cfg);
  const { data, model: shape } = stageInputs(o);
  const reserve = grpoPrompts(data);
  const n = o.grpoReserve ?? reserve.length;
  if (!(Number.isInteger(n) && n >= 1 && n <= reserve.length))
    throw new Error(`--reserve ${o.grpoReserve}: the GRPO reserve has ${reserve.length} prompts; give a whole number from 1 to ${reserve.length}`);
  const parent =
    o.from === 'base'
      ? await ensureBase(ctx, { ...o, steps: undefined, force: false })
      : await ensureSft(ctx, { ...o, steps: o.sftSteps, lr: o.sftLr, method: o.from, force: false });
  const key = cacheKey({
    stage: 'grpo',
    model: shape,
    data: dataFingerprint(data),
    method: o.from,
    hparams: cfg,
    seed: o.seed,
    parent: parent.key,
    ...(n < reserve.length ? { reserve: n } : {}),
  });
  return runStage(key, { force: o.force, data, parent }, async (dir) => {
    const model = startingModel(ctx, dir, o.resume, parent.dir, data.tokenizer);
    const reference = cfg.beta > 0 ? loadModelFolder(ctx, parent.dir, data.tokenizer).model : null;
    const bar = runProgress(`grpo from ${o.from} ${o.family} seed ${o.seed}`, cfg.steps, dir, o.resume);
    const r = await trainGrpo({
      runDir: dir,
      model,
      reference,
      tokenizer: data.tokenizer,
      tokenizerJson: JSON.stringify(data.tokenizer.json),
      prompts: reserve.slice(0, n),
      format: promptFormat({ kind: 'grpo', from: o.from }),
      cfg,
      seed: o.seed,
      checkpointEvery: t.checkpointEvery,
      info: { stage: 'grpo', from: o.from, key, parent: parent.key },
      resume: o.resume ?? true,
      onStep: (s) => bar.tick(1, { reward: s.reward, kl: s.kl }),
    });
    bar.done();
    const last = r.records.slice(-Math.max(1, Math.floor(r.records.length / 4)));
    const first = r.records.slice(0, Math.max(1, Math.floor(r.records.length / 4)));
    const meanReward = (xs: typeof r.records) => xs.reduce((s, x) => s + x.reward, 0) / Math.max(1, xs.length);
    return {
      stage: 'grpo',
      from: o.from,
      family: o.family,
      seed: o.seed,
      parent: parent.key,
      steps: r.steps,
      rewardFirstQuarter: meanReward(first),
      rewardLastQuarter: meanReward(last),
      seconds: r.seconds,
      rolloutSeconds: r.rolloutSeconds,
    };
  });
}

/** A progress bar for a training run in `dir` that starts its count where a resumed run left off. */
export function runProgress(label: string, total: number, dir: string, resume: boolean | undefined) {
  return progress(label, total, { start: resume === false ? 0 : (latestCheckpoint(dir)?.step ?? 0) });
}
