// rope: rotary position embedding, Hugging Face "rotate_half" convention (Qwen2/Llama): in each
// head, element i < half = headDim/2 pairs with i + half, and with angle = pos[r] * invFreq[i]
//   forward (SIGN = +1):  y[i] = x[i] cos - x[i+half] sin,  y[i+half] = x[i+half] cos + x[i] sin
//   backward (SIGN = -1): the same rotation by -angle (the transpose), applied to gradients.
//
// Bindings: 0 params {rows, heads, headDim, rowGroups}, 1 positions: array<u32> [rows] (read),
//           2 invFreq [headDim/2] (read; f32 as Hugging Face computes it, rope_scaling (linear,
//             llama3) already applied: built by lib/ops/rope.ts),
//           3 x [rows, heads*headDim] (read), 4 out [rows, heads*headDim] (write).
//           (kernels/rope_inplace.wgsl is the same with x read_write and no out.)
// Dispatch: (ceil(heads*half / WG), rowGroups) workgroups; lane = one (head, pair), and workgroup y
//           walks rows y, y + rowGroups, ... (positions[r] is then a uniform load; few workgroups:
//           lavapipe pays several µs per workgroup).
// Numerics: angle = f32(pos) * invFreq in f32 (as HF), then f32 cos/sin.
override WG: u32 = 64;
override SIGN: f32 = 1.0;

struct Params { rows: u32, heads: u32, headDim: u32, rowGroups: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> positions: array<u32>;
@group(0) @binding(2) var<storage, read> invFreq: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

fn rotation(r: u32, i: u32) -> vec2f {
  let angle = f32(positions[r]) * invFreq[i];
  return vec2f(cos(angle), SIGN * sin(angle));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let half = P.headDim / 2u;
  let j = gid.x;  // head * half + pair
  if (j >= P.heads * half) { return; }
  let h = j / half;
  let i = j - h * half;
  for (var row = wid.y; row < P.rows; row += P.rowGroups) {
    let o = (row * P.heads + h) * P.headDim + i;
    let cs = rotation(row, i);
    let x1 = x[o];
    let x2 = x[o + half];
    out[o] = x1 * cs.x - x2 * cs.y;
    out[o + half] = x2 * cs.x + x1 * cs.y;
  }
}
