// The one table of training and evaluation hyper-parameters per scale. Data counts (split sizes,
// eval problems per tier) belong to the world (lib/data/world/config.ts SCALES); everything that
// decides how models are trained and measured is here.
//   smoke  every script end to end in seconds on lavapipe; numbers meaningless, path real.
//   cpu    the default experiment on a 2-core CPU (~1M-parameter models).
//   paper  the paper's settings, for a real GPU.
import type { Family, Size } from '../model/config.ts';
import type { Scale } from '../util/cli.ts';
import { ADAMW_DEFAULTS } from './adamw.ts';
import type { Aggregation, AdvantageNorm } from './advantages.ts';
import { BUDGET_RULES, readBudget, type BudgetKind } from './budget.ts';

export interface OptimConfig {
  steps: number;
  /** sequences per optimizer step */
  batch: number;
  lr: number;
  warmup: number;
  /** final lr = lr · minLrRatio (cosine) */
  minLrRatio: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  maxGradNorm: number;
}

export interface GrpoConfig {
  /** rollouts per prompt (group size G) */
  groupSize: number;
  /** prompts per step */
  prompts: number;
  /** rollouts per forward/backward pass: the batch, sorted by length, goes through in micro-batches
   *  of this many sequences, each padded only to its own longest (lib/train/grpo.ts microBatches) */
  microBatch: number;
  steps: number;
  lr: number;
  /** linear warm-up steps to lr, then constant. A fresh AdamW's first updates move every weight by
   *  about lr whatever the gradient's size, so a cold start at the full lr can wreck the policy. */
  warmup: number;
  epsLow: number;
  epsHigh: number;
  /** KL coefficient to the frozen reference; 0 disables the reference entirely */
  beta: number;
  aggregation: Aggregation;
  advantageNorm: AdvantageNorm;
  /** gradient steps per batch of rollouts (μ); >1 makes the ratio differ from 1 */
  iterations: number;
  temperature: number;
  maxNewTokens: number;
  /** reward for a well-formed \boxed{} answer, added to correctness (0 disables) */
  formatReward: number;
  maxGradNorm: number;
}

export interface ScaleTable {
  size: Size;
  /** overrides the preset's context (training sequences are up to the world's maxTokens). */
  context: number;
  families: readonly Family[];
  /** one Base model per family (seed 1) shared by every seed, as in the paper; else one per seed */
  sharedBase: boolean;
  /** `packLen`: Base corpus documents packed into rows of this many tokens (lib/train/batch.ts
   *  packDocuments); absent = one document per row. */
  pretrain: OptimConfig & { packLen?: number };
  /** `snapshots`: the model is kept at this many evenly spaced points of each SFT run (Fig. 2's
   *  accuracy-vs-samples curve evaluates them; lib/train/schedule.ts curveSteps) */
  sft: OptimConfig & { epochs?: number; snapshots: number };
  grpo: GrpoConfig;
  /** cadences, in optimizer steps: "sees but does not learn" diagnostics (masked-prefix vs learned loss/entropy) cadence */
  diagEvery: number;
  /** cross-batch gradient variance: every `every` steps, K independent mini-batches */
  gradVar: { every: number; batches: number };
  checkpointEvery: number;
  eval: {
    /** max problems per tier (≤ the world's held-out count) */
    problems: number;
    /** samples per problem for pass@N */
    samples: number;
    /** pass@k values reported from the samples */
    passK: number[];
    temperature: number;
    maxNewTokens: number;
    batch: number;
  };
  entropy: { questions: number; rollouts: number; temperature: number };
  budget: { waits: number; extraTokens: number };
}

const adam = { warmup: 0, minLrRatio: 0.1, ...ADAMW_DEFAULTS };

