// embedding_forward: out[r, d] = table[ids[r], d]   (token embedding lookup)
// A table larger than one storage binding is bound in pieces of vocabulary rows [lo, hi), one
// dispatch each: a dispatch writes only the rows whose id falls in its piece, so each output row
// is written exactly once over all pieces (ids >= the vocabulary by the last piece, as zeros).
//
// Bindings: 0 params {rows, dim, lo, hi, last, rowGroups}, 1 ids: array<u32> [rows] (read),
//           2 table [hi - lo, dim] (read; vocabulary rows lo..hi-1), 3 out [rows, dim] (write).
// Dispatch: (ceil(dim / WG), rowGroups) workgroups; lane = column, and workgroup y walks rows
//           y, y + rowGroups, ... (ids[r] is then a uniform load; few workgroups: lavapipe pays
//           several µs per workgroup).
// Numerics: exact copy; an id >= vocab gives a zero row (never an out-of-bounds read).
//           Unsplit: lo = 0, hi = vocab, last = 1.
override WG: u32 = 64;

struct Params { rows: u32, dim: u32, lo: u32, hi: u32, last: u32, rowGroups: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let d = min(gid.x, P.dim - 1u);
  for (var r = wid.y; r < P.rows; r += P.rowGroups) {
    let id = ids[r];
    let inPiece = id >= P.lo && id < P.hi;
    if (inPiece || (P.last != 0u && id >= P.hi)) {
      var v = 0.0;
      if (inPiece) { v = table[(id - P.lo) * P.dim + d]; }
      if (gid.x < P.dim) { out[r * P.dim + d] = v; }
    }
  }
}
