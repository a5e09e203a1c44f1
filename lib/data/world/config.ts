// Every parameter of the synthetic R1-style teacher world, in one place. The world stands in for
// the paper's data (OpenR1-Math-220k traces, GSM8K/MATH/AMC'23 problems) at a size a ~1M-parameter
// model on 2 CPU cores can learn from. Fix these BEFORE any method is trained and never tune them
// per method: a claim that does not reproduce is reported, not tuned into shape (docs/world.md).
//
// Design rules taken from the pilots (docs/world.md):
// - every atomic step is a fact a small model can memorise: operands are small (see `facts`);
//   difficulty comes from composing 2..6 such steps;
// - the Base corpus holds clean answers without verification: worked step-by-step equations for a
//   share of the story and chain problems (so the Base, like the paper's Qwen2.5-Base, can reason a
//   little), terse one-line answers for the rest and for every math-tier problem (so the teacher's
//   decomposition is what SFT adds), plus drills of several atomic facts each (world-2: the Base of
//   world-1 saw each of ~700 facts in ~9 drills and about 5% of its equations were right, see
//   results/README.md);
// - teacher slips are mostly SYSTEMATIC (a fixed list of mis-remembered facts, favourite wrong
//   rules) so that plain SFT can memorise them; a few are random;
// - the raw cue at T_last is rewritten to "Wait!" by the segmenter (lib/data/segment);
// - world-3: every trace's first pass ends with the same answer sentence "So the answer is
//   \boxed{X}."; a verified trace's cue comes after it, so VGGM's first learned token ("Wait!")
//   follows exactly the context at which an unverified trace ends (docs/world.md).

export type Tier = 'gsm8k' | 'math' | 'amc23';
export const TIERS: readonly Tier[] = ['gsm8k', 'math', 'amc23'];

export type SlipKind = 'fact' | 'carry' | 'borrow' | 'sign' | 'swap' | 'op';

export interface WorldConfig {
  /** Version of the world; bump when any parameter below changes (it is written to manifest.json). */
  version: string;
  /** Domain of atomic facts. add: a + b with a <= addLeftMax, 1 <= b <= operandMax; sub: a - b
   *  with a <= addLeftMax + operandMax, b <= operandMax, result >= 0; mul/div: factors 2..mulMax. */
  facts: { addLeftMax: number; operandMax: number; mulMax: number };
  /** Mix of tiers in the teacher pool and Base corpus (weights). */
  tierWeights: Record<Tier, number>;
  /** Steps per problem (inclusive ranges). gsm8k: story events; amc23: chained definitions. */
  steps: { gsm8k: [number, number]; amc23: [number, number] };
  /** Teacher slips. Systematic: mis-remembered facts (used whenever the teacher meets them, with
   *  probability pFact), the favourite wrong rules 'carry' (drops the carry), 'borrow' (subtracts
   *  the smaller digit from the larger), 'sign' (moves a term across '=' without flipping its
   *  sign). Random: 'swap' (copies a previous result with its two digits swapped), 'op' (uses +
   *  for \times). At most one slip per trace; the first that fires wins. The slip propagates to
   *  the end of the first pass (world-3; world-2 stopped 1-3 steps after it, see docs/world.md). */
  slips: {
    wrongFacts: { a: number; op: '+' | '-' | '*'; b: number; wrong: number }[];
    pFact: number;
    pCarry: number;
    pBorrow: number;
    pSign: number;
    pSwap: number;
    pOp: number;
  };
  /** Verification. A trace with a slip always verifies (final answers are always right). A clean
   *  trace has no verification with probability pNoVerifyClean (tuned so the raw pool is ~90% v=1),
   *  else a final re-check. pEarlyCheck: an extra, non-final re-check of one step mid-way.
   *  pCueless: the final segment starts with a bare recomputation of an earlier expression
   *  instead of a cue phrase (only for slips/re-checks whose first sentence repeats an expression). */
  verify: { pNoVerifyClean: number; pEarlyCheck: number; pCueless: number };
  /** Raw cue phrases the teacher uses (R1 style). The segmenter rewrites the final one to "Wait!". */
  cues: string[];
  /** Base corpus: `factDrillFraction` of the records are drills of `factsPerDrill` atomic facts
   *  ("Compute 7 \times 8, 13 + 6 and 4 - 2."); of the problems of each tier, `worked` is the
   *  fraction answered with clean worked steps ("13 + 7 = 20. 20 / 4 = 5."), the rest with the
   *  terse one-line answer. */
  base: { factDrillFraction: number; factsPerDrill: number; worked: Record<Tier, number> };
  /** Prompt + response must fit this many tokens (the cpu-scale training context); longer
   *  examples are re-drawn. Counted with the world tokenizer's pre-tokenizer (lib/tokenizer). */
  maxTokens: number;
}

