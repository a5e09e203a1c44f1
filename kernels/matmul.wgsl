// matmul (lavapipe-tuned, vec4 + subgroups): out[m,n] (= | +=) op(a)[m,k] @ op(b)[k,n] (+ bias[n])
//   op(a) = a^T when TRANS_A (a stored [k,m]), else a stored [m,k];
//   op(b) = b^T when TRANS_B (b stored [n,k]), else b stored [k,n].
//
// Bindings: 0 params {m, n, k, accumulate}, 1 a: array<vec4f> (read), 2 b: array<vec4f> (read),
//           3 bias: array<vec4f> [n/4] (read; a dummy when HAS_BIAS is false),
//           4 out: array<vec4f> [m, n/4] (read_write; must not alias a, b or bias).
// Requires: n % 4 == 0, k % 4 == 0, and m % 4 == 0 when TRANS_A (lib/ops/matmul.ts falls back to
//           kernels/matmul_naive.wgsl otherwise); subgroups of at least 8 invocations.
// Dispatch: (ceil(n / 32), ceil(m / 16)) workgroups of 8 invocations (one subgroup on lavapipe).
//
// Why this shape (measured by scripts/bench-matmul.ts): llvmpipe runs 8 invocations as the lanes
// of one 256-bit SIMD vector and lowers every storage load to a per-lane loop with a bounds-check
// branch per component, so loads, not FMAs, set the speed; a vec4 load costs about as much as a
// scalar one per lane iteration, and workgroup memory goes through the same per-lane loop. So:
//  - a workgroup computes a 16 x 32 tile; lane l owns columns 4c..4c+3 (c = 8*wid.x + l) of all
//    16 rows: 16 vec4 accumulators per lane;
//  - per step of 4 along k, lane l loads ONE vec4 of the op(a) tile per 8 rows and the 8 lanes
//    share them with subgroupBroadcast (an extract + splat on llvmpipe, no memory), and each lane
//    loads 4 vec4 of op(b) for its own columns (for TRANS_B the 4 vec4 run along k and are
//    transposed in registers, free in llvmpipe's SoA layout);
//  - 6 vec4 loads per lane feed 256 FMAs per lane (16 rows instead of 32: same speed, fewer spills).
// Measured and rejected (scripts/bench-matmul.ts-style interleaved runs at 1024^3, 2 threads):
//  - 32 rows per workgroup (4 op(a) vec4 per lane): ~10% slower, the accumulators spill;
//  - the same FMAs ordered k-substep-major (one b vector live at a time): no change;
//  - loads at subgroup-uniform addresses (8 per-column loads merged by lane with select, or a
//    lane-per-row kernel reading b uniformly): 7-16x slower. llvmpipe's uniform-load path
//    (a bounds-checked scalar load per component) defeats the loop's vector code, so sharing
//    data through one per-lane load + subgroupBroadcast stays the cheapest way;
//  - a and b read with textureLoad from rgba32float textures (llvmpipe gathers texels with vector
//    code, no per-lane branch): 2x slower at 1024^3 than these storage loads;
//  - 512-bit llvmpipe (LP_NATIVE_VECTOR_WIDTH=512 on this AVX-512 CPU, subgroups of 16): this
//    kernel runs at the same speed with 8 of the 16 lanes busy, and a 16-lane variant (16 x 64
//    tile, one op(a) load per lane) was slower at 13 of 16 shapes (1024^3: 19-24 GFLOP/s against
//    22-26 at 256 bits, one run each): the per-lane load loop grows with the lanes.
// The GALLIVM_DEBUG=asm dump (MESA_SHADER_CACHE_DISABLE=true) of this kernel on llvmpipe/LLVM 15
// shows why loads dominate: each storage load becomes 8 scalar loads with a bounds-check branch
// each: the NN shader holds ~1200 compare/branch pairs against 256 vmulps, ~300 vaddps and no
// vfmadd (llvmpipe splits WGSL fma into a multiply and an add).
// The 16 x 32 tile is spelled out in the code (subgroupBroadcast needs a constant lane and WGSL
// cannot size function-scope arrays with overrides), so it is not an override constant.
// Rows past m are clamped for loads and skipped for stores; columns past n likewise.
// Numerics: f32 multiply-add in k order (one rounding per product where the driver fuses WGSL fma;
// lavapipe does not); bias added once at the end; accumulate adds the result to the old value of out.
enable subgroups;

