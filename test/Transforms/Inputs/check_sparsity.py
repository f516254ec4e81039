#!/usr/bin/env python3
"""Checks the achieved sparsity in a --tsparse-prune report.

usage: check_sparsity.py REPORT TARGET SCOPE [TOLERANCE]

With scope `global` the sparsity over all weights must be within TOLERANCE
(default 0.005) of TARGET; with `matrix` or `tile` every matrix must be. With
`tile` and a tile-wise pattern, every tile must also keep the same number of
rows, give or take one unit. Prints one line per check and exits with 1 on
the first failure.
"""

import json
import sys


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    path, target, scope = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    tolerance = float(sys.argv[4]) if len(sys.argv) > 4 else 0.005
    with open(path) as f:
        matmuls = [m for m in json.load(f)["matmuls"] if m["status"] == "pruned"]
    if not matmuls:
        fail("no pruned matmul in the report")

    if scope == "global":
        elements = sum(m["k"] * m["n"] for m in matmuls)
        achieved = sum(m["sparsity"] * m["k"] * m["n"] for m in matmuls) / elements
        checks = [("all weights", achieved)]
    else:
        checks = [("%dx%d" % (m["k"], m["n"]), m["sparsity"]) for m in matmuls]
    for name, achieved in checks:
        if abs(achieved - target) > tolerance:
            fail("%s: sparsity %.4f, expected %.4f +- %.4f"
                 % (name, achieved, target, tolerance))
        print("%s: sparsity %.3f" % (name, achieved))

    if scope == "tile" and matmuls[0]["pattern"] in ("tw1d", "tw2d", "bw"):
        for m in matmuls:
            rows = m["kept_rows_per_tile"]
            if rows["max"] - rows["min"] > m["mask"]["unit_k"]:
                fail("%dx%d: kept rows per tile from %d to %d"
                     % (m["k"], m["n"], rows["min"], rows["max"]))
            print("%dx%d: every tile keeps %d to %d rows"
                  % (m["k"], m["n"], rows["min"], rows["max"]))
    print("ok")


if __name__ == "__main__":
    main()
