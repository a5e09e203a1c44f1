#!/usr/bin/env python3
"""Peer for the matmul rows of scripts/bench.ts: float32 GEMM GFLOP/s.

CPU: numpy.matmul on float32 arrays (an sgemm call into the system BLAS, OpenBLAS on Debian).
CUDA (--device cuda): torch.mm on the GPU, timed with CUDA events.
Prints one JSON line: {"shapes": [{"m","n","k","gflops": {median,min,max,n}, "ms": {...}}], "env": ..., "peak_rss_mib": ...}.
GFLOP/s counts 2*m*n*k flops per product; for each shape we take the median over --reps timings after
--warmup untimed calls, each timing covering enough back-to-back products to last >= --min-ms.
"""
import argparse
import json
import sys
import time

import numpy as np

from peer_env import environment, peak_rss_mib, summary


def parse_shapes(text):
    """MxNxK[:ta][:tb], comma-separated: out[m,n] = op(a)[m,k] @ op(b)[k,n], a stored [k,m] with :ta, b [n,k] with :tb."""
    shapes = []
    for part in text.split(','):
        head, *flags = part.lower().split(':')
        dims = head.split('x')
        if len(dims) != 3 or not all(d.isdigit() and int(d) > 0 for d in dims) or not set(flags) <= {'ta', 'tb'}:
            sys.exit(f'sgemm.py: bad shape "{part}" (want MxNxK[:ta][:tb], e.g. 1024x1024x1024)')
        m, n, k = (int(d) for d in dims)
        shapes.append((m, n, k, 'ta' in flags, 'tb' in flags))
    return shapes


def time_numpy(m, n, k, ta, tb, warmup, reps, min_ms, rng):
    # Transposed views make numpy call sgemm with the transpose flag, as a linear layer's backward does.
    a = rng.standard_normal((k, m), dtype=np.float32).T if ta else rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((n, k), dtype=np.float32).T if tb else rng.standard_normal((k, n), dtype=np.float32)
    out = np.empty((m, n), dtype=np.float32)
    for _ in range(warmup):
        np.matmul(a, b, out=out)
    # Calibrate how many products make one timing long enough for the clock.
    t0 = time.perf_counter()
    np.matmul(a, b, out=out)
    one = max(time.perf_counter() - t0, 1e-6)
    inner = max(1, int(min_ms / 1000 / one))
    per_call = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            np.matmul(a, b, out=out)
        per_call.append((time.perf_counter() - t0) / inner)
    return per_call, inner


def time_torch_cuda(m, n, k, ta, tb, warmup, reps, min_ms):
    import torch
    a = torch.randn(k, m, device='cuda').t() if ta else torch.randn(m, k, device='cuda')
    b = torch.randn(n, k, device='cuda').t() if tb else torch.randn(k, n, device='cuda')
    out = torch.empty(m, n, device='cuda')
    for _ in range(warmup):
        torch.mm(a, b, out=out)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record(); torch.mm(a, b, out=out); end.record(); torch.cuda.synchronize()
    one = max(start.elapsed_time(end) / 1000, 1e-7)
    inner = max(1, int(min_ms / 1000 / one))
    per_call = []
    for _ in range(reps):
        start.record()
        for _ in range(inner):
            torch.mm(a, b, out=out)
        end.record()
        torch.cuda.synchronize()
        per_call.append(start.elapsed_time(end) / 1000 / inner)
    return per_call, inner


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--shapes', default='1024x1024x1024', help='comma-separated MxNxK[:ta][:tb] list')
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--reps', type=int, default=7)
    p.add_argument('--min-ms', type=float, default=200, help='minimum duration of one timing')
    p.add_argument('--threads', type=int, default=None, help='torch intra-op threads (numpy: set OPENBLAS_NUM_THREADS)')
    p.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    args = p.parse_args()
    shapes = parse_shapes(args.shapes)
    rng = np.random.default_rng(0)
    device_name = None
    if args.device == 'cuda':
        import torch
        if not torch.cuda.is_available():
            sys.exit('sgemm.py: --device cuda but torch.cuda.is_available() is False')
        device_name = torch.cuda.get_device_name(0)
        torch.backends.cuda.matmul.allow_tf32 = False  # plain fp32, like our WGSL kernels
    rows = []
    for m, n, k, ta, tb in shapes:
        if args.device == 'cuda':
            per_call, inner = time_torch_cuda(m, n, k, ta, tb, args.warmup, args.reps, args.min_ms)
        else:
            per_call, inner = time_numpy(m, n, k, ta, tb, args.warmup, args.reps, args.min_ms, rng)
        flops = 2.0 * m * n * k
        rows.append({
            'm': m, 'n': n, 'k': k, 'transA': ta, 'transB': tb, 'calls_per_timing': inner,
            'gflops': summary([flops / t / 1e9 for t in per_call]),
            'ms': summary([t * 1000 for t in per_call]),
        })
    out = {
        'peer': 'torch.mm (cuda)' if args.device == 'cuda' else f'numpy {np.__version__} matmul (sgemm)',
        'shapes': rows,
        'env': environment(device_name),
        'peak_rss_mib': peak_rss_mib(),
    }
    if args.device == 'cuda':
        import torch
        out['cuda_max_allocated_mib'] = torch.cuda.max_memory_allocated() / 2**20
    print(json.dumps(out))


if __name__ == '__main__':
    main()
