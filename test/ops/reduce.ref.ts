// Float64 reference for lib/ops/reduce.ts.

/** Sum over rows: out[j] = sum_i x[i, j] (+ accumulateInto[j]). */
export function columnSumRef(x: Float64Array, rows: number, n: number, accumulateInto?: Float64Array): Float64Array {
  const out = accumulateInto ? Float64Array.from(accumulateInto) : new Float64Array(n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) out[j] += x[i * n + j];
  return out;
}
