// attention_decode: one new query token per sequence against its KV cache (generation).
//   out[b, h, :] = sum_{j < len_b} softmax_j(scale * q[b,h,:].kCache[b,j,kvh,:]) vCache[b,j,kvh,:]
//   len_b = min(lengths[b], maxLen), kvh = h / group; len_b = 0 gives a zero output row.
//
// Bindings: 0 params, 1 q: array<vec4f> [B, Hq*Dh], 2 kCache: array<vec4f> [B, Tmax, Hkv*Dh],
//           3 vCache [B, Tmax, Hkv*Dh] (read), 4 lengths: array<u32> [B] (read),
//           5 out: array<vec4f> [B, Hq*Dh] (write)
// Dispatch: ceil(B*Hq / WG) workgroups; one invocation per (b, h) runs the whole online softmax over
// its keys. No workgroup memory and no barriers: a split-keys variant with a workgroup merge cost
// more on lavapipe (barriers) and took ~15 s to JIT-compile; decode work is small anyway.
// Numerics: f32; one exp per key (of exp(m - mNew), exp(s - mNew) one is 1, the other exp(-|s-m|)).
override WG: u32 = 8;
override DH4: u32 = 8;
const MAXDH4 = 32u;
const NEG = -1e30;

struct Params { maxLen: u32, group: u32, qStride4: u32, kvStride4: u32, Hq: u32, B: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4f>;
@group(0) @binding(2) var<storage, read> kCache: array<vec4f>;
@group(0) @binding(3) var<storage, read> vCache: array<vec4f>;
@group(0) @binding(4) var<storage, read> lengths: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let bh = gid.x;
  if (bh >= P.B * P.Hq) { return; }
  let b = bh / P.Hq;
  let h = bh % P.Hq;
  let kvh = h / P.group;
  let len = min(lengths[b], P.maxLen);
  let qBase = b * P.qStride4 + h * DH4;
  var qv: array<vec4f, MAXDH4>;
  var acc: array<vec4f, MAXDH4>;
  for (var d = 0u; d < DH4; d++) {
    qv[d] = q[qBase + d] * P.scale;
    acc[d] = vec4f(0.0);
  }
  var m = NEG;
  var l = 0.0;
  for (var j = 0u; j < len; j++) {
    let row = (b * P.maxLen + j) * P.kvStride4 + kvh * DH4;
    var sv = vec4f(0.0);
    for (var d = 0u; d < DH4; d++) { sv += qv[d] * kCache[row + d]; }
    let s = sv.x + sv.y + sv.z + sv.w;
    let e = exp(-abs(s - m));
    let grow = s > m;
    let c = select(1.0, e, grow);
    let p = select(e, 1.0, grow);
    m = max(m, s);
    l = l * c + p;
    for (var d = 0u; d < DH4; d++) { acc[d] = acc[d] * c + p * vCache[row + d]; }
  }
  let inv = select(0.0, 1.0 / l, l > 0.0);
  for (var d = 0u; d < DH4; d++) { out[qBase + d] = acc[d] * inv; }
}
