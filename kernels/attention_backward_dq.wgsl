// attention_backward_dq: first half of the causal grouped-query attention backward pass.
// The portable variant (no subgroups); kernels/attention_backward_dq_sg.wgsl computes the same with shared loads.
//   D[i]  = dout_i . out_i                       (saved for attention_backward_dkdv)
//   P_ij  = exp(scale * q_i.k_j - lse_i)  (j <= i), recomputed from the forward's logsumexp
//   dS_ij = P_ij (dout_i.v_j - D_i);   dq_i = scale * sum_j dS_ij k_j
//
// Bindings: 0 params, 1 dout: array<vec4f> [B*T, Hq*Dh], 2 q [B*T, Hq*Dh], 3 k [B*T, Hkv*Dh],
//           4 v [B*T, Hkv*Dh], 5 out [B*T, Hq*Dh] (read), 6 lse: array<f32> [B*Hq*T] (read),
//           7 D: array<f32> [B*Hq*T] (write), 8 dq [B*T, Hq*Dh] (write, overwritten)
// Dispatch: (ceil(T / (WG*R)), Hq, B) workgroups; each invocation owns R query rows t0 + r*WG + lid.
// As in attention_forward: a workgroup-uniform key loop with the causal mask as a select, and R
// rows per invocation so each k/v load serves R rows (loads bound these kernels on lavapipe; R = 2
// here, as in attention_backward_dkdv where R = 4 spilled and compiled for ~25 s).
// Numerics: f32; p <= 1 since lse >= every score of its row.
override WG: u32 = 16;
override R: u32 = 2;      // query rows per invocation (<= MAXR)
override DH4: u32 = 8;
const MAXDH4 = 32u;
const MAXR = 4u;

struct Params { T: u32, group: u32, qStride4: u32, kvStride4: u32, Hq: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dout: array<vec4f>;
@group(0) @binding(2) var<storage, read> q: array<vec4f>;
@group(0) @binding(3) var<storage, read> k: array<vec4f>;
@group(0) @binding(4) var<storage, read> v: array<vec4f>;
@group(0) @binding(5) var<storage, read> out: array<vec4f>;
@group(0) @binding(6) var<storage, read> lse: array<f32>;
@group(0) @binding(7) var<storage, read_write> D: array<f32>;
@group(0) @binding(8) var<storage, read_write> dq: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t0 = wid.x * WG * R;
  let h = wid.y;
  let b = wid.z;
  let kvh = h / P.group;
  let stats = (b * P.Hq + h) * P.T;
  var qv: array<vec4f, MAXDH4 * MAXR>;
  var dov: array<vec4f, MAXDH4 * MAXR>;
  var acc: array<vec4f, MAXDH4 * MAXR>;
  var Di: array<f32, MAXR>;
  var L: array<f32, MAXR>;
  var tq: array<u32, MAXR>;
  for (var r = 0u; r < R; r++) {
    tq[r] = min(t0 + r * WG + lid, P.T - 1u);
    let qBase = (b * P.T + tq[r]) * P.qStride4 + h * DH4;
    var dd = vec4f(0.0);
    for (var d = 0u; d < DH4; d++) {
      qv[r * DH4 + d] = q[qBase + d] * P.scale;
      dov[r * DH4 + d] = dout[qBase + d];
      dd += dov[r * DH4 + d] * out[qBase + d];
      acc[r * DH4 + d] = vec4f(0.0);
    }
    Di[r] = dd.x + dd.y + dd.z + dd.w;
    L[r] = lse[stats + tq[r]];
  }
  let jEnd = min(t0 + WG * R, P.T);
  let kvBase = b * P.T * P.kvStride4 + kvh * DH4;
  for (var j = 0u; j < jEnd; j++) {
    let row = kvBase + j * P.kvStride4;
    var kr: array<vec4f, MAXDH4>;
    var vr: array<vec4f, MAXDH4>;
    for (var d = 0u; d < DH4; d++) {
      kr[d] = k[row + d];
      vr[d] = v[row + d];
    }
    for (var r = 0u; r < R; r++) {
      var sv = vec4f(0.0);
      var dpv = vec4f(0.0);
      for (var d = 0u; d < DH4; d++) {
        sv += qv[r * DH4 + d] * kr[d];
        dpv += dov[r * DH4 + d] * vr[d];
      }
      let p = select(0.0, exp(sv.x + sv.y + sv.z + sv.w - L[r]), j <= tq[r]);
      let ds = p * (dpv.x + dpv.y + dpv.z + dpv.w - Di[r]) * P.scale;
      for (var d = 0u; d < DH4; d++) { acc[r * DH4 + d] += ds * kr[d]; }
    }
  }
  for (var r = 0u; r < R; r++) {
    let t = t0 + r * WG + lid;
    if (t >= P.T) { continue; }
    let qBase = (b * P.T + t) * P.qStride4 + h * DH4;
    D[stats + t] = Di[r];
    for (var d = 0u; d < DH4; d++) { dq[qBase + d] = acc[r * DH4 + d]; }
  }
}
