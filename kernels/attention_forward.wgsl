// attention_forward: causal grouped-query attention, flash style (online softmax, no T x T matrix).
// The portable variant (no subgroups); kernels/attention_forward_sg.wgsl computes the same with shared loads.
//   out[b,t,h,:] = sum_{j<=t} softmax_j(scale * q[b,t,h,:].k[b,j,kvh,:]) v[b,j,kvh,:],  kvh = h / group
//   lse[(b*Hq + h)*T + t] = log sum_{j<=t} exp(scale * q.k_j)   (saved for the backward pass)
//
// Bindings: 0 params, 1 q: array<vec4f> [B*T, Hq*Dh], 2 k: [B*T, Hkv*Dh], 3 v: [B*T, Hkv*Dh] (read),
//           4 out: [B*T, Hq*Dh] (write), 5 lse: array<f32> [B*Hq*T] (write)
// Dispatch: (ceil(T / (WG*R)), Hq, B) workgroups; each invocation owns R query rows
//           (t0 + r*WG + lid, r < R), so every k/v row it loads serves R rows.
// Why this shape (lavapipe, 8-wide SIMD on CPU cores): the key loop runs to the workgroup's last row
// for every lane and the causal mask is a select, so the loop counter and every k/v address are
// workgroup-uniform (no divergent loop exits). Loads still dominate (replacing them by constants made
// the kernel 10x faster; staging k/v tiles in workgroup memory did not help), hence R rows per
// invocation: R = 4 measured ~1.6x faster than R = 1 at the default model
// shape. One key per step (blocks of keys in a private score array were ~40% slower), one exp per
// key and row: of exp(m - mNew) and exp(s - mNew) one is 1, the other exp(-|s - m|).
// Numerics: f32 throughout; the running max starts at a finite -1e30 so masked keys never give
// inf - inf; exp(s - m) <= 1. Matches a float64 reference to ~1e-5 relative.
override WG: u32 = 8;
override R: u32 = 4;     // query rows per invocation (<= MAXR)
override DH4: u32 = 8;   // head dim / 4
const MAXDH4 = 32u;      // head dim <= 128
const MAXR = 8u;
const NEG = -1e30;

struct Params { T: u32, group: u32, qStride4: u32, kvStride4: u32, Hq: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4f>;
@group(0) @binding(2) var<storage, read> k: array<vec4f>;
@group(0) @binding(3) var<storage, read> v: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> lse: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t0 = wid.x * WG * R;
  let h = wid.y;
  let b = wid.z;
  let kvh = h / P.group;
  var qv: array<vec4f, MAXDH4 * MAXR>;
  var acc: array<vec4f, MAXDH4 * MAXR>;
  var m: array<f32, MAXR>;
  var l: array<f32, MAXR>;
  var tq: array<u32, MAXR>;
  for (var r = 0u; r < R; r++) {
    tq[r] = min(t0 + r * WG + lid, P.T - 1u);
    let qBase = (b * P.T + tq[r]) * P.qStride4 + h * DH4;
    for (var d = 0u; d < DH4; d++) {
      qv[r * DH4 + d] = q[qBase + d] * P.scale;
      acc[r * DH4 + d] = vec4f(0.0);
    }
    m[r] = NEG;
    l[r] = 0.0;
  }
  let jEnd = min(t0 + WG * R, P.T);
  let kvBase = b * P.T * P.kvStride4 + kvh * DH4;
  for (var j = 0u; j < jEnd; j++) {
    let row = kvBase + j * P.kvStride4;
    var kr: array<vec4f, MAXDH4>;
    for (var d = 0u; d < DH4; d++) { kr[d] = k[row + d]; }
    var p: array<f32, MAXR>;
    var c: array<f32, MAXR>;
    for (var r = 0u; r < R; r++) {
      var dotv = vec4f(0.0);
      for (var d = 0u; d < DH4; d++) { dotv += qv[r * DH4 + d] * kr[d]; }
      let s = select(NEG, dotv.x + dotv.y + dotv.z + dotv.w, j <= tq[r]);
      let e = exp(-abs(s - m[r]));
      let grow = s > m[r];
      c[r] = select(1.0, e, grow);
      p[r] = select(select(e, 1.0, grow), 0.0, j > tq[r]);
      m[r] = max(m[r], s);
      l[r] = l[r] * c[r] + p[r];
    }
    for (var d = 0u; d < DH4; d++) {
      let vd = v[row + d];
      for (var r = 0u; r < R; r++) { acc[r * DH4 + d] = acc[r * DH4 + d] * c[r] + p[r] * vd; }
    }
  }
  for (var r = 0u; r < R; r++) {
    let t = t0 + r * WG + lid;
    if (t >= P.T) { continue; }
    let qBase = (b * P.T + t) * P.qStride4 + h * DH4;
    let inv = 1.0 / l[r];
    for (var d = 0u; d < DH4; d++) { out[qBase + d] = acc[r * DH4 + d] * inv; }
    lse[(b * P.Hq + h) * P.T + t] = m[r] + log(l[r]);
  }
}
