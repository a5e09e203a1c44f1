// GRPO (Shao et al. 2024) after SFT or on Base: G rollouts per prompt from the KV-cache sampler,
// reward = the answer is right (lib/eval/answer) plus an optional format reward, group-normalised
// advantages (zero-std groups: advantage 0, counted), the clipped-ratio surrogate with an optional
// clip-higher, and a k3 KL to a frozen reference (beta = 0 drops the reference entirely).
//
// On the device, per gradient step and micro-batch (rollouts of similar length, see microBatches):
// forward → log-probs; kernels/grpo_loss.wgsl turns them (with the rollout policy's and the
// reference's log-probs, advantages and aggregation scales) into the per-token loss and the
// per-token weight that the cross-entropy gradient pass multiplies (p - onehot) by; backward
// accumulates the gradient; after the last micro-batch, AdamW. The host reads back only the
// per-token loss, KL, clip flags and entropy it logs, and the gradient norm.
import { read, write, type Tensor } from '../gpu/index.ts';
import { generate } from '../model/generate.ts';
import type { Model } from '../model/model.ts';
import { grpoLoss } from '../ops/grpo.ts';
import { gradeResponse } from '../eval/answer.ts';
import { paddingIds, promptFor, promptIds, type PromptFormat } from '../eval/format.ts';
import type { LoadedTokenizer } from '../tokenizer/index.ts';
import { AdamW, grpoAdamW } from './adamw.ts';
import { aggregationScales, groupAdvantages } from './advantages.ts';
import { packBatch } from './batch.ts';
import { latestCheckpoint, removeCheckpoints, resumeTrainingCheckpoint, saveModelFolder, saveTrainingCheckpoint, type TrainerState } from './checkpoints.ts';
import { NonFiniteError } from './health.ts';
import { MetricsLog, type MetricRecord } from './metrics.ts';
import { holdInterrupts, stopIfInterrupted } from '../util/interrupt.ts';
import { batchIndices } from './order.ts';
import { derivedSeed } from '../util/seed.ts';
import { learningRate } from './schedule.ts';
import type { GrpoConfig } from './scales.ts';

export interface GrpoPrompt {
  problem: string;
  answer: string;
}

export interface GrpoRun {
  runDir: string;
  model: Model;
  /** frozen reference (the starting policy); required when beta > 0 */
  reference: Model | null;
  tokenizer: LoadedTokenizer;
  tokenizerJson: string;
  prompts: readonly GrpoPrompt[];
  format: PromptFormat;
  cfg: GrpoConfig;
  seed: number;
  checkpointEvery: number;
  info: Record<string, unknown>;
  resume?: boolean;
  stopAfter?: number;
  onStep?: (rec: GrpoStepRecord) => void;
}

export interface GrpoStepRecord extends MetricRecord {
  kind: 'grpo';
  reward: number;
  accuracy: number;
  zeroStdFraction: number;
  /** learning rate of this step's gradient steps (warm-up, then constant) */
  lr: number;
  loss: number;
  kl: number;
  clipFraction: number;
  entropy: number;
  gradNorm: number;
  responseTokens: number;
}

/** Reward of one rollout: 1 for a right answer, plus formatReward when it has a \boxed answer. */
export function reward(answer: string, text: string, formatReward: number): { reward: number; correct: boolean } {
  const g = gradeResponse(answer, text);
  return { reward: (g.equal ? 1 : 0) + (formatReward > 0 && text.includes('\\boxed{') ? formatReward : 0), correct: g.equal };
}

interface Rollouts {
  seqs: number[][];
  promptLens: number[];
  respLens: number[];
  rewards: number[];
  correct: number;
}

