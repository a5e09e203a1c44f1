// Float64 references for causal grouped-query attention (forward, backward, decode) and the KV
// cache append. Plain functions on Float64Array, same layouts as lib/ops/attention.ts, so the
// model's CPU reference can compose them.
export interface AttnShape {
  batch: number;
  seqLen: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

/** Returns out [B*T, Hq*Dh] and lse [B*Hq*T], plus the probabilities [B, Hq, T, T] for the backward. */
export function attentionForwardRef(q: Float64Array, k: Float64Array, v: Float64Array, s: AttnShape) {
  const { batch: B, seqLen: T, heads: Hq, kvHeads: Hkv, headDim: Dh } = s;
  const group = Hq / Hkv;
  const scale = 1 / Math.sqrt(Dh);
  const out = new Float64Array(B * T * Hq * Dh);
  const lse = new Float64Array(B * Hq * T);
  const probs = new Float64Array(B * Hq * T * T);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < Hq; h++) {
      const kvh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * Hq * Dh + h * Dh;
        const sc = new Float64Array(t + 1);
        let m = -Infinity;
        for (let j = 0; j <= t; j++) {
          const ko = (b * T + j) * Hkv * Dh + kvh * Dh;
          let d = 0;
          for (let i = 0; i < Dh; i++) d += q[qo + i] * k[ko + i];
          sc[j] = d * scale;
          m = Math.max(m, sc[j]);
        }
        let z = 0;
        for (let j = 0; j <= t; j++) z += Math.exp(sc[j] - m);
        lse[(b * Hq + h) * T + t] = m + Math.log(z);
        const pBase = ((b * Hq + h) * T + t) * T;
        for (let j = 0; j <= t; j++) {
          const p = Math.exp(sc[j] - m) / z;
          probs[pBase + j] = p;
          const vo = (b * T + j) * Hkv * Dh + kvh * Dh;
          for (let i = 0; i < Dh; i++) out[qo + i] += p * v[vo + i];
        }
      }
    }
  return { out, lse, probs };
}

/** dq, dk, dv of sum(dout * out). */
export function attentionBackwardRef(dout: Float64Array, q: Float64Array, k: Float64Array, v: Float64Array, s: AttnShape) {
  const { batch: B, seqLen: T, heads: Hq, kvHeads: Hkv, headDim: Dh } = s;
  const group = Hq / Hkv;
  const scale = 1 / Math.sqrt(Dh);
  const { probs } = attentionForwardRef(q, k, v, s);
  const dq = new Float64Array(q.length);
  const dk = new Float64Array(k.length);
  const dv = new Float64Array(v.length);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < Hq; h++) {
      const kvh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * Hq * Dh + h * Dh;
        const pBase = ((b * Hq + h) * T + t) * T;
        const dp = new Float64Array(t + 1);
        let dot = 0;
        for (let j = 0; j <= t; j++) {
          const vo = (b * T + j) * Hkv * Dh + kvh * Dh;
          let d = 0;
          for (let i = 0; i < Dh; i++) d += dout[qo + i] * v[vo + i];
          dp[j] = d;
          dot += probs[pBase + j] * d;
        }
        for (let j = 0; j <= t; j++) {
          const p = probs[pBase + j];
          const ds = p * (dp[j] - dot) * scale;
          const ko = (b * T + j) * Hkv * Dh + kvh * Dh;
          for (let i = 0; i < Dh; i++) {
            dq[qo + i] += ds * k[ko + i];
            dk[ko + i] += ds * q[qo + i];
            dv[ko + i] += p * dout[qo + i];
          }
        }
      }
    }
  return { dq, dk, dv };
}

export interface DecodeShape {
  batch: number;
  maxLen: number;
  heads: number;
  kvHeads: number;
  headDim: number;
}

/** One query per sequence against cache positions 0 .. lengths[b]-1; a zero row when lengths[b] is 0. */
export function attentionDecodeRef(q: Float64Array, kCache: Float64Array, vCache: Float64Array, lengths: ArrayLike<number>, s: DecodeShape): Float64Array {
  const { batch: B, maxLen: L, heads: Hq, kvHeads: Hkv, headDim: Dh } = s;
  const group = Hq / Hkv;
  const scale = 1 / Math.sqrt(Dh);
  const out = new Float64Array(B * Hq * Dh);
  for (let b = 0; b < B; b++) {
    const len = Math.min(lengths[b], L);
    for (let h = 0; h < Hq; h++) {
      const kvh = Math.floor(h / group);
      const qo = (b * Hq + h) * Dh;
      const sc = new Float64Array(len);
      let m = -Infinity;
      for (let j = 0; j < len; j++) {
        const ko = (b * L + j) * Hkv * Dh + kvh * Dh;
        let d = 0;
        for (let i = 0; i < Dh; i++) d += q[qo + i] * kCache[ko + i];
        sc[j] = d * scale;
        m = Math.max(m, sc[j]);
      }
      let z = 0;
      for (let j = 0; j < len; j++) z += Math.exp(sc[j] - m);
      for (let j = 0; j < len; j++) {
        const p = Math.exp(sc[j] - m) / z;
        const vo = (b * L + j) * Hkv * Dh + kvh * Dh;
        for (let i = 0; i < Dh; i++) out[qo + i] += p * vCache[vo + i];
      }
    }
  }
  return out;
}

/** In place: cache[b, lengths[b], :] = x[b, :] for k and v, then lengths[b]++ (full rows unchanged). */
export function kvAppendRef(k: Float64Array, v: Float64Array, kCache: Float64Array, vCache: Float64Array, lengths: number[], maxLen: number, kvDim: number): void {
  for (let b = 0; b < lengths.length; b++) {
    const t = lengths[b];
    if (t >= maxLen) continue;
    for (let c = 0; c < kvDim; c++) {
      kCache[(b * maxLen + t) * kvDim + c] = k[b * kvDim + c];
      vCache[(b * maxLen + t) * kvDim + c] = v[b * kvDim + c];
    }
    lengths[b] = t + 1;
  }
}
