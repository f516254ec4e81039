#!/usr/bin/env python3
"""PyTorch on the same pruned weights as gpu_bench: dense F.linear (cuBLAS)
and block-sparse F.linear on a BSR weight (to_sparse_bsr; Triton kernels);
and, at 50 %, PyTorch's 2:4 semi-structured F.linear
(to_sparse_semi_structured: cuSPARSELt when PyTorch has it, CUTLASS
otherwise) on the same dense weights pruned 2:4 along K, the sparse tensor
cores' own pattern.

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


def load_weight(weights_dir, k, n, sparsity):
    """The K x N f16 weight gpu_bench wrote, as PyTorch's N x K on the GPU."""
    path = "%s/w_%d_%d_s%02d.f16" % (weights_dir, k, n, sparsity)
    w = torch.from_file(path, size=k * n, dtype=torch.float16)
    return w.view(k, n).t().contiguous().cuda()


def max_rel_error(x, weight, sparse):
    """Largest error of F.linear on `sparse` against the dense `weight`,
    relative to the largest dense result."""
    ref = F.linear(x, weight).float()
    got = F.linear(x, sparse).float()
    return ((got - ref).abs().max() / ref.abs().max().clamp_min(1e-30)).item()


def main():
    weights_dir, out_path = sys.argv[1:3]
    print("torch %s on %s" % (torch.__version__, torch.cuda.get_device_name()))
    print("| layer (K x N) | M | sparsity | torch dense ms | torch BSR%dx%d ms "
          "| BSR vs dense | max rel error |" % BLOCK)
    print("|---|---|---|---|---|---|---|")
    with open(out_path, "w") as out:
        for k, n in SHAPES:
            for s in SPARSITIES:
                weight = load_weight(weights_dir, k, n, s)
                bsr = weight.to_sparse_bsr(BLOCK)
                for m in BATCHES:
                    x = torch.randn(m, k, dtype=torch.float16, device="cuda")
                    dense_ms = time_ms(lambda: F.linear(x, weight))
                    record = {"kind": "torch", "k": k, "n": n, "m": m,
                              "sparsity": s / 100.0, "torch_dense_ms": dense_ms}
                    try:
                        error = max_rel_error(x, weight, bsr)
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
        semi_structured(weights_dir, out)


def prune_2to4(weight):
    """Keeps the 2 largest magnitudes of every 4 consecutive elements of a
    row of the N x K weight."""
    groups = weight.view(weight.shape[0], -1, 4)
    keep = groups.abs().topk(2, dim=-1).indices
    mask = torch.zeros_like(groups, dtype=torch.bool).scatter_(-1, keep, True)
    return (groups * mask).view_as(weight)


def semi_structured(weights_dir, out):
    """2:4 F.linear against dense on the layer shapes. The dense weights
    before tile-wise pruning are not stored, so the 50 % TW-2D weights are
    pruned 2:4 again (their kept tiles keep half of each group of 4)."""
    try:
        from torch.sparse import to_sparse_semi_structured
    except ImportError as e:
        print("2:4 semi-structured sparsity not available: %s" % e)
        return
    backend = ("cuSPARSELt" if torch.backends.cusparselt.is_available()
               else "CUTLASS")
    print("\n2:4 semi-structured F.linear (%s) at 50 %%" % backend)
    print("| layer (K x N) | M | torch dense ms | torch 2:4 ms | 2:4 vs dense "
          "| max rel error |")
    print("|---|---|---|---|---|---|")
    for k, n in SHAPES:
        weight = prune_2to4(load_weight(weights_dir, k, n, 50))
        for m in BATCHES:
            x = torch.randn(m, k, dtype=torch.float16, device="cuda")
            dense_ms = time_ms(lambda: F.linear(x, weight))
            record = {"kind": "torch_2to4", "k": k, "n": n, "m": m,
                      "sparsity": 0.5, "backend": backend,
                      "torch_dense_ms": dense_ms}
            try:
                sparse = to_sparse_semi_structured(weight)
                error = max_rel_error(x, weight, sparse)
                record["torch_2to4_ms"] = time_ms(lambda: F.linear(x, sparse))
                record["torch_2to4_rel_error"] = error
                print("| %d x %d | %d | %.4f | %.4f | %.2fx | %.2g |"
                      % (k, n, m, dense_ms, record["torch_2to4_ms"],
                         dense_ms / record["torch_2to4_ms"], error))
            except Exception as e:  # An unsupported case is a result.
                record["torch_2to4_error"] = str(e)[:200]
                print("| %d x %d | %d | %.4f | failed: %s | | |"
                      % (k, n, m, dense_ms, str(e)[:60]))
            out.write(json.dumps(record) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
