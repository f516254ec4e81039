#!/usr/bin/env python3
"""PyTorch on the same pruned weights as gpu_bench: dense F.linear (cuBLAS)
and block-sparse F.linear on a BSR weight (to_sparse_bsr; Triton kernels).

Usage: torch_bsr.py <weights dir written by gpu_bench> <results.json>
"""

import json
import sys

import torch
import torch.nn.functional as F

SHAPES = [(1024, 4096), (4096, 1024), (4096, 4096)]
SPARSITIES = [50, 75, 90]
BATCHES = [4096, 16]
BLOCK = (32, 32)


def time_ms(fn):
    fn()
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(
        enable_timing=True)
    reps = 1
    while True:
        start.record()
        for _ in range(reps):
            fn()
        stop.record()
        stop.synchronize()
        ms = start.elapsed_time(stop)
        if ms > 50 or reps >= 1000:
            return ms / reps
        reps *= 4


def main():
    weights_dir, out_path = sys.argv[1:3]
    print("torch %s on %s" % (torch.__version__, torch.cuda.get_device_name()))
    print("| layer (K x N) | M | sparsity | torch dense ms | torch BSR%dx%d ms "
          "| BSR vs dense | max rel error |" % BLOCK)
    print("|---|---|---|---|---|---|---|")
    with open(out_path, "w") as out:
        for k, n in SHAPES:
            for s in SPARSITIES:
                path = "%s/w_%d_%d_s%02d.f16" % (weights_dir, k, n, s)
                w = torch.from_file(path, size=k * n, dtype=torch.float16)
                weight = w.view(k, n).t().contiguous().cuda()  # [N x K]
                bsr = weight.to_sparse_bsr(BLOCK)
                for m in BATCHES:
                    x = torch.randn(m, k, dtype=torch.float16, device="cuda")
                    dense_ms = time_ms(lambda: F.linear(x, weight))
                    record = {"kind": "torch", "k": k, "n": n, "m": m,
                              "sparsity": s / 100.0, "torch_dense_ms": dense_ms}
                    try:
                        ref = F.linear(x, weight).float()
                        got = F.linear(x, bsr).float()
                        error = ((got - ref).abs().max() /
                                 ref.abs().max().clamp_min(1e-30)).item()
                        record["torch_bsr_ms"] = time_ms(lambda: F.linear(x, bsr))
                        record["torch_bsr_rel_error"] = error
                        print("| %d x %d | %d | %.2f | %.4f | %.4f | %.2fx | %.2g |"
                              % (k, n, m, s / 100.0, dense_ms,
                                 record["torch_bsr_ms"],
                                 dense_ms / record["torch_bsr_ms"], error))
                    except Exception as e:  # An unsupported case is a result.
                        record["torch_bsr_error"] = str(e)[:200]
                        print("| %d x %d | %d | %.2f | %.4f | failed: %s | | |"
                              % (k, n, m, s / 100.0, dense_ms, str(e)[:60]))
                    out.write(json.dumps(record) + "\n")
                    sys.stdout.flush()


if __name__ == "__main__":
    main()
