// kv_append: write one new token's keys and values into the KV cache at position lengths[b],
// then (when advance = 1) increment lengths[b] so attention_decode sees the new token.
//   kCache[b, lengths[b], :] = k[b, :];  vCache[b, lengths[b], :] = v[b, :]
// A row whose cache is full (lengths[b] >= maxLen) is left untouched (no write, no increment).
//
// Bindings: 0 params, 1 k: array<f32> [B, kvDim], 2 v [B, kvDim] (read),
//           3 kCache: array<f32> [B, maxLen, kvDim], 4 vCache (read_write),
//           5 lengths: array<u32> [B] (read_write)
// Dispatch: ceil(B / WG) workgroups; one invocation per sequence copies its kvDim values (a few
// hundred at most) and alone reads and then writes lengths[b]: no race, no barrier.
// Numerics: exact copies.
override WG: u32 = 8;

struct Params { B: u32, maxLen: u32, kvDim: u32, advance: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> kCache: array<f32>;
@group(0) @binding(4) var<storage, read_write> vCache: array<f32>;
@group(0) @binding(5) var<storage, read_write> lengths: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let b = gid.x;
  if (b >= P.B) { return; }
  let t = lengths[b];
  if (t >= P.maxLen) { return; }
  let dst = (b * P.maxLen + t) * P.kvDim;
  for (var c = 0u; c < P.kvDim; c++) {
    kCache[dst + c] = k[b * P.kvDim + c];
    vCache[dst + c] = v[b * P.kvDim + c];
  }
  if (P.advance == 1u) { lengths[b] = t + 1u; }
}
