// cross_entropy: fused log-softmax cross-entropy with a per-token loss weight (the weight vector is
// how every training method is expressed), plus logprob and entropy at a temperature.
//   z = logits[r,:] / temperature,  p = softmax(z)
//   logprob[r] = log p[target[r]];  loss[r] = -weight[r] * logprob[r];  entropy[r] = -sum_i p_i log p_i
//   dlogits[r,i] = gradScale * weight[r] * (p_i - [i == target[r]]) / temperature   (entry `main` only)
// A weight-0 row gets loss 0 and a dlogits row of exact zeros (written explicitly, not computed), even
// when its target is out of range (padding); an out-of-range target gives logprob NaN.
//
// Logits larger than one storage binding are bound in pieces of whole rows (the vocabulary stays
// whole, so each row's softmax is computed exactly as unsplit), one dispatch per piece: logits and
// dlogits are views of rows row0..row0+N-1, while the per-row vectors are bound whole and indexed
// at row0 + row (they are small, and a view of them would need row0 to be a multiple of 64).
//
// Bindings: 0 params, 1 logits: array<f32> [N, V], 2 targets: array<u32> [row0+N], 3 weights (read),
//           4 loss, 5 logprob, 6 entropy (write; [row0+N] like targets), 7 dlogits [N, V] (write;
//           `main` only). Unsplit: row0 = 0.
// Entry points: `main` (with dlogits), `forward` (statistics only; binding 7 unused and unbound):
//   one workgroup of WG (power of two) lanes per row; rows fold into y past 65535
//   (row = wid.x + wid.y * rowStride).
// `main_rows` / `forward_rows`: one invocation per row, WG rows per workgroup, for small vocabularies
//   (row = gid.x + gid.y * rowStride): no barriers at all, which on lavapipe beats a workgroup per
//   row when a row is a few hundred logits (measured 4096 x 64 with dlogits: see the launcher).
// Numerics: max-shifted exps; entropy = log S - sum e_i (z_i - m) / S with e_i = exp(z_i - m),
//           S = sum e_i, so no log of a tiny probability is ever taken. Sums are fixed-order trees.
override WG: u32 = 64;

struct Params { N: u32, V: u32, rowStride: u32, invTemp: f32, gradScale: f32, row0: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;
@group(0) @binding(5) var<storage, read_write> logprob: array<f32>;
@group(0) @binding(6) var<storage, read_write> entropy: array<f32>;
@group(0) @binding(7) var<storage, read_write> dlogits: array<f32>;

var<workgroup> red: array<vec2f, WG>;

fn reduceMax(lid: u32, x: f32) -> f32 {
  red[lid] = vec2f(x, 0.0);
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid].x = max(red[lid].x, red[lid + s].x); }
    workgroupBarrier();
  }
  let r = red[0].x;
  workgroupBarrier();
  return r;
}

fn reduceSum2(lid: u32, x: vec2f) -> vec2f {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

struct RowStats { m: f32, S: f32 }

// Writes loss, logprob and entropy of a row from its max-shift m, S = sum e_i, A = sum e_i (z_i - m).
// `row` indexes the bound logits piece; the per-row vectors are at row0 + row.
fn writeStats(row: u32, m: f32, S: f32, A: f32) {
  let logS = log(S);
  let g = P.row0 + row;
  let tgt = targets[g];
  let w = weights[g];
  var nanBits = 0x7fc00000u; // a var, not a constant: constant NaN is a WGSL compile error
  var lp = bitcast<f32>(nanBits);
  if (tgt < P.V) { lp = logits[row * P.V + tgt] * P.invTemp - m - logS; }
  logprob[g] = lp;
  loss[g] = select(-w * lp, 0.0, w == 0.0);
  entropy[g] = logS - A / S;
}

fn writeGrad(row: u32, st: RowStats, first: u32, step: u32) {
  let base = row * P.V;
  let w = weights[P.row0 + row];
  let tgt = targets[P.row0 + row];
  let coef = P.gradScale * w * P.invTemp;
  let invS = 1.0 / st.S;
  for (var i = first; i < P.V; i += step) {
    let p = exp(logits[base + i] * P.invTemp - st.m) * invS;
    let g = coef * (p - select(0.0, 1.0, i == tgt));
    dlogits[base + i] = select(g, 0.0, w == 0.0);
  }
}

// One invocation, the whole row: returns the shift and normaliser for the gradient.
fn rowStatsSerial(row: u32) -> RowStats {
  let base = row * P.V;
  var m = -3.4e38;
  for (var i = 0u; i < P.V; i++) { m = max(m, logits[base + i] * P.invTemp); }
  var S = 0.0;
  var A = 0.0;
  for (var i = 0u; i < P.V; i++) {
    let zc = logits[base + i] * P.invTemp - m;
    let e = exp(zc);
    S += e;
    A += e * zc;
  }
  writeStats(row, m, S, A);
  return RowStats(m, S);
}

// A workgroup per row: writes loss, logprob, entropy; returns the shift and normaliser.
fn rowStats(row: u32, lid: u32) -> RowStats {
  let base = row * P.V;
  var mx = -3.4e38;
  for (var i = lid; i < P.V; i += WG) { mx = max(mx, logits[base + i] * P.invTemp); }
  let m = reduceMax(lid, mx);
  var acc = vec2f(0.0);
  for (var i = lid; i < P.V; i += WG) {
    let zc = logits[base + i] * P.invTemp - m;
    let e = exp(zc);
    acc += vec2f(e, e * zc);
  }
  let tot = reduceSum2(lid, acc);
  if (lid == 0u) { writeStats(row, m, tot.x, tot.y); }
  return RowStats(m, tot.x);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * P.rowStride;
  if (row >= P.N) { return; }
  writeGrad(row, rowStats(row, lid), lid, WG);
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * P.rowStride;
  if (row >= P.N) { return; }
  rowStats(row, lid);
}

@compute @workgroup_size(WG)
fn main_rows(@builtin(global_invocation_id) gid: vec3u) {
  let row = gid.x + gid.y * P.rowStride;
  if (row >= P.N) { return; }
  writeGrad(row, rowStatsSerial(row), 0u, 1u);
}

@compute @workgroup_size(WG)
fn forward_rows(@builtin(global_invocation_id) gid: vec3u) {
  let row = gid.x + gid.y * P.rowStride;
  if (row >= P.N) { return; }
  rowStatsSerial(row);
}
