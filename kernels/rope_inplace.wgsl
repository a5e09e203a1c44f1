// rope_inplace: kernels/rope.wgsl when out is x itself (WebGPU cannot bind one buffer as both a
// read-only and a writable storage binding of the same dispatch). Same formulas and numerics.
//
// Bindings: 0 params {rows, heads, headDim, rowGroups}, 1 positions: array<u32> [rows] (read),
//           2 invFreq [headDim/2] (read; rope_scaling already applied), 3 x [rows, heads*headDim] (read_write, rotated in place).
// Dispatch: (ceil(heads*half / WG), rowGroups) workgroups; lane = one (head, pair), and workgroup y
//           walks rows y, y + rowGroups, ... (positions[r] is then a uniform load; few workgroups:
//           lavapipe pays several µs per workgroup).
override WG: u32 = 64;
override SIGN: f32 = 1.0;

struct Params { rows: u32, heads: u32, headDim: u32, rowGroups: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> positions: array<u32>;
@group(0) @binding(2) var<storage, read> invFreq: array<f32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let half = P.headDim / 2u;
  let j = gid.x;  // head * half + pair
  if (j >= P.heads * half) { return; }
  let h = j / half;
  let i = j - h * half;
  for (var row = wid.y; row < P.rows; row += P.rowGroups) {
    let o = (row * P.heads + h) * P.headDim + i;
    let angle = f32(positions[row]) * invFreq[i];
    let c = cos(angle);
    let s = SIGN * sin(angle);
    let x1 = x[o];
    let x2 = x[o + half];
    x[o] = x1 * c - x2 * s;
    x[o + half] = x2 * c + x1 * s;
  }
}
