// sample: draw one token id per row on the device (greedy, or temperature + top-k + top-p), with a
// per-row PRNG state that the kernel advances, so a decode loop needs no readback per token.
//   greedy:  ids[b] = argmax_i logits[b,i] (lowest index on ties); rngState untouched.
//   else:    z = logits/temperature; kept = {i : key(z_i) >= tau}; ids[b] ~ softmax(z) restricted to kept
//   tau = max(tauK, tauP); key() maps f32 to u32 preserving order, so thresholds are exact integers:
//   tauK = the k-th largest key (top-k keeps ties with the k-th value; topK = 0 or >= V disables),
//   tauP = the largest key whose kept mass sum_{key_i >= max(tauK, tauP)} e_i >= topP * (mass kept
//          by top-k), i.e. the smallest top set reaching topP, ties included (topP >= 1 disables).
//   Both thresholds are found bit by bit (32 counting/summing passes each) instead of sorting.
// PRNG: PCG-style LCG step on rngState[b] with an output permutation; u = top 24 bits / 2^24.
//
// Logits larger than one storage binding are bound in pieces of whole rows (one dispatch each; a
// row's draw never depends on another row): logits is a view of rows row0..row0+B-1, while ids and
// rngState are bound whole and indexed at row0 + (the row within the piece). Unsplit: row0 = 0.
//
// Bindings: 0 params, 1 logits: array<f32> [B, V] (read), 2 ids: array<u32> [row0+B] (write),
//           3 rngState: array<u32> [row0+B] (read_write)
// Dispatch: (B) workgroups of WG lanes; lane l owns the contiguous chunk [l*C, (l+1)*C), C = ceil(V/WG).
// Reductions: every lane writes its partial, a barrier, then every lane adds the WG partials in lane
// order (broadcast loads); 2 barriers per reduction instead of a log2(WG) tree (lavapipe barriers are
// costly). The draw: each lane's kept mass, a sequential prefix over lanes (identical in every
// lane), the one lane whose [prefix, prefix + mass) holds u * total walks its chunk.
// Numerics: e_i = exp(z_i - max z) in f32; tokens whose e_i underflows to 0 are never drawn; a row
// without positive finite mass (NaN logits) gets its argmax (or 0), so ids[b] is always written.
override WG: u32 = 16;

struct Params { V: u32, topK: u32, greedy: u32, invTemp: f32, topP: f32, row0: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> ids: array<u32>;
@group(0) @binding(3) var<storage, read_write> rngState: array<u32>;

var<workgroup> redF: array<f32, WG>;
var<workgroup> redU: array<u32, WG>;
var<workgroup> uDraw: f32;

const NONE = 0xffffffffu;

// Order-preserving f32 -> u32: negative floats flip all bits, non-negative ones set the sign bit.
fn keyOf(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

fn sumU(lid: u32, x: u32) -> u32 {
  workgroupBarrier();
  redU[lid] = x;
  workgroupBarrier();
  var s = 0u;
  for (var i = 0u; i < WG; i++) { s += redU[i]; }
  return s;
}

fn sumF(lid: u32, x: f32) -> f32 {
  workgroupBarrier();
  redF[lid] = x;
  workgroupBarrier();
  var s = 0.0;
  for (var i = 0u; i < WG; i++) { s += redF[i]; }
  return s;
}

fn pcgNext(state: u32) -> u32 { return state * 747796405u + 2891336453u; }
fn pcgOut(state: u32) -> u32 {
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let base = wid.x * P.V;
  let b = P.row0 + wid.x; // this row's slot in ids and rngState
  let C = (P.V + WG - 1u) / WG;
  let lo = min(lid * C, P.V);
  let hi = min(lo + C, P.V);

  // Max and first argmax: per chunk, then over lanes in order (strict > keeps the lowest index).
  var best = -3.4e38;
  var bestI = NONE;
  for (var i = lo; i < hi; i++) {
    let x = logits[base + i];
    if (x > best || bestI == NONE) { best = x; bestI = i; }
  }
  redF[lid] = best;
  redU[lid] = bestI;
  workgroupBarrier();
  var mx = -3.4e38;
  var arg = NONE;
  for (var i = 0u; i < WG; i++) {
    if (redU[i] != NONE && (redF[i] > mx || arg == NONE)) { mx = redF[i]; arg = redU[i]; }
  }
  // All-NaN rows have no argmax; id 0 keeps the output a valid token id.
  let fallback = select(arg, 0u, arg == NONE);
  if (P.greedy == 1u) {
    if (lid == 0u) { ids[b] = fallback; }
    return;
  }
  let zmax = mx * P.invTemp;

  var tau = 0u;
  if (P.topK > 0u && P.topK < P.V) {
    for (var bit = 31i; bit >= 0; bit--) {
      let cand = tau | (1u << u32(bit));
      var cnt = 0u;
      for (var i = lo; i < hi; i++) { cnt += select(0u, 1u, keyOf(logits[base + i]) >= cand); }
      tau = select(tau, cand, sumU(lid, cnt) >= P.topK);
    }
  }

  if (P.topP < 1.0) {
    var part = 0.0;
    for (var i = lo; i < hi; i++) {
      let x = logits[base + i];
      if (keyOf(x) >= tau) { part += exp(x * P.invTemp - zmax); }
    }
    let need = P.topP * sumF(lid, part);
    var tp = 0u;
    for (var bit = 31i; bit >= 0; bit--) {
      let cand = tp | (1u << u32(bit));
      let thr = max(cand, tau);
      var mass = 0.0;
      for (var i = lo; i < hi; i++) {
        let x = logits[base + i];
        if (keyOf(x) >= thr) { mass += exp(x * P.invTemp - zmax); }
      }
      tp = select(tp, cand, sumF(lid, mass) >= need);
    }
    tau = max(tau, tp);
  }

  // The draw.
  var cs = 0.0;
  for (var i = lo; i < hi; i++) {
    let x = logits[base + i];
    if (keyOf(x) >= tau) { cs += exp(x * P.invTemp - zmax); }
  }
  workgroupBarrier();
  redF[lid] = cs;
  if (lid == 0u) {
    let s = pcgNext(rngState[b]);
    rngState[b] = s;
    uDraw = f32(pcgOut(s) >> 8u) * (1.0 / 16777216.0);
  }
  workgroupBarrier();
  var total = 0.0;
  var excl = 0.0;
  var lastLane = 0u;
  for (var i = 0u; i < WG; i++) {
    if (i == lid) { excl = total; }
    total += redF[i];
    if (redF[i] > 0.0) { lastLane = i; }
  }
  // No finite positive mass (NaN logits): the argmax, so every row still gets a valid id.
  if (!(total > 0.0)) {
    if (lid == 0u) { ids[b] = fallback; }
    return;
  }
  let goal = uDraw * total;
  let incl = excl + cs;
  let mine = cs > 0.0 && ((goal >= excl && goal < incl) || (lid == lastLane && goal >= incl));
  if (!mine) { return; }
  let r = goal - excl;
  var local = 0.0;
  var pick = NONE;
  var lastKept = lo;
  for (var i = lo; i < hi; i++) {
    let x = logits[base + i];
    if (keyOf(x) < tau) { continue; }
    let e = exp(x * P.invTemp - zmax);
    if (e > 0.0) { lastKept = i; }
    local += e;
    if (pick == NONE && r < local) { pick = i; }
  }
  ids[b] = select(lastKept, pick, pick != NONE);
}
