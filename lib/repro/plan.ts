// What each reproduction script measures at each scale, beyond the training hyper-parameters of
// lib/train/scales.ts (T's table, shared by every training script): how many held-out problems
// per tier, how many points on Fig. 2's curves, how big the "distill" baseline's data is. One
// table so the scripts never differ in how they evaluate the same model.
import type { Tier } from '../data/types.ts';
import { scaleTable } from '../train/scales.ts';
import type { Scale } from '../util/cli.ts';

export interface ReproPlan {
  /** held-out problems per tier for accuracy (greedy pass@1), capped by the world's eval set */
  evalPerTier: Record<Tier, number>;
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

const PLANS: Record<Scale, Omit<ReproPlan, 'maxNewTokens' | 'genBatch' | 'entropy' | 'budget' | 'curvePoints'> & { entropyBins: number }> = {
  smoke: { evalPerTier: { gsm8k: 4, math: 4, amc23: 3 }, curveTiers: ['gsm8k', 'math'], distill: { multiplier: 40, stepsFactor: 2 }, entropyBins: 12 },
  cpu: { evalPerTier: { gsm8k: 100, math: 100, amc23: 50 }, curveTiers: ['gsm8k', 'math'], distill: { multiplier: 40, stepsFactor: 1 }, entropyBins: 30 },
  paper: { evalPerTier: { gsm8k: 1319, math: 500, amc23: 40 }, curveTiers: ['gsm8k', 'math'], distill: { multiplier: 40, stepsFactor: 40 }, entropyBins: 40 },
};

export function reproPlan(scale: Scale): ReproPlan {
  const p = PLANS[scale];
  if (!p) throw new Error(`unknown scale ${scale} (smoke, cpu or paper)`);
  const t = scaleTable(scale);
  return {
    evalPerTier: p.evalPerTier,
    maxNewTokens: t.eval.maxNewTokens,
    genBatch: t.eval.batch,
    curvePoints: t.sft.snapshots,
    curveTiers: p.curveTiers,
    distill: p.distill,
    entropy: { ...t.entropy, bins: p.entropyBins },
    budget: t.budget,
  };
}
