// attention_forward: causal grouped-query attention, flash style (online softmax, no T x T matrix).
//   out[b,t,h,:] = sum_{j<=t} softmax_j(scale * q[b,t,h,:].k[b,j,kvh,:]) v[b,j,kvh,:],  kvh = h / group
//   lse[(b*Hq + h)*T + t] = log sum_{j<=t} exp(scale * q.k_j)   (saved for the backward pass)
//
// Bindings: 0 params, 1 q: array<vec4f> [B*T, Hq*Dh], 2 k: [B*T, Hkv*Dh], 3 v: [B*T, Hkv*Dh] (read),
//           4 out: [B*T, Hq*Dh] (write), 5 lse: array<f32> [B*Hq*T] (write)
// Dispatch: (ceil(T / WG), Hq, B) workgroups; one invocation per query row.
// Why this shape (lavapipe): the key loop runs to the workgroup's last row for every lane and the
// causal mask is a select, so the loop counter and every k/v address are workgroup-uniform; Mesa's
// divergence analysis then turns the k/v loads into one scalar load broadcast to the 8 SIMD lanes
// instead of an 8-lane gather. Keys are taken KB at a time so the running max and the rescale of
// the accumulator happen once per block, not once per key.
// Numerics: f32 throughout; the running max starts at a finite -1e30 so masked keys never give
// inf - inf; exp(s - m) <= 1. Matches a float64 reference to ~1e-5 relative.
override WG: u32 = 32;
override DH4: u32 = 8;   // head dim / 4
const MAXDH4 = 32u;      // head dim <= 128
const KB = 4u;           // keys per online-softmax block
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
  let t0 = wid.x * WG;
  let h = wid.y;
  let b = wid.z;
  let t = t0 + lid;
  let tq = min(t, P.T - 1u);
  let kvh = h / P.group;
  let qBase = (b * P.T + tq) * P.qStride4 + h * DH4;
  var qv: array<vec4f, MAXDH4>;
  var acc: array<vec4f, MAXDH4>;
  for (var d = 0u; d < DH4; d++) {
    qv[d] = q[qBase + d] * P.scale;
    acc[d] = vec4f(0.0);
  }
  var m = NEG;
  var l = 0.0;
  // Uniform bound: the last row of this workgroup (rounded up to a whole block of keys).
  let jEnd = min(t0 + WG, P.T);
  let kvBase = b * P.T * P.kvStride4 + kvh * DH4;
  for (var j0 = 0u; j0 < jEnd; j0 += KB) {
    var s: array<f32, KB>;
    var blockMax = NEG;
    for (var u = 0u; u < KB; u++) {
      let j = j0 + u;
      let row = kvBase + min(j, P.T - 1u) * P.kvStride4;
      var dotv = vec4f(0.0);
      for (var d = 0u; d < DH4; d++) { dotv += qv[d] * k[row + d]; }
      s[u] = select(NEG, dotv.x + dotv.y + dotv.z + dotv.w, j <= tq);
      blockMax = max(blockMax, s[u]);
    }
    let mNew = max(m, blockMax);
    let c = exp(m - mNew);
    l *= c;
    for (var d = 0u; d < DH4; d++) { acc[d] *= c; }
    for (var u = 0u; u < KB; u++) {
      let j = j0 + u;
      let p = select(0.0, exp(s[u] - mNew), j <= tq);
      l += p;
      let row = kvBase + min(j, P.T - 1u) * P.kvStride4;
      for (var d = 0u; d < DH4; d++) { acc[d] += p * v[row + d]; }
    }
    m = mNew;
  }
  if (t >= P.T) { return; }
  let inv = 1.0 / l;
  for (var d = 0u; d < DH4; d++) { out[qBase + d] = acc[d] * inv; }
  lse[(b * P.Hq + h) * P.T + t] = m + log(l);
}