export const WORLD_CONFIG: WorldConfig = {
  version: 'world-3',
  facts: { addLeftMax: 30, operandMax: 9, mulMax: 9 },
  tierWeights: { gsm8k: 0.4, math: 0.4, amc23: 0.2 },
  steps: { gsm8k: [2, 4], amc23: [4, 6] },
  slips: {
    // Both orders of each product, so the slip is a fact about the numbers, not the wording.
    wrongFacts: [
      { a: 8, op: '*', b: 4, wrong: 36 }, { a: 4, op: '*', b: 8, wrong: 36 },
      { a: 7, op: '*', b: 4, wrong: 24 }, { a: 4, op: '*', b: 7, wrong: 24 },
      { a: 3, op: '*', b: 9, wrong: 24 }, { a: 9, op: '*', b: 3, wrong: 24 },
      { a: 6, op: '*', b: 6, wrong: 32 },
      { a: 6, op: '*', b: 5, wrong: 35 }, { a: 5, op: '*', b: 6, wrong: 35 },
      { a: 8, op: '+', b: 7, wrong: 16 }, { a: 6, op: '+', b: 9, wrong: 14 },
      { a: 7, op: '+', b: 5, wrong: 13 }, { a: 9, op: '+', b: 7, wrong: 17 },
      { a: 13, op: '-', b: 6, wrong: 8 }, { a: 16, op: '-', b: 9, wrong: 8 },
      { a: 12, op: '-', b: 5, wrong: 8 }, { a: 15, op: '-', b: 7, wrong: 9 },
    ],
    pFact: 0.85,
    pCarry: 0.2,
    pBorrow: 0.2,
    pSign: 0.35,
    pSwap: 0.03,
    pOp: 0.03,
  },
  verify: { pNoVerifyClean: 0.14, pEarlyCheck: 0.2, pCueless: 0.03 },
  cues: [
    'Wait,',
    'Wait, let me check that.',
    'Wait, let me double-check.',
    'Hmm,',
    'Hmm, let me verify.',
    'Hmm, wait.',
    'Actually,',
    'Let me double-check.',
    'Let me recalculate:',
    'But wait,',
    'Hold on, let me check again.',
    'Let me verify:',
  ],
  base: { factDrillFraction: 0.5, factsPerDrill: 6, worked: { gsm8k: 0.8, math: 0, amc23: 0.4 } },
  maxTokens: 256,
};

export type ScaleName = 'smoke' | 'cpu' | 'paper';

export interface ScaleConfig {
  /** The paper's split 12 : 8 : 9.848 (v=1 SFT : v=0 SFT : GRPO reserve), times `unit`. */
  unit: number;
  /** Teacher traces generated for the raw pool (the split draws from it; ~10% are v=0, so the
   *  pool must hold at least 8*unit of them). */
  pool: number;
  /** Held-out evaluation problems per tier (paper: the benchmark sizes 1319 / 500 / 40). */
  eval: Record<Tier, number>;
  /** Development problems per tier: their own RNG stream, disjoint from the evaluation problems
   *  and from all training data; budgets and settings are chosen on them or on held-out traces,
   *  never on evaluation problems (docs/budget-rules.md). */
  dev: Record<Tier, number>;
  /** Records in the clean Base pretraining corpus. */
  base: number;
  /** Records of a held-out Base corpus (same recipe, own RNG stream, never trained on): the Base
   *  budget rule's NLL (docs/budget-rules.md). */
  baseHeldout: number;
}

export const SCALES: Record<ScaleName, ScaleConfig> = {
  smoke: { unit: 5, pool: 600, eval: { gsm8k: 20, math: 20, amc23: 10 }, dev: { gsm8k: 10, math: 10, amc23: 5 }, base: 300, baseHeldout: 40 },
  cpu: { unit: 150, pool: 15000, eval: { gsm8k: 300, math: 300, amc23: 100 }, dev: { gsm8k: 200, math: 200, amc23: 100 }, base: 20000, baseHeldout: 1000 },
  paper: { unit: 1000, pool: 100000, eval: { gsm8k: 1319, math: 500, amc23: 40 }, dev: { gsm8k: 500, math: 300, amc23: 100 }, base: 100000, baseHeldout: 2000 },
};

/** The paper's split: 12k v=1 SFT, 8k v=0 SFT, 9,848 reserved for GRPO. */
export const SPLIT_RATIO = { sft_v1: 12, sft_v0: 8, grpo: 9.848 } as const;
