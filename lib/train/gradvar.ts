// Cross-batch gradient variance: the paper argues that SFT on errorful traces inflates gradient
// variance ("tug-of-war" between wrong steps and their corrections) but never measures it. At a
// fixed cadence the trainer computes the gradients of K independent mini-batches at the current
// weights (no optimizer step) and reports their spread with this estimator.

export interface GradientVariance {
  /** K mini-batches measured. */
  k: number;
  /** tr Cov(g) estimate: Σ_k ||g_k - ḡ||² / (K-1)  (unbiased). */
  variance: number;
  /** ||ḡ||² of the mean gradient. */
  meanGradNormSq: number;
  /** mean of ||g_k||². */
  meanNormSq: number;
  /** variance / ||ḡ||²: noise-to-signal ratio of one mini-batch gradient. */
  noiseToSignal: number;
  /** mean cosine between each g_k and the mean of the others (a scale-free agreement measure). */
  meanCosineToRest: number;
}

export function gradientVariance(grads: readonly ArrayLike<number>[]): GradientVariance {
  const K = grads.length;
  if (K < 2) throw new Error(`gradient variance needs ≥ 2 mini-batches, got ${K}`);
  const n = grads[0].length;
  for (const g of grads) if (g.length !== n) throw new Error(`gradients of different sizes: ${g.length} vs ${n}`);
  const mean = new Float64Array(n);
  for (const g of grads) for (let i = 0; i < n; i++) mean[i] += g[i];
  for (let i = 0; i < n; i++) mean[i] /= K;
  let dev = 0,
    meanNormSq = 0,
    meanGradNormSq = 0,
    cos = 0;
  for (let i = 0; i < n; i++) meanGradNormSq += mean[i] * mean[i];
  for (const g of grads) {
    let nn = 0,
      gr = 0,
      rr = 0;
    for (let i = 0; i < n; i++) {
      const d = g[i] - mean[i];
      dev += d * d;
      nn += g[i] * g[i];
      const rest = (K * mean[i] - g[i]) / (K - 1);
      gr += g[i] * rest;
      rr += rest * rest;
    }
    meanNormSq += nn / K;
    cos += nn > 0 && rr > 0 ? gr / Math.sqrt(nn * rr) / K : 0;
  }
  const variance = dev / (K - 1);
  return { k: K, variance, meanGradNormSq, meanNormSq, noiseToSignal: meanGradNormSq > 0 ? variance / meanGradNormSq : Infinity, meanCosineToRest: cos };
}
