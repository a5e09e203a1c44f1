#!/usr/bin/env bash
# The device check, run from the unpacked bundle (npm run device:bundle; docs/gpu.md) on a machine
# with a GPU, a Vulkan loader and Python with torch (+ transformers for the logits check), no Node.
#   1. kernels: tuned matmul and subgroup attention vs float64 references at every subgroup size
#      the launchers may be told (4..64), run at the device's real size;
#   2. gpu scale: a few training steps of a model with Qwen2.5-0.5B's shapes, saved as a HF folder;
#   3. transformers loads that folder and compares logits with ours on a fixed input;
#   4. benchmark: matmul GFLOP/s, training and sampling tokens/s of the cpu-preset model, ours vs
#      PyTorch on the same device (CUDA when torch sees one), ratios printed.
# Results: one JSON file per part in $OUT (default ./out); exit 1 when a check fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/out}
work=${WORK:-/tmp/vggm-device}
py=${PYTHON:-python3}
mkdir -p "$out" "$work"
cd "$here"
[ -x "$work/node" ] || { xz -dc node.xz > "$work/node" && chmod +x "$work/node"; } || { echo "run.sh: cannot unpack node.xz"; exit 1; }
node="$work/node"
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  echo "run.sh: warning: no libvulkan.so.1 in the linker cache: Dawn will find no adapter (docs/gpu.md: bring the Vulkan loader)"
fi
fail=0
step() { echo "== $1"; }

step "kernels at subgroup sizes 4..64"
"$node" scripts/device/subgroup-check.mjs > "$out/kernels.json" || fail=1
cat "$out/kernels.json"

step "gpu scale: Qwen2.5-0.5B shapes, ${STEPS:-5} training steps"
"$node" scripts/device/gpu-train.mjs --out "$work/ckpt" --steps "${STEPS:-5}" > "$out/gpu-train.json" || fail=1
cat "$out/gpu-train.json"

step "transformers logits vs ours"
"$py" compare_logits.py "$work/ckpt" > "$out/logits.json"; rc=$?
cat "$out/logits.json"
case $rc in 0) ;; 2) echo "run.sh: logits check skipped (no transformers)" ;; *) fail=1 ;; esac

step "benchmark vs PyTorch on this device"
"$node" scripts/device/gpu-train.mjs --model cpu --out "$work/cpu" --steps 1 --batch 1 --seq-len 16 > /dev/null || fail=1
shapes=1024x1024x1024,4096x4096x4096,2048x896x896:tb,2048x4864x896:tb
"$node" scripts/device/bench-ours.mjs --task matmul --shapes "$shapes" > "$work/ours-matmul.json" || fail=1
dev=$("$py" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")') || dev=cpu
"$py" peers/sgemm.py --shapes "$shapes" --device "$dev" > "$work/peer-matmul.json" || fail=1
for task in train sample; do
  if [ $task = train ]; then w="--batch 32 --seq-len 256"; else w="--batch 64 --prompt-len 16 --new-tokens 64"; fi
  "$node" scripts/device/bench-ours.mjs --task $task --family qwen-like --scale cpu --vocab 512 $w > "$work/ours-$task.json" || fail=1
  "$py" peers/torch_model.py --config "$work/cpu/config.json" --task $task --device auto $w > "$work/peer-$task.json" || fail=1
done
"$py" - "$work" > "$out/bench.json" <<'PY' || fail=1
import json, sys, os
w = sys.argv[1]
last = lambda f: json.loads(open(os.path.join(w, f)).read().strip().splitlines()[-1])
rows = []
om, pm = last('ours-matmul.json'), last('peer-matmul.json')
for o, p in zip(om['shapes'], pm['shapes']):
    rows.append({'name': f"matmul {o['m']}x{o['n']}x{o['k']}", 'unit': 'GFLOP/s', 'ours': o['gflops']['median'], 'peer': p['gflops']['median']})
for t in ('train', 'sample'):
    o, p = last(f'ours-{t}.json'), last(f'peer-{t}.json')
    rows.append({'name': f'{t} tokens/s', 'unit': 'tokens/s', 'ours': o['tokensPerS']['median'], 'peer': p['tokens_per_s']['median']})
for r in rows: r['ratio'] = r['ours'] / r['peer']
print(json.dumps({'adapter': om.get('adapter'), 'rows': rows}))
for r in rows: print(f"{r['name']:28s} ours {r['ours']:10.1f}  peer {r['peer']:10.1f}  ratio {r['ratio']:.2f}", file=sys.stderr)
PY
cat "$out/bench.json"
echo "run.sh: $([ $fail -eq 0 ] && echo all checks passed || echo 'a check FAILED')"
exit $fail
