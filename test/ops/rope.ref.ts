// Float64 reference for lib/ops/rope.ts (Hugging Face rotate_half). invFreq is passed in so the
// reference can use exactly the f32 frequencies of ropeInvFreq(), as Hugging Face does.

/** Rotate each head's pairs (i, i + headDim/2) by sign * pos * invFreq[i]. sign -1 is the backward. */
export function ropeRef(x: Float64Array, positions: ArrayLike<number>, invFreq: ArrayLike<number>, rows: number, heads: number, headDim: number, sign = 1): Float64Array {
  const half = headDim / 2;
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < heads; h++) {
      const o = (r * heads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const angle = positions[r] * invFreq[i];
        const c = Math.cos(angle);
        const s = sign * Math.sin(angle);
        const x1 = x[o + i];
        const x2 = x[o + i + half];
        out[o + i] = x1 * c - x2 * s;
        out[o + i + half] = x2 * c + x1 * s;
      }
    }
  }
  return out;
}
