// embedding_backward: dtable[v, d] (= | +=) sum over rows r with ids[r] == v of dout[r, d]
//
// A table larger than one storage binding (or with more rows than a grid dimension) is bound in
// pieces of vocabulary rows [lo, lo + count), one dispatch each; pieces are disjoint.
//
// Bindings: 0 params {rows, dim, lo, accumulate}, 1 ids: array<u32> [rows] (read),
//           2 dout [rows, dim] (read), 3 dtable [count, dim] (read_write; vocabulary rows lo..).
// Dispatch: (ceil(dim / (WG*16)), count) workgroups of WG invocations. A workgroup owns vocabulary
//           row v = lo + wid.y and WG*16 columns (lane l: columns base + l + WG*t, t < 16); it scans all ids
//           with uniform loads and a uniform branch, so no two invocations write the same element.
// Why 16 columns per lane: on lavapipe the id scan (one uniform load per row) dominates, and it
//           runs once per 8-lane SIMD group, so one group should cover a whole d_model = 128 row.
// Numerics: f32 sum in row order: deterministic, no float atomics. Cost O(vocab * rows) id
//           compares + O(rows * dim) adds: fine for the small vocabularies used here.
override WG: u32 = 8;

struct Params { rows: u32, dim: u32, lo: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> dtable: array<f32>;

// 4 of the lane's 16 columns, starting at column d0 (step WG); clamped so loads stay in the row.
fn cols(d0: u32) -> vec4u {
  return min(vec4u(d0, d0 + WG, d0 + 2u * WG, d0 + 3u * WG), vec4u(P.dim - 1u));
}

fn row4(r: u32, d: vec4u) -> vec4f {
  let o = r * P.dim;
  return vec4f(dout[o + d.x], dout[o + d.y], dout[o + d.z], dout[o + d.w]);
}

// v is the row within the bound piece.
fn store4(v: u32, d0: u32, s: vec4f) {
  for (var t = 0u; t < 4u; t++) {
    let d = d0 + t * WG;
    if (d < P.dim) {
      let o = v * P.dim + d;
      var x = s[t];
      if (P.accumulate != 0u) { x += dtable[o]; }
      dtable[o] = x;
    }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let v = P.lo + wid.y;
  let d0 = wid.x * WG * 16u + lid.x;
  let c0 = cols(d0); let c1 = cols(d0 + 4u * WG); let c2 = cols(d0 + 8u * WG); let c3 = cols(d0 + 12u * WG);
  var s0 = vec4f(0.0); var s1 = vec4f(0.0); var s2 = vec4f(0.0); var s3 = vec4f(0.0);
  for (var r = 0u; r < P.rows; r++) {
    if (ids[r] == v) {
      s0 += row4(r, c0); s1 += row4(r, c1); s2 += row4(r, c2); s3 += row4(r, c3);
    }
  }
  let o = wid.y;
  store4(o, d0, s0); store4(o, d0 + 4u * WG, s1); store4(o, d0 + 8u * WG, s2); store4(o, d0 + 12u * WG, s3);
}
