// Fig. 1's analysis on plain arrays: token-entropy histograms, high-entropy "fork" tokens (the
// top 20% of generated tokens by entropy, after Wang et al., "Beyond the 80/20 rule"), where they
// fall in the response (normalised position, reasoning-step index) and relative to T_last.

export interface RolloutEntropy {
  /** H_t of each generated token (nats). */
  entropy: ArrayLike<number>;
  /** reasoning-step index of each generated token (0-based; see stepIndices). */
  step: ArrayLike<number>;
  /** index of the first token of the final verification segment in this rollout, or null. */
  tLast: number | null;
}

export interface Histogram {
  /** bin edges, length bins + 1. */
  edges: number[];
  counts: number[];
}

export interface ForkAnalysis {
  tokens: number;
  meanEntropy: number;
  /** entropy at the fork cut: tokens ranked above it (top `topFraction`) are forks. */
  threshold: number;
  forks: number;
  entropyHistogram: Histogram;
  /** fork tokens per normalised position bin (t / len), and the fork rate of each bin. */
  position: { edges: number[]; forks: number[]; tokens: number[]; rate: number[] };
  /** fork tokens per reasoning step (last bin holds steps ≥ maxStep), and the rate. */
  steps: { forks: number[]; tokens: number[]; rate: number[] };
  /** rollouts with a T_last: tokens and forks before / from T_last, and their mean entropies. */
  tLast: { rollouts: number; before: Region; after: Region };
}

export interface Region {
  tokens: number;
  forks: number;
  meanEntropy: number;
}

export interface ForkOptions {
  topFraction?: number;
  entropyBins?: number;
  /** upper edge of the entropy histogram; default log(vocab) is not known here, so the max seen. */
  entropyMax?: number;
  positionBins?: number;
  maxStep?: number;
}

export function histogram(xs: ArrayLike<number>, bins: number, lo: number, hi: number): Histogram {
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < xs.length; i++) {
    const b = width > 0 ? Math.floor((xs[i] - lo) / width) : 0;
    counts[Math.min(bins - 1, Math.max(0, b))]++;
  }
  return { edges, counts };
}

/** Step index of each token: a new step starts after a token that ends a line or a sentence
 *  ("." or "!" or "?" alone: the world's traces are sentences, "... = 10. Then ..."). */
export function stepIndices(tokenTexts: readonly string[]): number[] {
  const out: number[] = [];
  let step = 0;
  for (const t of tokenTexts) {
    out.push(step);
    const bare = t.trim();
    if (t.includes('\n') || bare === '.' || bare === '!' || bare === '?') step++;
  }
  return out;
}

/** Mark the top `topFraction` of all tokens by entropy (exactly ⌈f·N⌉ tokens; ties by order). */
export function forkMask(rollouts: readonly RolloutEntropy[], topFraction: number): { masks: Uint8Array[]; threshold: number } {
  const all: Array<[number, number, number]> = [];
  rollouts.forEach((r, ri) => {
    for (let t = 0; t < r.entropy.length; t++) all.push([r.entropy[t], ri, t]);
  });
  const masks = rollouts.map((r) => new Uint8Array(r.entropy.length));
  const k = Math.ceil(topFraction * all.length);
  all.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  for (let i = 0; i < k; i++) masks[all[i][1]][all[i][2]] = 1;
  return { masks, threshold: k > 0 ? all[k - 1][0] : Infinity };
}

export function analyseForks(rollouts: readonly RolloutEntropy[], opts: ForkOptions = {}): ForkAnalysis {
  const topFraction = opts.topFraction ?? 0.2;
  const pBins = opts.positionBins ?? 10;
  const maxStep = opts.maxStep ?? 10;
  const { masks, threshold } = forkMask(rollouts, topFraction);
  const flat: number[] = [];
  for (const r of rollouts) for (let t = 0; t < r.entropy.length; t++) flat.push(r.entropy[t]);
  const hiSeen = flat.reduce((m, x) => Math.max(m, x), 0);
  const entropyHistogram = histogram(flat, opts.entropyBins ?? 30, 0, opts.entropyMax ?? (hiSeen > 0 ? hiSeen : 1));

  const posForks = new Array<number>(pBins).fill(0),
    posTokens = new Array<number>(pBins).fill(0);
  const stepForks = new Array<number>(maxStep + 1).fill(0),
    stepTokens = new Array<number>(maxStep + 1).fill(0);
  const before = { tokens: 0, forks: 0, sum: 0 },
    after = { tokens: 0, forks: 0, sum: 0 };
  let withTLast = 0,
    forks = 0;
  rollouts.forEach((r, ri) => {
    const L = r.entropy.length;
    if (r.tLast !== null) withTLast++;
    for (let t = 0; t < L; t++) {
      const f = masks[ri][t];
      forks += f;
      const pb = Math.min(pBins - 1, Math.floor((t / L) * pBins));
      posTokens[pb]++;
      posForks[pb] += f;
      const sb = Math.min(maxStep, r.step[t]);
      stepTokens[sb]++;
      stepForks[sb] += f;
      if (r.tLast !== null) {
        const reg = t < r.tLast ? before : after;
        reg.tokens++;
        reg.forks += f;
        reg.sum += r.entropy[t];
      }
    }
  });
  const rate = (f: number[], n: number[]) => f.map((x, i) => (n[i] ? x / n[i] : 0));
  const region = (g: typeof before): Region => ({ tokens: g.tokens, forks: g.forks, meanEntropy: g.tokens ? g.sum / g.tokens : NaN });
  return {
    tokens: flat.length,
    meanEntropy: flat.length ? flat.reduce((a, b) => a + b, 0) / flat.length : NaN,
    threshold,
    forks,
    entropyHistogram,
    position: { edges: Array.from({ length: pBins + 1 }, (_, i) => i / pBins), forks: posForks, tokens: posTokens, rate: rate(posForks, posTokens) },
    steps: { forks: stepForks, tokens: stepTokens, rate: rate(stepForks, stepTokens) },
    tLast: { rollouts: withTLast, before: region(before), after: region(after) },
  };
}
