// Float64 reference for what lib/ops/sample.ts draws from: the distribution softmax(logits / T)
// restricted to the top-k set (ties with the k-th value kept) and then to the top-p nucleus
// (smallest most-likely set whose renormalised mass reaches topP, ties with its last value kept).
export interface SampleRefOpts {
  temperature: number;
  topK: number;
  topP: number;
}

export function argmaxRef(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Probabilities over the vocabulary (0 outside the kept set), summing to 1. */
export function samplingDistributionRef(row: ArrayLike<number>, { temperature, topK, topP }: SampleRefOpts): Float64Array {
  const V = row.length;
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => row[b] - row[a]);
  let kept = new Set(order);
  if (topK > 0 && topK < V) {
    const kth = row[order[topK - 1]];
    kept = new Set(order.filter((i) => row[i] >= kth));
  }
  const m = row[order[0]] / temperature;
  const e = Float64Array.from(row, (x) => Math.exp(x / temperature - m));
  if (topP < 1) {
    const inK = order.filter((i) => kept.has(i));
    const total = inK.reduce((a, i) => a + e[i], 0);
    let cum = 0;
    let last = inK[inK.length - 1];
    for (const i of inK) {
      cum += e[i];
      if (cum >= topP * total) {
        last = i;
        break;
      }
    }
    kept = new Set(inK.filter((i) => row[i] >= row[last]));
  }
  const p = new Float64Array(V);
  let z = 0;
  for (const i of kept) z += e[i];
  for (const i of kept) p[i] = e[i] / z;
  return p;
}

/**
 * Pearson's chi-square statistic of observed counts against expected probabilities over the
 * cells with p > 0, and its degrees of freedom; a count in a p = 0 cell makes it Infinity.
 */
export function chiSquare(counts: ArrayLike<number>, p: ArrayLike<number>): { stat: number; df: number } {
  const n = Array.from(counts).reduce((a, b) => a + b, 0);
  let stat = 0,
    cells = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) {
      if (counts[i] > 0) return { stat: Infinity, df: 0 };
      continue;
    }
    cells++;
    stat += (counts[i] - n * p[i]) ** 2 / (n * p[i]);
  }
  return { stat, df: cells - 1 };
}
