// The paper's split of the labelled pool: 12 : 8 : 9.848 for v=1 SFT, v=0 SFT and the GRPO
// reserve (12k / 8k / 9,848 in the paper), at any scale. Seeded, disjoint, and it uses the
// LABELS (what a labeller said), as the paper did with Claude's labels, never the world's truth.
import { Rng } from '../util/rng.ts';
import { SPLIT_RATIO } from './world/config.ts';
import type { Split } from './types.ts';

export interface SplitCounts {
  sft_v1: number;
  sft_v0: number;
  grpo: number;
}

/** Counts for a scale unit: round(12u), round(8u), round(9.848u). */
export function splitCounts(unit: number): SplitCounts {
  return { sft_v1: Math.round(SPLIT_RATIO.sft_v1 * unit), sft_v0: Math.round(SPLIT_RATIO.sft_v0 * unit), grpo: Math.round(SPLIT_RATIO.grpo * unit) };
}

/**
 * Assign each item a split: a seeded shuffle, then the first sft_v1 items with v=1, the first
 * sft_v0 with v=0, then grpo from what is left (either v; problems outside the SFT splits first
 * when `keys` are given); the rest are 'unused'. Returns the
 * split per input index. Throws when the pool holds too few v=1 or v=0 items.
 */
export function assignSplits(vs: readonly (0 | 1)[], want: SplitCounts, seed: number, keys?: readonly string[]): Split[] {
  const order = new Rng(seed ^ 0x5b1d).shuffle([...vs.keys()]);
  const out: Split[] = vs.map(() => 'unused');
  let n1 = 0, n0 = 0;
  for (const i of order) {
    if (vs[i] === 1 && n1 < want.sft_v1) { out[i] = 'sft_v1'; n1++; }
    else if (vs[i] === 0 && n0 < want.sft_v0) { out[i] = 'sft_v0'; n0++; }
  }
  if (n1 < want.sft_v1 || n0 < want.sft_v0)
    throw new Error(`split: the pool has ${n1} of ${want.sft_v1} v=1 and ${n0} of ${want.sft_v0} v=0 examples needed; generate a larger pool`);
  // With problem keys, the GRPO reserve prefers problems the SFT splits do not hold (the world's
  // small math kinds repeat problems), then fills up with the rest.
  const sftKeys = new Set(keys ? order.filter((i) => out[i] !== 'unused').map((i) => keys[i]) : []);
  let ng = 0;
  for (const pass of [0, 1])
    for (const i of order)
      if (out[i] === 'unused' && ng < want.grpo && (pass === 1 || !keys || !sftKeys.has(keys[i]))) { out[i] = 'grpo'; ng++; }
  if (ng < want.grpo) throw new Error(`split: the pool has only ${ng} of ${want.grpo} examples left for the GRPO reserve`);
  return out;
}