export const SCALE_TABLE: Record<Scale, ScaleTable> = {
  smoke: {
    size: 'tiny',
    context: 256,
    families: ['qwen-like', 'llama-like'],
    sharedBase: false,
    pretrain: { ...adam, steps: 12, batch: 4, lr: 3e-3, warmup: 2 },
    sft: { ...adam, steps: 8, batch: 4, lr: 1e-3, warmup: 1, snapshots: 2 },
    grpo: {
      groupSize: 4,
      prompts: 2,
      microBatch: 4,
      steps: 3,
      lr: 1e-4,
      warmup: 0,
      epsLow: 0.2,
      epsHigh: 0.28,
      beta: 0.04,
      aggregation: 'token-mean',
      advantageNorm: 'std',
      iterations: 2,
      temperature: 1,
      maxNewTokens: 48,
      formatReward: 0,
      maxGradNorm: 1,
    },
    diagEvery: 2,
    gradVar: { every: 4, batches: 3 },
    checkpointEvery: 4,
    eval: { problems: 4, samples: 2, passK: [1, 2], temperature: 1, maxNewTokens: 48, batch: 8 },
    entropy: { questions: 3, rollouts: 2, temperature: 1 },
    budget: { waits: 1, extraTokens: 16 },
  },
  // Sized to what a 2-core machine can train in one session; why each number is what it is, with the
  // measurements behind it: docs/decisions.md. On world-3 the Base and SFT step counts below are only
  // the defaults: the pre-registered rules (lib/train/budget.ts, docs/budget-rules.md) choose them.
  cpu: {
    size: 'cpu',
    context: 256,
    families: ['qwen-like', 'llama-like'],
    sharedBase: true,
    pretrain: { ...adam, steps: 1200, batch: 16, lr: 2e-3, warmup: 30, packLen: 128 },
    sft: { ...adam, steps: 240, batch: 16, lr: 2e-3, warmup: 10, snapshots: 4 },
    grpo: {
      groupSize: 8,
      prompts: 8,
      microBatch: 16,
      steps: 16,
      lr: 5e-5,
      warmup: 4,
      epsLow: 0.2,
      epsHigh: 0.28,
      beta: 0.04,
      aggregation: 'token-mean',
      advantageNorm: 'std',
      iterations: 2,
      temperature: 1,
      maxNewTokens: 160,
      formatReward: 0,
      maxGradNorm: 1,
    },
    diagEvery: 10,
    gradVar: { every: 20, batches: 4 },
    checkpointEvery: 40,
    eval: { problems: 100, samples: 4, passK: [1, 4], temperature: 1, maxNewTokens: 160, batch: 64 },
    entropy: { questions: 25, rollouts: 8, temperature: 1 },
    budget: { waits: 1, extraTokens: 48 },
  },
  paper: {
    size: 'paper',
    context: 4096,
    families: ['qwen-like', 'llama-like'],
    sharedBase: true,
    pretrain: { ...adam, steps: 0, batch: 0, lr: 0 }, // the paper starts from released Base models
    sft: { ...adam, steps: 1250, batch: 16, lr: 1e-5, warmup: 60, weightDecay: 0, snapshots: 10 },
    grpo: {
      groupSize: 8,
      prompts: 32,
      microBatch: 16,
      steps: 300,
      lr: 1e-6,
      warmup: 0,
      epsLow: 0.2,
      epsHigh: 0.28,
      beta: 0.04,
      aggregation: 'token-mean',
      advantageNorm: 'std',
      iterations: 1,
      temperature: 1,
      maxNewTokens: 2048,
      formatReward: 0,
      maxGradNorm: 1,
    },
    diagEvery: 50,
    gradVar: { every: 100, batches: 8 },
    checkpointEvery: 250,
    eval: { problems: 1319, samples: 8, passK: [1, 4, 8], temperature: 0.6, maxNewTokens: 2048, batch: 64 },
    entropy: { questions: 500, rollouts: 8, temperature: 1 },
    budget: { waits: 1, extraTokens: 512 },
  },
};

