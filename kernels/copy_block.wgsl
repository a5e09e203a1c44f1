// copy_block: a block of columns between two row-major matrices with different row lengths.
//   dst[r * dstLd + dstCol + c] = src[r * srcLd + srcCol + c]      for r < rows, c < cols
// The LM head uses it when its weight is split by vocabulary rows: a piece's logits [rows, cols]
// are scattered into the columns they own of the full-vocabulary logits, and a piece's columns of
// dlogits are gathered into a contiguous block for the backward matmuls (matmul has no stride).
//
// Bindings: 0 params {rows, cols, srcLd, srcCol, dstLd, dstCol, rowGroups},
//           1 src [rows, srcLd] (read), 2 dst [rows, dstLd] (read_write; only the block is written).
// Dispatch: (ceil(cols / WG), rowGroups) workgroups; lane = column, workgroup y walks rows
//           y, y + rowGroups, ... (few workgroups: lavapipe pays several µs per workgroup).
// Numerics: exact copy.
override WG: u32 = 64;

struct Params { rows: u32, cols: u32, srcLd: u32, srcCol: u32, dstLd: u32, dstCol: u32, rowGroups: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let c = gid.x;
  if (c >= P.cols) { return; }
  for (var r = wid.y; r < P.rows; r += P.rowGroups) {
    dst[r * P.dstLd + P.dstCol + c] = src[r * P.srcLd + P.srcCol + c];
  }
}
