#!/usr/bin/env python3
"""Joins gpu_bench and torch_bsr results into one markdown table.

Usage: report.py <tsparse.json> <torch.json>
"""

import json
import sys


def load(path):
    try:
        return [json.loads(line) for line in open(path) if line.strip()]
    except OSError:
        return []


def main():
    ours = load(sys.argv[1])
    torch = {(r["k"], r["n"], r["m"], r["sparsity"]): r for r in load(sys.argv[2])}
    checks = [r for r in ours if r["kind"] == "check"]
    bench = [r for r in ours if r["kind"] == "bench"]
    if bench:
        print("GPU: %s\n" % bench[0]["gpu"])
    if checks:
        bad = [r for r in checks if not r["ok"]]
        print("Correctness: %d cases (5 kernels x sparsity 0-0.95 x 4 shapes) "
              "against cuBLAS, %d mismatches, worst relative error %.3g.\n"
              % (len(checks), len(bad), max(r["rel_error"] for r in checks)))
    print("| layer (K x N) | M | sparsity | cuBLAS ms | tsparse WMMA ms | "
          "vs cuBLAS | PyTorch BSR ms | vs BSR | ideal |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in bench:
        t = torch.get((r["k"], r["n"], r["m"], r["sparsity"]), {})
        bsr = t.get("torch_bsr_ms")
        print("| %d x %d | %d | %.2f | %.4f | %.4f | %.2fx | %s | %s | %.1fx |" % (
            r["k"], r["n"], r["m"], r["sparsity"], r["cublas_ms"],
            r["tsparse_wmma_ms"], r["cublas_ms"] / r["tsparse_wmma_ms"],
            "%.4f" % bsr if bsr else "n/a",
            "%.2fx" % (bsr / r["tsparse_wmma_ms"]) if bsr else "n/a",
            1.0 / (1.0 - r["sparsity"])))


if __name__ == "__main__":
    main()