/**
 * A scale's table with the pre-registered budget choices applied (lib/train/budget.ts,
 * docs/budget-rules.md): the Base's and the SFT runs' step counts come from
 * results/base-budget.json and results/sft-budget.json when these hold a choice for this scale and
 * world, else from SCALE_TABLE (with one printed line, outside the smoke scale). Every script that
 * trains or names a model takes its step counts from here, so all of them follow one choice.
 */
/** The `gpu` scale of the device check (scripts/device/): a few training steps of a model with
 *  Qwen2.5-0.5B's shapes (lib/model/config.ts qwen25HalfBConfig) from random weights, refused in one
 *  line when the adapter's buffer limits are too small (lib/bench/fit.ts checkTrainingFits). */
export const GPU_SCALE = { context: 1024, batch: 4, seqLen: 512, steps: 5, lr: 1e-4 } as const;

export function scaleTable(scale: Scale): ScaleTable {
  const t = SCALE_TABLE[scale];
  if (!t) throw new Error(`unknown scale ${scale} (smoke, cpu or paper)`);
  const b = budgetSources(scale);
  if (b.pretrain.steps === t.pretrain.steps && b.sft.steps === t.sft.steps) return t;
  return { ...t, pretrain: { ...t.pretrain, steps: b.pretrain.steps }, sft: { ...t.sft, steps: b.sft.steps } };
}

export interface BudgetSource {
  steps: number;
  /** where the count comes from, in words (results record it) */
  source: string;
}

const told = new Set<string>();

/** The Base, SFT and GRPO step counts of a scale and where each comes from; `sftSteps` is an
 *  explicit --sft-steps, which wins over the rule's choice and is recorded as such. GRPO has no
 *  rule: its budget is the table's, fixed and labelled exploratory (docs/budget-rules.md). */
export function budgetSources(scale: Scale, sftSteps?: number): Record<BudgetKind | 'grpo', BudgetSource> {
  const t = SCALE_TABLE[scale];
  const fallback = (kind: BudgetKind, reason: string): BudgetSource => {
    const steps = t[kind].steps;
    const line = `budget: ${reason}; the ${kind === 'sft' ? 'SFT runs' : 'Base'} use${kind === 'sft' ? '' : 's'} the ${scale} scale's default of ${steps} steps (scripts/select-budget.ts makes the pre-registered choice, docs/budget-rules.md)`;
    if (BUDGET_RULES[scale][kind] && scale !== 'smoke' && !told.has(line)) {
      told.add(line);
      process.stderr.write(line + '\n');
    }
    return { steps, source: `the scale's default (${reason})` };
  };
  const fromRule = (kind: BudgetKind): BudgetSource & { baseSteps?: number } => {
    if (!BUDGET_RULES[scale][kind]) return { steps: t[kind].steps, source: `the scale's default (the ${scale} scale has no ${kind} budget rule)` };
    const r = readBudget(kind, scale);
    if (r.steps === undefined) return fallback(kind, r.reason);
    return { steps: r.steps, source: `${r.file} (rule ${r.choice.rule.rule}, chosen from ${r.choice.rule.candidates.join(' / ')})`, baseSteps: r.choice.baseSteps };
  };
  const pretrain = fromRule('pretrain');
  let sft: BudgetSource = fromRule('sft');
  const sftBase = (sft as { baseSteps?: number }).baseSteps;
  if (sftBase !== undefined && sftBase !== pretrain.steps) sft = fallback('sft', `the SFT budget was chosen from a Base of ${sftBase} steps, the Base now has ${pretrain.steps}`);
  if (sftSteps !== undefined) sft = { steps: sftSteps, source: `--sft-steps ${sftSteps}, an explicit override (without it: ${sft.steps} steps, ${sft.source})` };
  const grpo = { steps: t.grpo.steps, source: `the ${scale} scale's fixed GRPO budget, exploratory: no rule chose it (docs/budget-rules.md)` };
  return { pretrain: { steps: pretrain.steps, source: pretrain.source }, sft: { steps: sft.steps, source: sft.source }, grpo };
}
