// embedding_backward: dtable[v, d] (= | +=) sum over rows r with ids[r] == v of dout[r, d]
//
// Bindings: 0 params {rows, dim, vocab, accumulate}, 1 ids: array<u32> [rows] (read),
//           2 dout [rows, dim] (read), 3 dtable [vocab, dim] (read_write).
// Dispatch: (ceil(dim / WG), vocab) workgroups: a workgroup owns one vocabulary row and scans all
//           ids (uniform loads, a uniform branch), so no two invocations write the same element.
// Numerics: f32 sum in row order: deterministic, no float atomics. Cost O(vocab * rows) id
//           compares + O(rows * dim) adds: fine for the small vocabularies used here.
override WG: u32 = 64;

struct Params { rows: u32, dim: u32, vocab: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> dtable: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let v = wid.y;
  let d = min(gid.x, P.dim - 1u);
  var s = 0.0;
  for (var r = 0u; r < P.rows; r++) {
    if (ids[r] == v) { s += dout[r * P.dim + d]; }
  }
  if (gid.x >= P.dim) { return; }
  let o = v * P.dim + d;
  if (P.accumulate != 0u) { s += dtable[o]; }
  dtable[o] = s;
}
