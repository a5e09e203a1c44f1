// The paper's numbers ("Model Sees but Does Not Learn"), typed once here, each with the table or
// section it comes from. data/paper/excerpts.md quotes the passages they are read from, and
// test/repro/repro.test.ts checks every number below against those quotes. The reproduction
// scripts put them beside ours; nothing else may hard-code a paper number.
import type { Tier } from '../data/types.ts';

export type Benchmarks = Record<Tier, number>;

/** The paper, and the file in this repository that quotes its numbers. */
export const PAPER_SOURCE = {
  title: 'Model Sees but Does Not Learn: Eliminating Error Propagation in Reasoning Distillation',
  authors: 'Jaeun Jang, Hansle Lee, Wonjun Cho, Sangmin Kim (Hanwha Systems, AI Research Team)',
  excerpts: 'data/paper/excerpts.md',
} as const;

const b = (gsm8k: number, math: number, amc23: number): Benchmarks => ({ gsm8k, math, amc23 });

/** Table 1: "Benchmark performance" (Qwen2.5-7B-Base student), accuracy in %. */
export const PAPER_TABLE1 = {
  source: 'Table 1 (Qwen2.5-7B-Base), accuracy %',
  rows: {
    base: b(66.2, 46.5, 28.2), // Base (No SFT)
    base_grpo: b(74.2, 50.5, 30.1), // Base + GRPO
    sft: b(78.2, 67.8, 52.3), // SFT (No Masking)
    sft_grpo: b(80.7, 69.0, 54.1), // SFT (No Masking) + GRPO
    vggm: b(83.1, 71.3, 58.7), // SFT (VGGM)
    vggm_grpo: b(87.3, 74.9, 62.7), // SFT (VGGM) + GRPO
  },
} as const;

/**
 * Table 2: "Comparison of VGGM-trained models with DeepSeek-R1 distillation models", accuracy %.
 * The paper prints no Qwen Base or Qwen no-mask row in Table 2; those two come from Table 1
 * (same model, same protocol) and are marked so. DeepSeek-R1-Distill-Qwen's student is
 * Qwen2.5-Math-7B-Base, not Qwen2.5-7B-Base.
 */
export const PAPER_TABLE2 = {
  source: 'Table 2, accuracy %',
  'llama-like': {
    base: b(45.1, 19.8, 12.3), // Llama3.1-8B
    sft: b(74.1, 57.9, 45.2), // + SFT (No Masking, 20k)
    vggm: b(79.1, 62.9, 50.4), // + SFT (VGGM, 20k)
    distill: b(83.4, 68.4, 57.2), // DeepSeek-R1-Distill-Llama (No Masking, 800k)
  },
  'qwen-like': {
    base: b(66.2, 46.5, 28.2), // from Table 1
    sft: b(78.2, 67.8, 52.3), // from Table 1
    vggm: b(83.1, 71.3, 58.7), // Qwen2.5-7B + SFT (VGGM, 20k)
    distill: b(89.2, 76.7, 65.8), // DeepSeek-R1-Distill-Qwen (No Masking, 800k; Qwen2.5-Math-7B-Base)
  },
  fromTable1: { 'qwen-like': ['base', 'sft'] },
} as const;

/** Sec. 3.5: accuracy change (percentage points) from one "Wait!" of budget forcing. */
export const PAPER_BUDGET_FORCING = {
  source: 'Sec. 3.5, change in accuracy (pp) from one forced "Wait!"',
  sft: b(-0.9, 0.6, 0.2),
  vggm: b(1.1, 2.3, 1.8),
} as const;

/**
 * Sec. 3.3 / Fig. 2: the number of SFT samples seen where accuracy peaks. The paper's runs see
 * 20k samples (12k v=1 + 8k v=0), so the peaks are also given as a share of the run.
 */
export const PAPER_FIG2 = {
  source: 'Sec. 3.3 (Fig. 2 a, b): samples seen at peak accuracy',
  runSamples: 20_000,
  peakSamples: { sft: { gsm8k: 9_000, math: 12_000 }, vggm: { gsm8k: 15_000, math: 19_000 } },
} as const;

/** Sec. 2 and 3.4: the data sizes. */
export const PAPER_DATA = {
  source: 'Sec. 2 (splits) and Sec. 3.4 (distillation)',
  sftV1: 12_000,
  sftV0: 8_000,
  grpo: 9_848,
  /** DeepSeek-R1-Distill's training set: 40x the 20k SFT samples. */
  distill: 800_000,
  distillMultiplier: 40,
} as const;

/** The paper's claims in words, per results file, shown under "What the paper reports". */
export const PAPER_CLAIMS: Record<string, string[]> = {
  table1: [
    'VGGM beats no-mask SFT on all three benchmarks (83.1/71.3/58.7 vs 78.2/67.8/52.3), and gains more from GRPO (+4.2/+3.6/+4.0 vs +2.5/+1.2/+1.8).',
    'GRPO on Base gains least (+8.0/+4.0/+1.9) and stays far below either SFT.',
  ],
  table2: [
    'With the same 20k samples VGGM closes about half of the gap between no-mask SFT and 40x-data distillation (Llama: 79.1/62.9/50.4 between 74.1/57.9/45.2 and 83.4/68.4/57.2).',
  ],
  fig1: [
    'Standard SFT collapses token entropy across the whole sequence; VGGM keeps substantially higher entropy, mainly early in the trace.',
    'High-entropy fork tokens occur mostly early in the reasoning trace.',
  ],
  fig2: [
    'No-mask accuracy peaks early (9k / 12k samples on GSM8K / MATH) then declines; VGGM improves until 15k / 19k.',
    'No-mask SFT shows frequent loss spikes; VGGM a smooth downward loss. (The paper does not measure gradient variance; it argues it is inflated without masking.)',
  ],
  budget_forcing: ['One "Wait!" changes SFT by -0.9 / +0.6 / +0.2 pp and VGGM by +1.1 / +2.3 / +1.8 pp (GSM8K / MATH / AMC\'23).'],
};
