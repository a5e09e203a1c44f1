// Float64 references for the squared gradient norm and one AdamW step (PyTorch semantics with
// global-norm clipping), as used by lib/ops/gradnorm.ts and lib/ops/adamw.ts.
export function gradNormSqRef(g: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

export interface AdamWRefOpts {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  maxGradNorm: number;
}

/** In place on p, m, v: one AdamW step number `step` (1-based) at learning rate lr. */
export function adamwRef(p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, step: number, lr: number, normSq: number, o: AdamWRefOpts): void {
  const clip = o.maxGradNorm > 0 && Number.isFinite(o.maxGradNorm) ? Math.min(1, o.maxGradNorm / Math.sqrt(normSq)) : 1;
  const bc1 = 1 - o.beta1 ** step;
  const bc2 = 1 - o.beta2 ** step;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] * clip;
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
    p[i] *= 1 - lr * o.weightDecay;
    p[i] -= ((lr / bc1) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(bc2) + o.eps);
  }
}
