// What each reproduction script measures at each scale, beyond the training hyper-parameters of
// lib/train/scales.ts (T's table, shared by every training script): how many held-out problems
// per tier, how many points on Fig. 2's curves, how big the "distill" baseline's data is. One
// table so the scripts never differ in how they evaluate the same model.
import type { Tier } from '../data/types.ts';
import { SCALES } from '../data/world/config.ts';
import { scaleTable } from '../train/scales.ts';
import type { Scale } from '../util/cli.ts';

export interface ReproPlan {
  /** seeds when the command line names none (lib/util/cli.ts --seeds) */
  seeds: number[];
  /** held-out problems per tier for accuracy (greedy pass@1), capped by the world's eval set; at
   *  the cpu and paper scales every one the world holds (lib/data/world/config.ts SCALES) */
  evalPerTier: Record<Tier, number>;
  /** Table 1's supplementary problems per tier, from their own RNG stream
   *  (lib/data/world/supplementary.ts): more problems where the problem space allows */
  supplementary: Partial<Record<Tier, number>>;
  /** the paired differences' two-stage bootstrap (lib/report/stats.ts pairedBootstrap) */
  bootstrap: { resamples: number; level: number; power: number };
  /** the mechanism measures (lib/eval/mechanism.ts): held-out teacher traces scored teacher-forced */
  mechanismTraces: number;
  /** the ETA's cost model, seconds per unit of work, each measured alone on the 2-core machine
   *  (docs/statistics.md "Cost model"); null where never measured (the paper scale) */
  cost: CostModel | null;
  maxNewTokens: number;
  /** sequences per generation batch */
  genBatch: number;
  /** Fig. 2: SFT is evaluated after every 1/curvePoints of its run (and at step 0): the
   *  snapshots each SFT run keeps (lib/train/scales.ts sft.snapshots) */
  curvePoints: number;
  /** Fig. 2's benchmarks (the paper's panels a and b) */
  curveTiers: Tier[];
  /** Table 2's distill baseline: no-mask SFT on multiplier x N teacher traces for stepsFactor x the SFT steps */
  distill: { multiplier: number; stepsFactor: number };
  /** Fig. 1: MATH questions x rollouts at temperature */
  entropy: { questions: number; rollouts: number; temperature: number; bins: number };
  /** Sec. 3.5: forced "Wait!" rounds and the tokens allowed after each */
  budget: { waits: number; extraTokens: number };
}

export interface CostModel {
  /** seconds per optimizer step */
  pretrainStep: number;
  sftStep: number;
  grpoStep: number;
  /** seconds per greedy evaluation problem (generation and grading) */
  evalProblem: number;
  /** seconds per held-out trace scored for the mechanism's entropy */
  mechanismTrace: number;
  /** work done per second by two or more worker processes side by side, relative to one alone
   *  (lavapipe already spreads one process over both cores, so a second one adds little) */
  sideBySide: number;
}

// Measured on the 2-core machine (lavapipe), each alone: pretraining 0.71 s/step and SFT 1.1 s/step
// (results/README.md "Wall times", after the subgroup attention kernels), GRPO 9.4 s/step (a 16-step
// run from the Base in 2.5 min); evaluation and scoring: docs/statistics.md "Cost model".
const CPU_COST: CostModel = { pretrainStep: 0.85, sftStep: 1.76, grpoStep: 9.4, evalProblem: 0.05, mechanismTrace: 0.05, sideBySide: 1.25 };

const PLANS: Record<Scale, Omit<ReproPlan, 'maxNewTokens' | 'genBatch' | 'entropy' | 'budget' | 'curvePoints' | 'bootstrap'> & { entropyBins: number }> = {
  smoke: {
    seeds: [1],
    evalPerTier: { gsm8k: 4, math: 4, amc23: 3 },
    supplementary: { gsm8k: 4, amc23: 3 },
    mechanismTraces: 8,
    cost: null,
    curveTiers: ['gsm8k', 'math'],
    distill: { multiplier: 40, stepsFactor: 2 },
    entropyBins: 12,
  },
  cpu: {
    seeds: [1, 2, 3],
    evalPerTier: SCALES.cpu.eval,
    supplementary: { gsm8k: 1000, amc23: 300 },
    mechanismTraces: 128,
    cost: CPU_COST,
    curveTiers: ['gsm8k', 'math'],
    distill: { multiplier: 40, stepsFactor: 1 },
    entropyBins: 30,
  },
  paper: {
    seeds: [1, 2, 3],
    evalPerTier: SCALES.paper.eval,
    supplementary: {},
    mechanismTraces: 1024,
    cost: null,
    curveTiers: ['gsm8k', 'math'],
    distill: { multiplier: 40, stepsFactor: 40 },
    entropyBins: 40,
  },
};

export function reproPlan(scale: Scale): ReproPlan {
  const p = PLANS[scale];
  if (!p) throw new Error(`unknown scale ${scale} (smoke, cpu or paper)`);
  const t = scaleTable(scale);
  return {
    seeds: p.seeds,
    evalPerTier: p.evalPerTier,
    supplementary: p.supplementary,
    bootstrap: { resamples: 4000, level: 0.95, power: 0.8 },
    mechanismTraces: p.mechanismTraces,
    cost: p.cost,
    maxNewTokens: t.eval.maxNewTokens,
    genBatch: t.eval.batch,
    curvePoints: t.sft.snapshots,
    curveTiers: p.curveTiers,
    distill: p.distill,
    entropy: { ...t.entropy, bins: p.entropyBins },
    budget: t.budget,
  };
}
