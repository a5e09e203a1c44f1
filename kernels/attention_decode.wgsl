// attention_decode: one new query token per sequence against its KV cache (generation).
//   out[b, h, :] = sum_{j < len_b} softmax_j(scale * q[b,h,:].K[b,j,kvh,:]) V[b,j,kvh,:]
//   len_b = min(lengths[b], maxLen), kvh = h / group; len_b = 0 gives a zero output row.
// Without APPEND, K and V are the caches. With APPEND (the decode loop's fused kv-append), the
// step's new key/value rows newK/newV [B, Hkv*Dh] are position len_b - 1: they are read from
// newK/newV, not from the cache, and the invocation with h % group == 0 also writes them into the
// caches at that position. So no invocation reads a cache row written in the same dispatch, and
// this one dispatch equals kv_append (advance = 0, at lengths[b] - 1) followed by a plain decode:
// one dispatch per layer and token fewer.
//
// Bindings: 0 params, 1 q: array<vec4f> [B, Hq*Dh], 2 kCache: array<vec4f> [B, Tmax, Hkv*Dh],
//           3 vCache [B, Tmax, Hkv*Dh] (read_write: written only with APPEND), 4 lengths: array<u32>
//           [B] (read), 5 out: array<vec4f> [B, Hq*Dh] (write), 6 newK, 7 newV: array<vec4f>
//           [B, Hkv*Dh] (read; dummies without APPEND).
// Dispatch: ceil(B*Hq / WG) workgroups; one invocation per (b, h) runs the whole online softmax over
// its keys. No workgroup memory and no barriers: a split-keys variant with a workgroup merge cost
// more on lavapipe (barriers) and took ~15 s to JIT-compile; decode work is small anyway.
// Numerics: f32; one exp per key (of exp(m - mNew), exp(s - mNew) one is 1, the other exp(-|s-m|)).
override WG: u32 = 8;
override DH4: u32 = 8;
override APPEND: bool = false;
const MAXDH4 = 32u;
const NEG = -1e30;

struct Params { maxLen: u32, group: u32, qStride4: u32, kvStride4: u32, Hq: u32, B: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> kCache: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> vCache: array<vec4f>;
@group(0) @binding(4) var<storage, read> lengths: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(6) var<storage, read> newK: array<vec4f>;
@group(0) @binding(7) var<storage, read> newV: array<vec4f>;

// Online-softmax state of one (b, h): running max, running sum, unnormalised output.
struct State { m: f32, l: f32 }

// Fold score s in: returns (factor for the old sum and accumulator, weight of the new value).
fn fold(st: ptr<function, State>, s: f32) -> vec2f {
  let e = exp(-abs(s - (*st).m));
  let grow = s > (*st).m;
  let c = select(1.0, e, grow);
  let p = select(e, 1.0, grow);
  (*st).m = max((*st).m, s);
  (*st).l = (*st).l * c + p;
  return vec2f(c, p);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let bh = gid.x;
  if (bh >= P.B * P.Hq) { return; }
  let b = bh / P.Hq;
  let h = bh % P.Hq;
  let kvh = h / P.group;
  let len = min(lengths[b], P.maxLen);
  // With APPEND the last key comes from newK/newV (when there is one and it fits the cache).
  let fresh = APPEND && len > 0u && lengths[b] <= P.maxLen;
  let cached = select(len, len - 1u, fresh);
  let qBase = b * P.qStride4 + h * DH4;
  var qv: array<vec4f, MAXDH4>;
  var acc: array<vec4f, MAXDH4>;
  for (var d = 0u; d < DH4; d++) {
    qv[d] = q[qBase + d] * P.scale;
    acc[d] = vec4f(0.0);
  }
  var st = State(NEG, 0.0);
  for (var j = 0u; j < cached; j++) {
    let row = (b * P.maxLen + j) * P.kvStride4 + kvh * DH4;
    var sv = vec4f(0.0);
    for (var d = 0u; d < DH4; d++) { sv += qv[d] * kCache[row + d]; }
    let w = fold(&st, sv.x + sv.y + sv.z + sv.w);
    for (var d = 0u; d < DH4; d++) { acc[d] = acc[d] * w.x + w.y * vCache[row + d]; }
  }
  if (fresh) {
    let src = b * P.kvStride4 + kvh * DH4;
    var sv = vec4f(0.0);
    for (var d = 0u; d < DH4; d++) { sv += qv[d] * newK[src + d]; }
    let w = fold(&st, sv.x + sv.y + sv.z + sv.w);
    for (var d = 0u; d < DH4; d++) { acc[d] = acc[d] * w.x + w.y * newV[src + d]; }
    if (h % P.group == 0u) {
      let dst = (b * P.maxLen + cached) * P.kvStride4 + kvh * DH4;
      for (var d = 0u; d < DH4; d++) {
        kCache[dst + d] = newK[src + d];
        vCache[dst + d] = newV[src + d];
      }
    }
  }
  let inv = select(0.0, 1.0 / st.l, st.l > 0.0);
  for (var d = 0u; d < DH4; d++) { out[qBase + d] = acc[d] * inv; }
}