async function rollout(run: GrpoRun, step: number): Promise<Rollouts> {
  const { cfg, tokenizer: tok } = run;
  const idx = batchIndices(run.seed, step, run.prompts.length, cfg.prompts);
  const ps = idx.map((i) => run.prompts[i]);
  const pids = ps.map((p) => promptIds(tok, promptFor(run.format, p.problem)));
  const batch = pids.flatMap((p) => Array.from({ length: cfg.groupSize }, () => p));
  const maxNew = Math.min(cfg.maxNewTokens, run.model.config.context - Math.max(...pids.map((p) => p.length)));
  const gens = await generate(run.model, batch, {
    suppressTokens: paddingIds(tok, run.model.config.vocab),
    maxNewTokens: maxNew,
    temperature: cfg.temperature,
    eosTokenId: tok.eosId,
    seed: derivedSeed(run.seed, 'rollout', step),
  });
  const out: Rollouts = { seqs: [], promptLens: [], respLens: [], rewards: [], correct: 0 };
  gens.forEach((g, i) => {
    const p = ps[Math.floor(i / cfg.groupSize)];
    const r = reward(p.answer, tok.decode(g.tokens), cfg.formatReward);
    out.seqs.push([...batch[i], ...g.tokens]);
    out.promptLens.push(batch[i].length);
    out.respLens.push(g.tokens.length);
    out.rewards.push(r.reward);
    out.correct += r.correct ? 1 : 0;
  });
  return out;
}

/** One forward/backward pass's share of a batch of rollouts: `batch` sequences as [batch, seqLen]
 *  rows laid out by lib/train/batch.ts packBatch (row t predicts token t+1), with per-row
 *  advantages, aggregation scales and a mask of the response targets (1, else 0). */
interface MicroBatch {
  batch: number;
  seqLen: number;
  ids: Uint32Array;
  targets: Uint32Array;
  advantage: Float32Array;
  scale: Float32Array;
  mask: Float32Array;
}

/**
 * The rollouts sorted by length and cut into micro-batches of `size` sequences, each padded only
 * to its own longest sequence (rounded up to 32: few distinct activation shapes). Rollouts vary a
 * lot in length, so this spends far less on padding than one [B, longest] batch; the gradient is
 * the same sum over tokens, accumulated across the micro-batches.
 */
export function microBatches(ro: Pick<Rollouts, 'seqs' | 'promptLens'>, advantages: ArrayLike<number>, seqScale: ArrayLike<number>, size: number, maxSeqLen: number): MicroBatch[] {
  const order = ro.seqs.map((_, i) => i).sort((a, b) => ro.seqs[a].length - ro.seqs[b].length || a - b);
  const out: MicroBatch[] = [];
  for (let first = 0; first < order.length; first += size) {
    const members = order.slice(first, first + size);
    const longest = Math.max(...members.map((i) => ro.seqs[i].length));
    const T = Math.min(maxSeqLen, Math.ceil((longest - 1) / 32) * 32);
    // Weight 1 on the response tokens: packBatch turns it into the mask of their target rows.
    const rows = packBatch(
      members.map((i) => ({
        inputIds: ro.seqs[i],
        weights: Float32Array.from(ro.seqs[i], (_, j) => (j >= ro.promptLens[i] ? 1 : 0)),
      })),
      T,
    );
    const advantage = new Float32Array(rows.weights.length),
      scale = new Float32Array(rows.weights.length);
    rows.weights.forEach((w, r) => {
      if (!w) return;
      const i = members[Math.floor(r / T)];
      advantage[r] = advantages[i];
      scale[r] = seqScale[i];
    });
    out.push({ batch: members.length, seqLen: T, ids: rows.inputs, targets: rows.targets, advantage, scale, mask: rows.weights });
  }
  return out;
}

