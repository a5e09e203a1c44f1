// attention_backward_dkdv_sg: second half of the causal grouped-query attention backward pass, the
// same result as kernels/attention_backward_dkdv.wgsl with q/dout rows shared through subgroups.
// For key row j of kv head kvh, summing over the `group` query heads h that share it and over i >= j:
//   P_ij = exp(scale * q_i.k_j - lse_i);  dv_j = sum P_ij dout_i;
//   dk_j = scale * sum P_ij (dout_i.v_j - D_i) q_i       (D from attention_backward_dq_sg)
// No atomics: each invocation owns one (b, j, kvh) row of dk and dv, so the result is deterministic.
//
// Bindings: 0 params, 1 dout: array<vec4f> [B*T, Hq*Dh], 2 q [B*T, Hq*Dh], 3 k [B*T, Hkv*Dh],
//           4 v [B*T, Hkv*Dh] (read), 5 lse: array<f32> [B*Hq*T], 6 D: array<f32> [B*Hq*T] (read),
//           7 dk [B*T, Hkv*Dh], 8 dv [B*T, Hkv*Dh] (write, overwritten)
// Requires: subgroups of at least 8 lanes; WG a multiple of the subgroup size or within one
//           subgroup (each subgroup loads and shares its own copy of the chunk).
// Dispatch: (ceil(T / (WG*R)), Hkv, B) workgroups; each invocation owns R key rows j0 + r*WG + lid.
// Query rows go in chunks of 8 from the workgroup's first key row: lane l loads q, dout, lse and D
// of row ic + l and subgroupShuffle hands them to every lane (one load per row instead of one per
// lane; see attention_forward_sg). The chunk loop is uniform; rows past T end it with a uniform break.
// Numerics: f32.
enable subgroups;
override WG: u32 = 16;
override R: u32 = 2;      // key rows per invocation (<= MAXR)
override DH4: u32 = 8;
const MAXDH4 = 32u;
const MAXR = 4u;

struct Params { T: u32, group: u32, qStride4: u32, kvStride4: u32, Hq: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dout: array<vec4f>;
@group(0) @binding(2) var<storage, read> q: array<vec4f>;
@group(0) @binding(3) var<storage, read> k: array<vec4f>;
@group(0) @binding(4) var<storage, read> v: array<vec4f>;
@group(0) @binding(5) var<storage, read> lse: array<f32>;
@group(0) @binding(6) var<storage, read> D: array<f32>;
@group(0) @binding(7) var<storage, read_write> dk: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> dv: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(subgroup_invocation_id) sl: u32) {
  let j0 = wid.x * WG * R;
  let kvh = wid.y;
  let b = wid.z;
  var kv: array<vec4f, MAXDH4 * MAXR>;
  var vv: array<vec4f, MAXDH4 * MAXR>;
  var dkAcc: array<vec4f, MAXDH4 * MAXR>;
  var dvAcc: array<vec4f, MAXDH4 * MAXR>;
  var jk: array<u32, MAXR>;
  for (var r = 0u; r < R; r++) {
    jk[r] = min(j0 + r * WG + lid, P.T - 1u);
    let kvRow = (b * P.T + jk[r]) * P.kvStride4 + kvh * DH4;
    for (var d = 0u; d < DH4; d++) {
      kv[r * DH4 + d] = k[kvRow + d] * P.scale;
      vv[r * DH4 + d] = v[kvRow + d];
      dkAcc[r * DH4 + d] = vec4f(0.0);
      dvAcc[r * DH4 + d] = vec4f(0.0);
    }
  }
  for (var g = 0u; g < P.group; g++) {
    let h = kvh * P.group + g;
    let stats = (b * P.Hq + h) * P.T;
    for (var ic = j0; ic < P.T; ic += 8u) {
      // lane sl loads query row ic + sl (clamped; rows past T are never used)
      let mine = min(ic + sl, P.T - 1u);
      let own = (b * P.T + mine) * P.qStride4 + h * DH4;
      var ql: array<vec4f, MAXDH4>;
      var dol: array<vec4f, MAXDH4>;
      for (var d = 0u; d < DH4; d++) { ql[d] = q[own + d]; dol[d] = dout[own + d]; }
      let Ll = lse[stats + mine];
      let Dl = D[stats + mine];
      for (var L = 0u; L < 8u; L++) {
        let i = ic + L;
        if (i >= P.T) { break; }
        var qr: array<vec4f, MAXDH4>;
        var dor: array<vec4f, MAXDH4>;
        for (var d = 0u; d < DH4; d++) {
          qr[d] = subgroupShuffle(ql[d], L);
          dor[d] = subgroupShuffle(dol[d], L);
        }
        let Li = subgroupShuffle(Ll, L);
        let Di = subgroupShuffle(Dl, L);
        for (var r = 0u; r < R; r++) {
          var sv = vec4f(0.0);
          var dpv = vec4f(0.0);
          for (var d = 0u; d < DH4; d++) {
            sv += kv[r * DH4 + d] * qr[d];
            dpv += vv[r * DH4 + d] * dor[d];
          }
          let p = select(0.0, exp(sv.x + sv.y + sv.z + sv.w - Li), i >= jk[r]);
          let ds = p * (dpv.x + dpv.y + dpv.z + dpv.w - Di);
          for (var d = 0u; d < DH4; d++) {
            dvAcc[r * DH4 + d] += p * dor[d];
            dkAcc[r * DH4 + d] += ds * qr[d];
          }
        }
      }
    }
  }
  for (var r = 0u; r < R; r++) {
    let j = j0 + r * WG + lid;
    if (j >= P.T) { continue; }
    let kvRow = (b * P.T + j) * P.kvStride4 + kvh * DH4;
    for (var d = 0u; d < DH4; d++) {
      dk[kvRow + d] = dkAcc[r * DH4 + d] * P.scale;
      dv[kvRow + d] = dvAcc[r * DH4 + d];
    }
  }
}
