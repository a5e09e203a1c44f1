// Float64 reference for lib/ops/rmsnorm.ts.

export function rmsnormForwardRef(x: Float64Array, weight: Float64Array, rows: number, dim: number, eps: number): { out: Float64Array; rstd: Float64Array } {
  const out = new Float64Array(rows * dim);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let j = 0; j < dim; j++) ss += x[r * dim + j] ** 2;
    const s = 1 / Math.sqrt(ss / dim + eps);
    rstd[r] = s;
    for (let j = 0; j < dim; j++) out[r * dim + j] = x[r * dim + j] * s * weight[j];
  }
  return { out, rstd };
}

/** Gradients of sum(dout * rmsnorm(x, weight)) given the saved rstd. */
export function rmsnormBackwardRef(
  dout: Float64Array,
  x: Float64Array,
  weight: Float64Array,
  rstd: Float64Array,
  rows: number,
  dim: number,
): { dx: Float64Array; dweight: Float64Array } {
  const dx = new Float64Array(rows * dim);
  const dweight = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    const s = rstd[r];
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += dout[r * dim + j] * weight[j] * x[r * dim + j];
    for (let j = 0; j < dim; j++) {
      const i = r * dim + j;
      dx[i] = s * (dout[i] * weight[j] - (x[i] * s * s * dot) / dim);
      dweight[j] += dout[i] * x[i] * s;
    }
  }
  return { dx, dweight };
}
