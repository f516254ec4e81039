#!/usr/bin/env python3
"""Joins gpu_bench and torch_bsr results (PyTorch BSR, and 2:4 semi-structured
at 50 %) into one markdown table.

Usage: report.py <torch.json> <tsparse.json>...   (one gpu_bench run each)
"""

import json
import sys


def load(path):
    try:
        return [json.loads(line) for line in open(path) if line.strip()]
    except OSError:
        return []


def main():
    peers = load(sys.argv[1])
    torch = {(r["k"], r["n"], r["m"], r["sparsity"]): r for r in peers
             if r["kind"] == "torch"}
    # 2:4 semi-structured F.linear at 50 % (its own pruning pattern).
    semi = {(r["k"], r["n"], r["m"]): r for r in peers
            if r["kind"] == "torch_2to4"}
    ours = [r for path in sys.argv[2:] for r in load(path)]
    checks = [r for r in ours if r["kind"] == "check"]
    # Timings of one layer from several runs, merged.
    merged = {}
    for r in ours:
        if r["kind"] == "bench":
            merged.setdefault((r["k"], r["n"], r["m"], r["sparsity"]), {}).update(r)
    bench = list(merged.values())
    if bench:
        print("GPU: %s\n" % bench[0]["gpu"])
    if checks:
        bad = [r for r in checks if not r["ok"]]
        kernels = sorted({r["kernel"] for r in checks})
        print("Correctness: %d cases (%d kernels x sparsity 0-0.95 x 5 shapes) "
              "against cuBLAS, %d mismatches, worst relative error %.3g.\n"
              % (len(checks), len(kernels), len(bad),
                 max(r["rel_error"] for r in checks)))
    keys = ("tsparse_wmma_ms", "tsparse_mma_sync_ms",
            "tsparse_mma_sync_kmajor_ms", "tsparse_mma_sync_transpose_a_ms",
            "tsparse_wgmma_kmajor_ms", "tsparse_wgmma_transpose_a_ms",
            "tsparse_mma_sync_persistent_ms",
            "tsparse_mma_sync_kmajor_persistent_ms",
            "tsparse_mma_sync_transpose_a_persistent_ms")
    print("| layer (K x N) | M | sparsity | cuBLAS ms | cuSPARSE ms | WMMA ms | "
          "mma.sync ms | mma.sync K-major A ms | transpose + mma.sync ms | "
          "wgmma K-major A ms | transpose + wgmma ms | mma.sync persistent ms | "
          "mma.sync K-major A persistent ms | transpose + mma.sync persistent "
          "ms | best vs cuBLAS | PyTorch BSR ms | best vs BSR | "
          "PyTorch 2:4 ms (50 %) | ideal |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
          "---|---|---|")
    for r in bench:
        t = torch.get((r["k"], r["n"], r["m"], r["sparsity"]), {})
        bsr = t.get("torch_bsr_ms")
        two_four = None
        if r["sparsity"] == 0.5:
            two_four = semi.get((r["k"], r["n"], r["m"]), {}).get("torch_2to4_ms")
        times = [r.get(key) for key in keys]
        best = min(ms for ms in times if ms)
        sparse = r.get("cusparse_ms")
        print("| %d x %d | %d | %.2f | %.4f | %s | %s | %.2fx | %s | %s | %s | "
              "%.1fx |" % (
                  r["k"], r["n"], r["m"], r["sparsity"], r["cublas_ms"],
                  "%.4f" % sparse if sparse else "n/a",
                  " | ".join("%.4f" % ms if ms else "n/a" for ms in times),
                  r["cublas_ms"] / best,
                  "%.4f" % bsr if bsr else "n/a",
                  "%.2fx" % (bsr / best) if bsr else "n/a",
                  "%.4f" % two_four if two_four else "n/a",
                  1.0 / (1.0 - r["sparsity"])))


if __name__ == "__main__":
    main()
