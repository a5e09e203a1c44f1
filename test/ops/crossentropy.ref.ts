// Float64 reference for the weighted, temperature-scaled log-softmax cross-entropy (lib/ops/crossentropy.ts).
export interface CrossEntropyRefOpts {
  rows: number;
  vocab: number;
  temperature: number;
  gradScale: number;
}

export function crossEntropyRef(logits: Float64Array, targets: ArrayLike<number>, weights: ArrayLike<number>, o: CrossEntropyRefOpts) {
  const { rows: N, vocab: V, temperature: T, gradScale } = o;
  const loss = new Float64Array(N),
    logprob = new Float64Array(N),
    entropy = new Float64Array(N);
  const dlogits = new Float64Array(N * V);
  for (let r = 0; r < N; r++) {
    const z = Array.from({ length: V }, (_, i) => logits[r * V + i] / T);
    const m = Math.max(...z);
    const S = z.reduce((a, zi) => a + Math.exp(zi - m), 0);
    const logp = z.map((zi) => zi - m - Math.log(S));
    logprob[r] = logp[targets[r]];
    loss[r] = weights[r] === 0 ? 0 : -weights[r] * logprob[r];
    entropy[r] = -logp.reduce((a, lp) => a + Math.exp(lp) * lp, 0);
    if (weights[r] === 0) continue;
    for (let i = 0; i < V; i++) {
      dlogits[r * V + i] = (gradScale * weights[r] * (Math.exp(logp[i]) - (i === targets[r] ? 1 : 0))) / T;
    }
  }
  return { loss, logprob, entropy, dlogits };
}