export async function trainGrpo(run: GrpoRun): Promise<{ model: Model; steps: number; records: GrpoStepRecord[]; seconds: number; rolloutSeconds: number }> {
  const t0 = performance.now();
  let rolloutSeconds = 0; // sampling and rewards, of `seconds` (scripts/profile.ts splits GRPO by it)
  const { cfg } = run;
  if (cfg.beta > 0 && !run.reference) throw new Error('GRPO with beta > 0 needs a reference model');
  const metrics = new MetricsLog(`${run.runDir}/metrics.jsonl`);
  const { model } = run;
  const optimizer = new AdamW(model, grpoAdamW(cfg.maxGradNorm));
  let start = 0;
  const records: GrpoStepRecord[] = [];
  const latest = run.resume ? latestCheckpoint(run.runDir) : null;
  if (latest) {
    start = resumeTrainingCheckpoint(model, optimizer, latest.dir).step;
    for (const r of metrics.truncateTo(start)) if (r.kind === 'grpo') records.push(r as GrpoStepRecord);
  } else metrics.reset();
  const { ctx } = model;
  const ref = cfg.beta > 0 ? run.reference : null;
  const end = Math.min(cfg.steps, run.stopAfter ?? Infinity);
  const B = cfg.prompts * cfg.groupSize;
  const Tmax = model.config.context - 1;
  // Per-token tensors of each micro-batch, sized for its longest possible rows.
  const mbCount = Math.ceil(B / cfg.microBatch);
  const perMicroBatch = Array.from({ length: mbCount }, (_, i) => {
    const t = (name: string) => ctx.pool.alloc([cfg.microBatch * Tmax], `grpo.${name}${i}`);
    return { oldLp: t('oldLogprob'), refLp: t('refLogprob'), adv: t('advantage'), scale: t('scale'), loss: t('loss'), kl: t('kl'), clipped: t('clipped'), entropy: t('entropy') };
  });
  const state = (step: number): TrainerState => ({ step, seed: run.seed, run: run.info, grpo: cfg });

  const releaseInterrupts = holdInterrupts(); // Ctrl-C: stop at a step boundary with a checkpoint
  try {
    for (let step = start; step < end; step++) {
      await stopIfInterrupted(step, () => saveTrainingCheckpoint(run.runDir, model, optimizer, run.tokenizerJson, state(step)));
      const tRollout = performance.now();
      const ro = await rollout(run, step);
      rolloutSeconds += (performance.now() - tRollout) / 1000;
      const { advantages, zeroStdGroups, groups } = groupAdvantages(ro.rewards, cfg.groupSize, cfg.advantageNorm);
      const seqScale = aggregationScales(ro.respLens, cfg.aggregation, cfg.maxNewTokens);
      const mbs = microBatches(ro, advantages, seqScale, cfg.microBatch, Tmax).map((mb, i) => ({ ...mb, t: perMicroBatch[i] }));
      // The reference's log-probs, once per batch of rollouts. A micro-batch's activations may be
      // shared with another of the same shape, so each one is submitted before the next is written.
      for (const mb of mbs) {
        write(ctx.gpu, mb.t.adv, mb.advantage);
        write(ctx.gpu, mb.t.scale, mb.scale);
        if (!ref) continue;
        const refActs = ref.activations(mb.batch, mb.seqLen);
        ref.setBatch(refActs, mb);
        ref.forwardLogits(refActs);
        ref.loss(refActs, false);
        ctx.rec.copy(refActs.logprob, mb.t.refLp);
        ctx.rec.submit();
      }
      // logged: means over the μ gradient steps of this batch of rollouts
      const last = { loss: 0, kl: 0, clip: 0, ent: 0, gradNorm: 0 };
      const lr = learningRate(step, { peak: cfg.lr, warmup: cfg.warmup, total: cfg.steps, minRatio: 1 });
      for (let it = 0; it < cfg.iterations; it++) {
        model.zeroGrad();
        for (const mb of mbs) {
          const n = mb.batch * mb.seqLen;
          const acts = model.activations(mb.batch, mb.seqLen);
          const out = { loss: mb.t.loss, weight: acts.weights, kl: mb.t.kl, clipped: mb.t.clipped };
          model.setBatch(acts, mb);
          model.forwardLogits(acts);
          model.loss(acts, false); // current log-probs (weights are irrelevant here)
          // The first gradient step runs on the rollout policy's own weights: its log-probs are the
          // "old" ones the ratio divides by, so no separate forward pass is needed for them.
          if (it === 0) ctx.rec.copy(acts.logprob, mb.t.oldLp);
          grpoLoss(ctx, acts.logprob, mb.t.oldLp, ref ? mb.t.refLp : null, mb.t.adv, mb.t.scale, out, { n, epsLow: cfg.epsLow, epsHigh: cfg.epsHigh, beta: cfg.beta });
          model.loss(acts, true); // dlogits = weight · (p - onehot): the GRPO gradient
          ctx.rec.copy(acts.entropy, mb.t.entropy);
          model.backward(acts); // accumulates into the gradients of the whole batch
          ctx.rec.submit(); // the next micro-batch may reuse these activations: its ids are written after this
        }
        optimizer.record(lr); // records the gradient norm it clips by (optimizer.gradNorm)
        ctx.rec.submit();
        // One readback per gradient step: the logged per-token values of every micro-batch.
        const logged = await Promise.all(
          mbs.map((mb) => {
            const n = mb.batch * mb.seqLen;
            return Promise.all([mb.t.loss, mb.t.kl, mb.t.clipped, mb.t.entropy].map((x) => read(ctx.gpu, x, n)));
          }),
        );
        const gn = await optimizer.gradNorm();
        let L = 0,
          K = 0,
          C = 0,
          E = 0,
          m = 0;
        mbs.forEach((mb, j) => {
          const [loss, kl, clipped, ent] = logged[j];
          for (let i = 0; i < loss.length; i++) {
            L += loss[i];
            if (!mb.mask[i]) continue;
            m++;
            K += kl[i];
            C += clipped[i];
            E += ent[i];
          }
        });
        if (!Number.isFinite(L) || !Number.isFinite(gn))
          throw new NonFiniteError(step, Number.isFinite(L) ? 'gradient norm' : 'GRPO loss', 0, Number.isFinite(L) ? gn : L, latestCheckpoint(run.runDir)?.step ?? null);
        const w = 1 / cfg.iterations;
        last.loss += w * L;
        last.kl += w * (m ? K / m : 0);
        last.clip += w * (m ? C / m : 0);
        last.ent += w * (m ? E / m : 0);
        last.gradNorm += w * gn;
      }
      const rec: GrpoStepRecord = {
        step,
        kind: 'grpo',
        reward: ro.rewards.reduce((a, b) => a + b, 0) / ro.rewards.length,
        accuracy: ro.correct / ro.rewards.length,
        zeroStdFraction: zeroStdGroups / groups,
        lr,
        loss: last.loss,
        kl: last.kl,
        clipFraction: last.clip,
        entropy: last.ent,
        gradNorm: last.gradNorm,
        responseTokens: ro.respLens.reduce((a, b) => a + b, 0) / ro.respLens.length,
      };
      records.push(rec);
      metrics.append(rec);
      run.onStep?.(rec);
      if (run.checkpointEvery > 0 && (step + 1) % run.checkpointEvery === 0 && step + 1 < end) {
        await saveTrainingCheckpoint(run.runDir, model, optimizer, run.tokenizerJson, state(step + 1));
      }
    }
    if (end === cfg.steps) {
      await saveModelFolder(run.runDir, model, run.tokenizerJson, state(end));
      removeCheckpoints(run.runDir); // the finished model folder supersedes them
    } else await saveTrainingCheckpoint(run.runDir, model, optimizer, run.tokenizerJson, state(end));
  } finally {
    releaseInterrupts();
    for (const x of perMicroBatch.flatMap((t) => Object.values(t))) ctx.pool.free(x);
    optimizer.free(); // also resets the bind-group cache
  }
  return { model, steps: end, records, seconds: (performance.now() - t0) / 1000, rolloutSeconds };
}
