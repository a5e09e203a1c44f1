// attention_decode: one new query token per sequence against its KV cache (generation).
//   out[b, h, :] = sum_{j < len_b} softmax_j(scale * q[b,h,:].kCache[b,j,kvh,:]) vCache[b,j,kvh,:]
//   len_b = min(lengths[b], maxLen), kvh = h / group; len_b = 0 gives a zero output row.
//
// Bindings: 0 params, 1 q: array<vec4f> [B, Hq*Dh], 2 kCache: array<vec4f> [B, Tmax, Hkv*Dh],
//           3 vCache [B, Tmax, Hkv*Dh] (read), 4 lengths: array<u32> [B] (read),
//           5 out: array<vec4f> [B, Hq*Dh] (write)
// Dispatch: (Hq, B) workgroups of WG invocations; lane l takes keys l, l+WG, ... with its own online
// softmax, then the WG partial (max, sum, acc) triples are merged in workgroup memory (fixed order,
// deterministic). Needs WG >= Dh/4. Numerics: f32, running max starts at finite -1e30.
override WG: u32 = 32;
override DH4: u32 = 8;
const MAXDH4 = 32u;
const NEG = -1e30;

struct Params { maxLen: u32, group: u32, qStride4: u32, kvStride4: u32, scale: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4f>;
@group(0) @binding(2) var<storage, read> kCache: array<vec4f>;
@group(0) @binding(3) var<storage, read> vCache: array<vec4f>;
@group(0) @binding(4) var<storage, read> lengths: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<vec4f>;

var<workgroup> pm: array<f32, WG>;
var<workgroup> pl: array<f32, WG>;
var<workgroup> pacc: array<vec4f, WG * DH4>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let h = wid.x;
  let b = wid.y;
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
  for (var j = lid; j < len; j += WG) {
    let row = (b * P.maxLen + j) * P.kvStride4 + kvh * DH4;
    var sv = vec4f(0.0);
    for (var d = 0u; d < DH4; d++) { sv += qv[d] * kCache[row + d]; }
    let s = sv.x + sv.y + sv.z + sv.w;
    let mNew = max(m, s);
    let c = exp(m - mNew);
    let p = exp(s - mNew);
    l = l * c + p;
    for (var d = 0u; d < DH4; d++) { acc[d] = acc[d] * c + p * vCache[row + d]; }
    m = mNew;
  }
  pm[lid] = m;
  pl[lid] = l;
  for (var d = 0u; d < DH4; d++) { pacc[lid * DH4 + d] = acc[d]; }
  workgroupBarrier();
  if (lid >= DH4) { return; }
  var M = NEG;
  for (var i = 0u; i < WG; i++) { M = max(M, pm[i]); }
  var total = 0.0;
  var o = vec4f(0.0);
  for (var i = 0u; i < WG; i++) {
    let c = exp(pm[i] - M);
    total += pl[i] * c;
    o += pacc[i * DH4 + lid] * c;
  }
  out[qBase + lid] = select(vec4f(0.0), o / total, total > 0.0);
}
