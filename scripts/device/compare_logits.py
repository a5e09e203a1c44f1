"""Load a checkpoint folder written by scripts/device/gpu-train.mjs with Hugging Face transformers and
compare its logits on the same fixed input with ours (ours_logits.f32, ours_input.json in the folder).

Usage: python3 compare_logits.py DIR [--device cuda|cpu] [--tol 1e-3]
Prints one JSON line {max_abs, max_ref, rel, argmax_agree, ok}; exit 1 when max|ours - hf| > tol * max(1, max|hf|).
Without transformers it says so in one line and exits 2.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

try:
    from transformers import AutoModelForCausalLM
except ImportError:
    print('compare_logits: transformers is not installed in this python', file=sys.stderr)
    sys.exit(2)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('dir')
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--tol', type=float, default=1e-3)
    a = p.parse_args()
    ids = json.load(open(os.path.join(a.dir, 'ours_input.json')))
    model = AutoModelForCausalLM.from_pretrained(a.dir, torch_dtype=torch.float32).to(a.device).eval()
    # fp32 matmuls on the GPU: TF32 would differ from ours by more than the tolerance
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    with torch.no_grad():
        hf = model(torch.tensor(ids, device=a.device)).logits.float().cpu().numpy()
    ours = np.fromfile(os.path.join(a.dir, 'ours_logits.f32'), dtype=np.float32).reshape(hf.shape)
    diff = float(np.abs(ours - hf).max())
    ref = float(np.abs(hf).max())
    agree = float((ours.argmax(-1) == hf.argmax(-1)).mean())
    ok = diff <= a.tol * max(1.0, ref)
    print(json.dumps({'max_abs': diff, 'max_ref': ref, 'rel': diff / max(ref, 1e-30), 'argmax_agree': agree, 'ok': ok}))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
