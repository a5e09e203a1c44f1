// GRPO's group-normalised advantages and the aggregation scales of the per-token loss.
// Rewards come in groups of G rollouts of the same prompt, laid out group after group.

export type AdvantageNorm = 'std' | 'none';
export type Aggregation = 'token-mean' | 'seq-mean' | 'dr-grpo';
export const AGGREGATIONS: readonly Aggregation[] = ['token-mean', 'seq-mean', 'dr-grpo'];

export interface GroupAdvantages {
  /** one advantage per rollout. */
  advantages: Float64Array;
  /** groups whose rewards are all equal: no learning signal, advantage set to exactly 0. */
  zeroStdGroups: number;
  groups: number;
}

/**
 * A_i = (r_i - mean_g) / std_g within each group (std: sample standard deviation, n-1), or
 * A_i = r_i - mean_g with norm 'none' (Dr.GRPO). A group whose rewards are all equal gets
 * advantage 0 explicitly (no division by ~0) and is counted.
 */
export function groupAdvantages(rewards: ArrayLike<number>, groupSize: number, norm: AdvantageNorm = 'std'): GroupAdvantages {
  if (groupSize < 2) throw new Error(`GRPO needs a group size ≥ 2, got ${groupSize}`);
  if (rewards.length % groupSize !== 0) throw new Error(`${rewards.length} rewards are not whole groups of ${groupSize}`);
  const groups = rewards.length / groupSize;
  const advantages = new Float64Array(rewards.length);
  let zeroStdGroups = 0;
  for (let g = 0; g < groups; g++) {
    const o = g * groupSize;
    let mean = 0;
    for (let i = 0; i < groupSize; i++) mean += rewards[o + i];
    mean /= groupSize;
    let ss = 0;
    let allEqual = true;
    for (let i = 0; i < groupSize; i++) {
      ss += (rewards[o + i] - mean) ** 2;
      if (rewards[o + i] !== rewards[o]) allEqual = false;
    }
    if (allEqual) {
      zeroStdGroups++;
      continue; // advantages stay 0
    }
    const std = Math.sqrt(ss / (groupSize - 1));
    for (let i = 0; i < groupSize; i++) {
      advantages[o + i] = norm === 'std' ? (rewards[o + i] - mean) / std : rewards[o + i] - mean;
    }
  }
  return { advantages, zeroStdGroups, groups };
}

/**
 * Per-rollout loss scale so that Σ_i Σ_{t<|o_i|} scale_i · ℓ_t is the aggregated loss:
 *   token-mean  1 / Σ_i |o_i|            (every generated token weighs the same, DAPO)
 *   seq-mean    1 / (n · |o_i|)          (original GRPO: mean over tokens, then over rollouts)
 *   dr-grpo     1 / (n · maxLen)         (Dr.GRPO: a constant, no length bias)
 */
export function aggregationScales(lengths: ArrayLike<number>, mode: Aggregation, maxLen: number): Float64Array {
  const n = lengths.length;
  const out = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += lengths[i];
  for (let i = 0; i < n; i++) {
    if (lengths[i] === 0) continue;
    if (mode === 'token-mean') out[i] = 1 / total;
    else if (mode === 'seq-mean') out[i] = 1 / (n * lengths[i]);
    else out[i] = 1 / (n * maxLen);
  }
  return out;
}
