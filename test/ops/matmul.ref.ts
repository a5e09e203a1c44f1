// Float64 reference for lib/ops/matmul.ts (also used to build the CPU reference model).
export interface MatmulRefOptions {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  bias?: Float64Array;
  /** Old value of out when accumulating: the result is added to it. */
  accumulateInto?: Float64Array;
}

/** op(a)[m,k] @ op(b)[k,n] (+ bias) (+ accumulateInto), row-major [m,n]. */
export function matmulRef(a: Float64Array, b: Float64Array, o: MatmulRefOptions): Float64Array {
  const { m, n, k, transA = false, transB = false, bias, accumulateInto } = o;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      }
      if (bias) s += bias[j];
      if (accumulateInto) s += accumulateInto[i * n + j];
      out[i * n + j] = s;
    }
  }
  return out;
}
