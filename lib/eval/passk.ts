// The unbiased pass@k estimator of Chen et al. (2021, "Evaluating Large Language Models Trained
// on Code"): with n samples of which c are correct, pass@k = 1 - C(n-c, k) / C(n, k), computed
// as a product so that large n does not overflow.

export function passAtK(n: number, c: number, k: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k))) throw new Error(`pass@k needs integers, got n=${n} c=${c} k=${k}`);
  if (k < 1 || k > n) throw new Error(`pass@k needs 1 ≤ k ≤ n, got k=${k}, n=${n}`);
  if (c < 0 || c > n) throw new Error(`pass@k needs 0 ≤ c ≤ n, got c=${c}, n=${n}`);
  if (n - c < k) return 1;
  // C(n-c, k)/C(n, k) = Π_{i=n-c+1}^{n} (1 - k/i)
  let q = 1;
  for (let i = n - c + 1; i <= n; i++) q *= 1 - k / i;
  return 1 - q;
}

/** Mean pass@k over problems, each given as (samples, correct). */
export function meanPassAtK(counts: ReadonlyArray<{ n: number; c: number }>, k: number): number {
  if (counts.length === 0) return NaN;
  return counts.reduce((s, { n, c }) => s + passAtK(n, c, k), 0) / counts.length;
}
