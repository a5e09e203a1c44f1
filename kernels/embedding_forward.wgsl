// embedding_forward: out[r, d] = table[ids[r], d]   (token embedding lookup)
//
// Bindings: 0 params {rows, dim, vocab, rowGroups}, 1 ids: array<u32> [rows] (read),
//           2 table [vocab, dim] (read), 3 out [rows, dim] (write).
// Dispatch: (ceil(dim / WG), rowGroups) workgroups; lane = column, and workgroup y walks rows
//           y, y + rowGroups, ... (ids[r] is then a uniform load; few workgroups: lavapipe pays
//           several µs per workgroup).
// Numerics: exact copy; an id >= vocab gives a zero row (never an out-of-bounds read).
override WG: u32 = 64;

struct Params { rows: u32, dim: u32, vocab: u32, rowGroups: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let d = min(gid.x, P.dim - 1u);
  for (var r = wid.y; r < P.rows; r += P.rowGroups) {
    let id = ids[r];
    var v = 0.0;
    if (id < P.vocab) { v = table[id * P.dim + d]; }
    if (gid.x < P.dim) { out[r * P.dim + d] = v; }
  }
}