override HAS_BIAS: bool = false;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Params { m: u32, n: u32, k: u32, accumulate: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;

// s + x.x b0 + x.y b1 + x.z b2 + x.w b3 as a chain of multiply-adds in k order (measured 10-30%
// faster on lavapipe than summing the 4 products first; one rounding per product where fused).
fn fma4(s: vec4f, x: vec4f, b0: vec4f, b1: vec4f, b2: vec4f, b3: vec4f) -> vec4f {
  return fma(vec4f(x.w), b3, fma(vec4f(x.z), b2, fma(vec4f(x.y), b1, fma(vec4f(x.x), b0, s))));
}

fn store(row: u32, c: u32, s: vec4f) {
  if (row >= P.m || c >= P.n / 4u) { return; }
  var v = s;
  if (HAS_BIAS) { v += bias[c]; }
  let o = row * (P.n / 4u) + c;
  if (P.accumulate != 0u) { v += out[o]; }
  out[o] = v;
}

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) l: u32) {
  let m4 = P.m / 4u; let n4 = P.n / 4u; let k4 = P.k / 4u;
  let r0 = wid.y * 16u;
  let cOut = wid.x * 8u + l;
  let c = min(cOut, n4 - 1u);
  // Where lane l's share of the op(a) tile starts, for rows r0..r0+7 (ia0) and r0+8..r0+15 (ia1).
  var ia0: u32; var ia1: u32; var da: u32;
  if (TRANS_A) {
    // lane l holds rows r0 + 8g + 4*(l/4) .. +3 at k = 4p + l%4 (a vec4 along m)
    ia0 = (l & 3u) * m4 + min(r0 / 4u + (l >> 2u), m4 - 1u);
    ia1 = (l & 3u) * m4 + min(r0 / 4u + 2u + (l >> 2u), m4 - 1u);
    da = 4u * m4;  // 4 rows of a per step, m/4 vec4 each
  } else {
    // lane l holds row r0 + 8g + l at k = 4p .. 4p+3 (a vec4 along k)
    ia0 = min(r0 + l, P.m - 1u) * k4;
    ia1 = min(r0 + 8u + l, P.m - 1u) * k4;
    da = 1u;
  }
  var ib: u32; var db: u32;
  if (TRANS_B) { ib = 4u * c * k4; db = 1u; } else { ib = c; db = n4; }

  var s0 = vec4f(0.0);
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var s3 = vec4f(0.0);
  var s4 = vec4f(0.0);
  var s5 = vec4f(0.0);
  var s6 = vec4f(0.0);
  var s7 = vec4f(0.0);
  var s8 = vec4f(0.0);
  var s9 = vec4f(0.0);
  var s10 = vec4f(0.0);
  var s11 = vec4f(0.0);
  var s12 = vec4f(0.0);
  var s13 = vec4f(0.0);
  var s14 = vec4f(0.0);
  var s15 = vec4f(0.0);
  for (var p = 0u; p < k4; p++) {
    let t0 = a[ia0 + p * da];
    let t1 = a[ia1 + p * da];
    var b0: vec4f; var b1: vec4f; var b2: vec4f; var b3: vec4f;
    if (TRANS_B) {
      let o = ib + p;
      let u0 = b[o]; let u1 = b[o + k4]; let u2 = b[o + 2u * k4]; let u3 = b[o + 3u * k4];
      b0 = vec4f(u0.x, u1.x, u2.x, u3.x); b1 = vec4f(u0.y, u1.y, u2.y, u3.y);
      b2 = vec4f(u0.z, u1.z, u2.z, u3.z); b3 = vec4f(u0.w, u1.w, u2.w, u3.w);
    } else {
      let o = ib + 4u * p * db;
      b0 = b[o]; b1 = b[o + db]; b2 = b[o + 2u * db]; b3 = b[o + 3u * db];
    }
    if (TRANS_A) {
      { let w0 = subgroupBroadcast(t0, 0u); let w1 = subgroupBroadcast(t0, 1u); let w2 = subgroupBroadcast(t0, 2u); let w3 = subgroupBroadcast(t0, 3u);
        s0 = fma4(s0, vec4f(w0.x, w1.x, w2.x, w3.x), b0, b1, b2, b3);
        s1 = fma4(s1, vec4f(w0.y, w1.y, w2.y, w3.y), b0, b1, b2, b3);
        s2 = fma4(s2, vec4f(w0.z, w1.z, w2.z, w3.z), b0, b1, b2, b3);
        s3 = fma4(s3, vec4f(w0.w, w1.w, w2.w, w3.w), b0, b1, b2, b3);
      }
      { let w0 = subgroupBroadcast(t0, 4u); let w1 = subgroupBroadcast(t0, 5u); let w2 = subgroupBroadcast(t0, 6u); let w3 = subgroupBroadcast(t0, 7u);
        s4 = fma4(s4, vec4f(w0.x, w1.x, w2.x, w3.x), b0, b1, b2, b3);
        s5 = fma4(s5, vec4f(w0.y, w1.y, w2.y, w3.y), b0, b1, b2, b3);
        s6 = fma4(s6, vec4f(w0.z, w1.z, w2.z, w3.z), b0, b1, b2, b3);
        s7 = fma4(s7, vec4f(w0.w, w1.w, w2.w, w3.w), b0, b1, b2, b3);
      }
      { let w0 = subgroupBroadcast(t1, 0u); let w1 = subgroupBroadcast(t1, 1u); let w2 = subgroupBroadcast(t1, 2u); let w3 = subgroupBroadcast(t1, 3u);
        s8 = fma4(s8, vec4f(w0.x, w1.x, w2.x, w3.x), b0, b1, b2, b3);
        s9 = fma4(s9, vec4f(w0.y, w1.y, w2.y, w3.y), b0, b1, b2, b3);
        s10 = fma4(s10, vec4f(w0.z, w1.z, w2.z, w3.z), b0, b1, b2, b3);
        s11 = fma4(s11, vec4f(w0.w, w1.w, w2.w, w3.w), b0, b1, b2, b3);
      }
      { let w0 = subgroupBroadcast(t1, 4u); let w1 = subgroupBroadcast(t1, 5u); let w2 = subgroupBroadcast(t1, 6u); let w3 = subgroupBroadcast(t1, 7u);
        s12 = fma4(s12, vec4f(w0.x, w1.x, w2.x, w3.x), b0, b1, b2, b3);
        s13 = fma4(s13, vec4f(w0.y, w1.y, w2.y, w3.y), b0, b1, b2, b3);
        s14 = fma4(s14, vec4f(w0.z, w1.z, w2.z, w3.z), b0, b1, b2, b3);
        s15 = fma4(s15, vec4f(w0.w, w1.w, w2.w, w3.w), b0, b1, b2, b3);
      }
    } else {
      s0 = fma4(s0, subgroupBroadcast(t0, 0u), b0, b1, b2, b3);
      s1 = fma4(s1, subgroupBroadcast(t0, 1u), b0, b1, b2, b3);
      s2 = fma4(s2, subgroupBroadcast(t0, 2u), b0, b1, b2, b3);
      s3 = fma4(s3, subgroupBroadcast(t0, 3u), b0, b1, b2, b3);
      s4 = fma4(s4, subgroupBroadcast(t0, 4u), b0, b1, b2, b3);
      s5 = fma4(s5, subgroupBroadcast(t0, 5u), b0, b1, b2, b3);
      s6 = fma4(s6, subgroupBroadcast(t0, 6u), b0, b1, b2, b3);
      s7 = fma4(s7, subgroupBroadcast(t0, 7u), b0, b1, b2, b3);
      s8 = fma4(s8, subgroupBroadcast(t1, 0u), b0, b1, b2, b3);
      s9 = fma4(s9, subgroupBroadcast(t1, 1u), b0, b1, b2, b3);
      s10 = fma4(s10, subgroupBroadcast(t1, 2u), b0, b1, b2, b3);
      s11 = fma4(s11, subgroupBroadcast(t1, 3u), b0, b1, b2, b3);
      s12 = fma4(s12, subgroupBroadcast(t1, 4u), b0, b1, b2, b3);
      s13 = fma4(s13, subgroupBroadcast(t1, 5u), b0, b1, b2, b3);
      s14 = fma4(s14, subgroupBroadcast(t1, 6u), b0, b1, b2, b3);
      s15 = fma4(s15, subgroupBroadcast(t1, 7u), b0, b1, b2, b3);
    }
  }
  store(r0 + 0u, cOut, s0); store(r0 + 1u, cOut, s1); store(r0 + 2u, cOut, s2); store(r0 + 3u, cOut, s3);
  store(r0 + 4u, cOut, s4); store(r0 + 5u, cOut, s5); store(r0 + 6u, cOut, s6); store(r0 + 7u, cOut, s7);
  store(r0 + 8u, cOut, s8); store(r0 + 9u, cOut, s9); store(r0 + 10u, cOut, s10); store(r0 + 11u, cOut, s11);
  store(r0 + 12u, cOut, s12); store(r0 + 13u, cOut, s13); store(r0 + 14u, cOut, s14); store(r0 + 15u, cOut, s15);
}
