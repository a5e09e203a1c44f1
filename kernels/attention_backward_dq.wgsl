// attention_backward_dq: first half of the causal grouped-query attention backward pass.
//   D[i]  = dout_i . out_i                       (saved for attention_backward_dkdv)
//   P_ij  = exp(scale * q_i.k_j - lse_i)  (j <= i), recomputed from the forward's logsumexp
//   dS_ij = P_ij (dout_i.v_j - D_i);   dq_i = scale * sum_j dS_ij k_j
//
// Bindings: 0 params, 1 dout: array<vec4f> [B*T, Hq*Dh], 2 q [B*T, Hq*Dh], 3 k [B*T, Hkv*Dh],
//           4 v [B*T, Hkv*Dh], 5 out [B*T, Hq*Dh] (read), 6 lse: array<f32> [B*Hq*T] (read),
//           7 D: array<f32> [B*Hq*T] (write), 8 dq [B*T, Hq*Dh] (write, overwritten)
// Dispatch: (ceil(T / WG), Hq, B) workgroups; one invocation per query row.
// Like attention_forward, the key loop is workgroup-uniform (causal mask by select) so k/v loads
// are scalar broadcasts on lavapipe. Numerics: f32; p <= 1 since lse >= every score of its row.
override WG: u32 = 32;
override DH4: u32 = 8;
const MAXDH4 = 32u;

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
  let t0 = wid.x * WG;
  let h = wid.y;
  let b = wid.z;
  let t = t0 + lid;
  let tq = min(t, P.T - 1u);
  let kvh = h / P.group;
  let qBase = (b * P.T + tq) * P.qStride4 + h * DH4;
  let rowIdx = (b * P.Hq + h) * P.T + tq;
  var qv: array<vec4f, MAXDH4>;
  var dov: array<vec4f, MAXDH4>;
  var acc: array<vec4f, MAXDH4>;
  var dd = vec4f(0.0);
  for (var d = 0u; d < DH4; d++) {
    qv[d] = q[qBase + d] * P.scale;
    dov[d] = dout[qBase + d];
    dd += dov[d] * out[qBase + d];
    acc[d] = vec4f(0.0);
  }
  let Di = dd.x + dd.y + dd.z + dd.w;
  let L = lse[rowIdx];
  let jEnd = min(t0 + WG, P.T);
  let kvBase = b * P.T * P.kvStride4 + kvh * DH4;
  for (var j = 0u; j < jEnd; j++) {
    let row = kvBase + j * P.kvStride4;
    var kr: array<vec4f, MAXDH4>; // each k element loaded once: loads, not flops, bound this kernel
    var sv = vec4f(0.0);
    var dpv = vec4f(0.0);
    for (var d = 0u; d < DH4; d++) {
      kr[d] = k[row + d];
      sv += qv[d] * kr[d];
      dpv += dov[d] * v[row + d];
    }
    let p = select(0.0, exp(sv.x + sv.y + sv.z + sv.w - L), j <= tq);
    let ds = p * (dpv.x + dpv.y + dpv.z + dpv.w - Di) * P.scale;
    for (var d = 0u; d < DH4; d++) { acc[d] += ds * kr[d]; }
  }
  if (t >= P.T) { return; }
  D[rowIdx] = Di;
  for (var d = 0u; d < DH4; d++) { dq[qBase + d] = acc[d]; }
}
