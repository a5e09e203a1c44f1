// grpo_loss: per-token GRPO surrogate loss and the loss weight that turns the cross-entropy
// gradient kernel into the GRPO gradient.
//
// For a generated token t with current log-prob lp, rollout-policy log-prob old, reference
// log-prob ref, advantage A and aggregation scale s (0 on prompt/pad rows; 1/Σ|o| for
// token-mean, 1/(G·Lmax) for Dr.GRPO):
//   r  = exp(lp - old)                        (log-ratio clamped to ±CLAMP before exp)
//   J  = min(r·A, clamp(r, 1-epsLow, 1+epsHigh)·A)
//   d  = ref - lp (clamped to ±CLAMP);  k3 = exp(d) - d - 1          (KL estimator, ≥ 0)
//   loss[t]   = -s · (J - beta·k3)
//   weight[t] = -dloss/dlp = s · (g - beta·(1 - exp(d))),  g = r·A when the unclipped term is
//               the min (ties included), 0 when the clipped term is strictly smaller.
// crossEntropy then writes dlogits = weight·(p - onehot)/T, which is dloss/dlogits, because
// it treats its loss as -weight·lp.
//
// Bindings: 0 params {n, rowStride, epsLow, epsHigh, beta}
//           1 logprob [n] (read)  2 oldLogprob [n] (read)  3 refLogprob [n] (read; with beta=0
//           the launcher binds logprob here)  4 advantage [n] (read)  5 scale [n] (read)
//           6 loss [n] (write)  7 weight [n] (write)  8 kl [n] (write: k3, unscaled)
//           9 clipped [n] (write: 1 where the clipped term is active, else 0)
// Dispatch: ceil(n / WG) workgroups in x (folded into y above 65535, see lib/ops/grid.ts).
// Numerics: f32; log-ratios clamped to ±20 so exp never overflows (exp(20) ≈ 4.9e8).
override WG: u32 = 256;
const CLAMP: f32 = 20.0;

struct Params { n: u32, rowStride: u32, epsLow: f32, epsHigh: f32, beta: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> logprob: array<f32>;
@group(0) @binding(2) var<storage, read> oldLogprob: array<f32>;
@group(0) @binding(3) var<storage, read> refLogprob: array<f32>;
@group(0) @binding(4) var<storage, read> advantage: array<f32>;
@group(0) @binding(5) var<storage, read> scale: array<f32>;
@group(0) @binding(6) var<storage, read_write> loss: array<f32>;
@group(0) @binding(7) var<storage, read_write> weight: array<f32>;
@group(0) @binding(8) var<storage, read_write> kl: array<f32>;
@group(0) @binding(9) var<storage, read_write> clipped: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * P.rowStride;
  if (i >= P.n) { return; }
  let lp = logprob[i];
  let a = advantage[i];
  let s = scale[i];
  let r = exp(clamp(lp - oldLogprob[i], -CLAMP, CLAMP));
  let unclippedTerm = r * a;
  let clippedTerm = clamp(r, 1.0 - P.epsLow, 1.0 + P.epsHigh) * a;
  let isClipped = clippedTerm < unclippedTerm;
  let j = min(unclippedTerm, clippedTerm);
  let g = select(unclippedTerm, 0.0, isClipped);
  let d = clamp(refLogprob[i] - lp, -CLAMP, CLAMP);
  let ed = exp(d);
  let k3 = ed - d - 1.0;
  loss[i] = -s * (j - P.beta * k3);
  weight[i] = s * (g - P.beta * (1.0 - ed));
  kl[i] = k3;
  clipped[i] = select(0.0, 1.0, isClipped);
}
