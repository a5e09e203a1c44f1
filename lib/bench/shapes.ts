// The matrix products one training step of a model performs, so the benchmark can time our
// kernels (and the peer's sgemm) at exactly the shapes the model uses.
import { headDim, type ModelConfig } from '../model/config.ts';

export interface MatmulShape {
  name: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  /** How many times one training step runs this product. */
  count: number;
}

/**
 * Forward (y = x W^T), input gradient (dx = dy W) and weight gradient (dW = dy^T x) of every
 * linear layer, for `rows` = batch * seqLen tokens. Projections of the same shape are merged
 * (their counts add up), so the list stays short.
 */
export function modelMatmuls(c: ModelConfig, rows: number): MatmulShape[] {
  const dh = headDim(c);
  const linears: { name: string; out: number; in: number; count: number }[] = [
    { name: 'q', out: c.heads * dh, in: c.dModel, count: c.layers },
    { name: 'kv', out: c.kvHeads * dh, in: c.dModel, count: 2 * c.layers },
    { name: 'o', out: c.dModel, in: c.heads * dh, count: c.layers },
    { name: 'gate_up', out: c.ffn, in: c.dModel, count: 2 * c.layers },
    { name: 'down', out: c.dModel, in: c.ffn, count: c.layers },
    { name: 'lm_head', out: c.vocab, in: c.dModel, count: 1 },
  ];
  const out = new Map<string, MatmulShape>();
  const add = (s: MatmulShape) => {
    const key = `${s.m}x${s.n}x${s.k}${s.transA ? 'ta' : ''}${s.transB ? 'tb' : ''}`;
    const seen = out.get(key);
    if (seen) seen.count += s.count;
    else out.set(key, s);
  };
  for (const l of linears) {
    add({ name: `${l.name}_fwd`, m: rows, n: l.out, k: l.in, transA: false, transB: true, count: l.count });
    add({ name: `${l.name}_dx`, m: rows, n: l.in, k: l.out, transA: false, transB: false, count: l.count });
    add({ name: `${l.name}_dw`, m: l.out, n: l.in, k: rows, transA: true, transB: false, count: l.count });
  }
  return [...out.values()];
}

/** The shape string the peer (scripts/peers/sgemm.py) parses: MxNxK with optional :ta / :tb. */
export function shapeArg(s: Pick<MatmulShape, 'm' | 'n' | 'k' | 'transA' | 'transB'>): string {
  return `${s.m}x${s.n}x${s.k}${s.transA ? ':ta' : ''}${s.transB ? ':tb' : ''}`;
}
