// Float64 reference for lib/ops/embedding.ts.

export function embeddingForwardRef(ids: ArrayLike<number>, table: Float64Array, rows: number, dim: number, vocab: number): Float64Array {
  const out = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const id = ids[r];
    if (id < vocab) for (let d = 0; d < dim; d++) out[r * dim + d] = table[id * dim + d];
  }
  return out;
}

export function embeddingBackwardRef(ids: ArrayLike<number>, dout: Float64Array, rows: number, dim: number, vocab: number, accumulateInto?: Float64Array): Float64Array {
  const dtable = accumulateInto ? Float64Array.from(accumulateInto) : new Float64Array(vocab * dim);
  for (let r = 0; r < rows; r++) {
    const id = ids[r];
    if (id < vocab) for (let d = 0; d < dim; d++) dtable[id * dim + d] += dout[r * dim + d];
  }
  return dtable;
}
