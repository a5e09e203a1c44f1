// adamw: one AdamW step (PyTorch torch.optim.AdamW semantics) with global-norm gradient clipping.
//   clip = maxGradNorm > 0 ? min(1, maxGradNorm / sqrt(normSq[0])) : 1;   g = clip * grads[i]
//   p *= 1 - lr * wd                      (decoupled weight decay, before the Adam update)
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
// lr, bc1 = 1 - b1^t, bc2 = 1 - b2^t change every step, so they come from the stepScalars tensor
// (written before submit), not from the cached uniform Params.
//
// Bindings: 0 params, 1 params p: array<f32> [n] (read_write), 2 grads [n] (read),
//           3 m [n], 4 v [n] (read_write), 5 stepScalars [4] = (lr, bc1, bc2, unused) (read),
//           6 normSq [1] (read; from grad_norm_sq over the whole gradient)
// Dispatch: ceil(n / WG) workgroups in x, folded into y past 65535 (i = gid.x + gid.y * rowStride).
// Numerics: f32; normSq = 0 gives clip = min(1, inf) = 1.
override WG: u32 = 256;

struct Params { n: u32, rowStride: u32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, maxGradNorm: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read> stepScalars: array<f32>;
@group(0) @binding(6) var<storage, read> normSq: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * P.rowStride;
  if (i >= P.n) { return; }
  let lr = stepScalars[0];
  let bc1 = stepScalars[1];
  let bc2 = stepScalars[2];
  let clip = select(1.0, min(1.0, P.maxGradNorm / sqrt(normSq[0])), P.maxGradNorm > 0.0);
  let g = grads[i] * clip;
  let mi = P.beta1 * m[i] + (1.0 - P.beta1) * g;
  let vi = P.beta2 * v[i] + (1.0 - P.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let decayed = p[i] * (1.0 - lr * P.weightDecay);
  p[i] = decayed - (lr / bc1) * mi / (sqrt(vi) / sqrt(bc2) + P.eps);
}
