#!/usr/bin/env python3
"""Generates the reference-path execution tests in test/Integration/CPU/.

Every case packs a random weight matrix with a random unit mask, multiplies it
through tsparse twice (a runtime pack inside a function, and a pack of
constants that folds at compile time) and compares both results with
`linalg.matmul` on weights masked here, in Python. The test prints the largest
absolute difference (must be 0: all values are small integers, so every path
is exact) and a checksum of the result computed here.

Deterministic: rerun after editing to regenerate the files.
"""

import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "test", "Integration", "CPU")


class Case:
    def __init__(self, m, k, n, elem, acc, tile_n, unit_k=1, compacted=False,
                 residual=False, keep=0.5, keep_cols=0.7, from_zeros=False,
                 why=""):
        self.m, self.k, self.n = m, k, n
        self.elem, self.acc = elem, acc
        self.tile_n, self.unit_k = tile_n, unit_k
        self.compacted, self.residual = compacted, residual
        self.keep, self.keep_cols = keep, keep_cols
        # Pack without masks: the weights are pruned here and tsparse infers
        # the masks from their zeros.
        self.from_zeros = from_zeros
        self.why = why

    def layout(self):
        parts = ["tile_n = %d" % self.tile_n]
        if self.unit_k != 1:
            parts.append("unit_k = %d" % self.unit_k)
        if self.compacted:
            parts.append("columns = compacted")
        if self.residual:
            parts.append("residual = csr")
        return "#tsparse.layout<%s>" % ", ".join(parts)


def ceil_div(a, b):
    return (a + b - 1) // b


def dense_literal(rows, fmt):
    if isinstance(rows[0], list):
        return "[" + ", ".join(dense_literal(r, fmt) for r in rows) + "]"
    return "[" + ", ".join(fmt(v) for v in rows) + "]"


def fmt_float(v):
    return "%.1f" % v


def fmt_bool(v):
    return "true" if v else "false"


def build_case(case, rng):
    """Returns the random operands and the weights masked as tsparse packs."""
    a = [[float(rng.randint(-3, 3)) for _ in range(case.k)] for _ in range(case.m)]
    w = [[float(rng.randint(-3, 3)) for _ in range(case.n)] for _ in range(case.k)]
    c = [[float(rng.randint(-2, 2)) for _ in range(case.n)] for _ in range(case.m)]
    units = case.k // case.unit_k
    max_tiles = ceil_div(case.n, case.tile_n)
    unit_mask = [[rng.random() < case.keep for _ in range(max_tiles)]
                 for _ in range(units)]
    col_mask = [rng.random() < case.keep_cols for _ in range(case.n)]

    # Tile of every column: kept-column rank for compacted layouts.
    tile_of, rank = [], 0
    for col in range(case.n):
        if case.compacted:
            tile_of.append(rank // case.tile_n)
            rank += 1 if col_mask[col] else 0
        else:
            tile_of.append(col // case.tile_n)
    masked = [[0.0] * case.n for _ in range(case.k)]
    for row in range(case.k):
        for col in range(case.n):
            kept = unit_mask[row // case.unit_k][tile_of[col]]
            if case.compacted:
                kept = kept and col_mask[col]
            if kept or case.residual:
                masked[row][col] = w[row][col]
    if case.from_zeros:
        w = masked
    expected = [[c[i][j] + sum(a[i][p] * masked[p][j] for p in range(case.k))
                 for j in range(case.n)] for i in range(case.m)]
    checksum = int(sum(sum(r) for r in expected))
    return a, w, c, unit_mask, col_mask, masked, checksum


def helpers(acc_types):
    out = []
    for acc in sorted(acc_types):
        ext_diff = "%ad" if acc == "f32" else "%ade"
        ext_line = "" if acc == "f32" else \
            "      %%ade = arith.extf %%ad : %s to f32\n" % acc
        out.append("""
func.func @max_abs_diff_{acc}(%x: tensor<?x?x{acc}>, %y: tensor<?x?x{acc}>) -> f32 {{
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<f32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<f32>) -> tensor<f32>
  %r = linalg.generic {{
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>,
                       affine_map<(i, j) -> ()>],
      iterator_types = ["reduction", "reduction"]}}
      ins(%x, %y : tensor<?x?x{acc}>, tensor<?x?x{acc}>) outs(%fill : tensor<f32>) {{
    ^bb0(%u: {acc}, %v: {acc}, %best: f32):
      %d = arith.subf %u, %v : {acc}
      %ad = math.absf %d : {acc}
{ext_line}      %m = arith.maximumf %best, {ext_diff} : f32
      linalg.yield %m : f32
  }} -> tensor<f32>
  %e = tensor.extract %r[] : tensor<f32>
  return %e : f32
}}

func.func @checksum_{acc}(%x: tensor<?x?x{acc}>) -> i64 {{
  %zero = arith.constant 0.0 : f64
  %init = tensor.empty() : tensor<f64>
  %fill = linalg.fill ins(%zero : f64) outs(%init : tensor<f64>) -> tensor<f64>
  %r = linalg.generic {{
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>],
      iterator_types = ["reduction", "reduction"]}}
      ins(%x : tensor<?x?x{acc}>) outs(%fill : tensor<f64>) {{
    ^bb0(%u: {acc}, %sum: f64):
      %e = arith.extf %u : {acc} to f64
      %s = arith.addf %sum, %e : f64
      linalg.yield %s : f64
  }} -> tensor<f64>
  %e = tensor.extract %r[] : tensor<f64>
  %i = arith.fptosi %e : f64 to i64
  return %i : i64
}}
""".format(acc=acc, ext_line=ext_line, ext_diff=ext_diff))
    return "".join(out)


def emit_file(name, title, cases, seed):
    rng = random.Random(seed)
    funcs, body, checks = [], [], []
    for idx, case in enumerate(cases):
        a, w, c, unit_mask, col_mask, masked, checksum = build_case(case, rng)
        m, k, n, e, acc = case.m, case.k, case.n, case.elem, case.acc
        units, tiles = k // case.unit_k, ceil_div(n, case.tile_n)
        mat = "!tsparse.matrix<%dx%dx%s, %s>" % (k, n, e, case.layout())
        ta, tw, tc = ("tensor<%dx%dx%s>" % (m, k, e), "tensor<%dx%dx%s>" % (k, n, e),
                      "tensor<%dx%dx%s>" % (m, n, acc))
        tum, tcm = "tensor<%dx%dxi1>" % (units, tiles), "tensor<%dxi1>" % n
        with_cols = case.compacted and not case.from_zeros
        cols_arg = ", %%cm: %s" % tcm if with_cols else ""
        cols_use = " columns %cm" if with_cols else ""
        cols_ty = ", %s" % tcm if with_cols else ""
        um_arg = "" if case.from_zeros else ", %%um: %s" % tum
        um_use = "" if case.from_zeros else ", %um"
        um_ty = "" if case.from_zeros else ", %s" % tum
        funcs.append("""
// Case {i}: {why}
func.func @runtime_pack_{i}(%a: {ta}, %w: {tw}{um_arg}{cols_arg},
                          %c: {tc}) -> {tc} {{
  %p = tsparse.pack %w{um_use}{cols_use} : {tw}{um_ty}{cols_ty} -> {mat}
  %r = tsparse.matmul %a, %p, %c : {ta}, {mat} -> {tc}
  return %r : {tc}
}}
""".format(i=idx, why=case.why, ta=ta, tw=tw, tc=tc, um_arg=um_arg, um_use=um_use,
           um_ty=um_ty, cols_arg=cols_arg, cols_use=cols_use, cols_ty=cols_ty,
           mat=mat))
        v = "_%d" % idx
        cm_def = "  %%cm%s = arith.constant dense<%s> : %s\n" % (
            v, dense_literal(col_mask, fmt_bool), tcm) if with_cols else ""
        cm_arg = ", %%cm%s" % v if with_cols else ""
        cm_use = " columns %%cm%s" % v if with_cols else ""
        um_def = "" if case.from_zeros else \
            "  %%um%s = arith.constant dense<%s> : %s\n" % (
                v, dense_literal(unit_mask, fmt_bool), tum)
        um_arg = "" if case.from_zeros else ", %%um%s" % v
        um_use = "" if case.from_zeros else ", %%um%s" % v
        body.append("""
  // Case {i}.
  %a{v} = arith.constant dense<{a}> : {ta}
  %w{v} = arith.constant dense<{w}> : {tw}
  %c{v} = arith.constant dense<{c}> : {tc}
{um_def}{cm_def}  %wref{v} = arith.constant dense<{wref}> : {tw}
  %rt{v} = call @runtime_pack_{i}(%a{v}, %w{v}{um_arg}{cm_arg}, %c{v})
      : ({ta}, {tw}{um_ty}{cols_ty}, {tc}) -> {tc}
  %p{v} = tsparse.pack %w{v}{um_use}{cm_use} : {tw}{um_ty}{cols_ty} -> {mat}
  %rc{v} = tsparse.matmul %a{v}, %p{v}, %c{v} : {ta}, {mat} -> {tc}
  %ref{v} = linalg.matmul ins(%a{v}, %wref{v} : {ta}, {tw}) outs(%c{v} : {tc}) -> {tc}
  %rtd{v} = tensor.cast %rt{v} : {tc} to tensor<?x?x{acc}>
  %rcd{v} = tensor.cast %rc{v} : {tc} to tensor<?x?x{acc}>
  %refd{v} = tensor.cast %ref{v} : {tc} to tensor<?x?x{acc}>
  %ert{v} = call @max_abs_diff_{acc}(%rtd{v}, %refd{v}) : (tensor<?x?x{acc}>, tensor<?x?x{acc}>) -> f32
  %erc{v} = call @max_abs_diff_{acc}(%rcd{v}, %refd{v}) : (tensor<?x?x{acc}>, tensor<?x?x{acc}>) -> f32
  %sum{v} = call @checksum_{acc}(%rtd{v}) : (tensor<?x?x{acc}>) -> i64
  vector.print str "case {i} runtime-pack error "
  vector.print %ert{v} : f32
  vector.print str "case {i} constant-pack error "
  vector.print %erc{v} : f32
  vector.print str "case {i} checksum "
  vector.print %sum{v} : i64
""".format(i=idx, v=v, a=dense_literal(a, fmt_float), w=dense_literal(w, fmt_float),
           c=dense_literal(c, fmt_float), wref=dense_literal(masked, fmt_float),
           ta=ta, tw=tw, tc=tc, um_def=um_def, um_arg=um_arg, um_use=um_use,
           um_ty=um_ty, cm_def=cm_def, cm_arg=cm_arg, cm_use=cm_use,
           cols_ty=cols_ty, mat=mat, acc=acc))
        checks.append("// CHECK: case {i} runtime-pack error 0\n"
                      "// CHECK-NEXT: case {i} constant-pack error 0\n"
                      "// CHECK-NEXT: case {i} checksum {s}\n".format(i=idx, s=checksum))

    text = ("// %s\n"
            "// Generated by scripts/gen_reference_tests.py; do not edit.\n"
            "//\n"
            "// RUN: tsparse-opt %%s --tsparse-reference-pipeline | \\\n"
            "// RUN:   mlir-runner -e main -entry-point-result=void \\\n"
            "// RUN:     -shared-libs=%%mlir_c_runner_utils,%%mlir_runner_utils | \\\n"
            "// RUN:   FileCheck %%s\n\n" % title)
    text += "".join(checks)
    text += helpers({case.acc for case in cases})
    text += "".join(funcs)
    text += "\nfunc.func @main() {" + "".join(body) + "  return\n}\n"
    with open(os.path.join(OUT_DIR, name), "w") as f:
        f.write(text)


def main():
    emit_file("reference-tw1d.mlir",
              "TW-1D through the reference path, against linalg.matmul.", [
                  Case(3, 8, 10, "f32", "f32", 4, why="last tile partial (10 = 4 + 4 + 2)"),
                  Case(1, 5, 3, "f32", "f32", 8, why="M = 1 and N smaller than one tile"),
                  Case(4, 6, 8, "f16", "f32", 4, why="f16 inputs, f32 accumulation"),
                  Case(2, 4, 8, "bf16", "bf16", 4, why="bf16 accumulator"),
                  Case(3, 6, 8, "f32", "f32", 4, keep=0.0, why="every unit pruned: C unchanged"),
                  Case(3, 6, 8, "f32", "f32", 4, keep=1.0, why="nothing pruned: dense product"),
                  Case(2, 1, 5, "f32", "f32", 2, why="K = 1"),
                  Case(3, 8, 10, "f32", "f32", 4, from_zeros=True,
                       why="masks inferred from the zeros"),
              ], seed=1)
    emit_file("reference-tw2d.mlir",
              "TW-2D (compacted columns) through the reference path.", [
                  Case(3, 6, 9, "f32", "f32", 2, compacted=True, why="survivors re-tiled by 2"),
                  Case(2, 8, 12, "f16", "f32", 4, compacted=True, keep_cols=0.5,
                       why="f16, half the columns pruned"),
                  Case(2, 4, 6, "bf16", "f32", 4, compacted=True, keep_cols=0.0,
                       why="every column pruned"),
                  Case(2, 4, 6, "f32", "f32", 4, compacted=True, keep=1.0, keep_cols=1.0,
                       why="nothing pruned"),
                  Case(2, 8, 12, "f16", "f32", 4, compacted=True, from_zeros=True,
                       why="masks and kept columns inferred from the zeros"),
              ], seed=2)
    emit_file("reference-bw.mlir",
              "Block-wise (unit_k > 1) through the reference path.", [
                  Case(3, 8, 6, "f32", "f32", 4, unit_k=2, why="2x4 blocks"),
                  Case(2, 12, 10, "bf16", "f32", 4, unit_k=4, why="4x4 blocks, bf16"),
                  Case(2, 8, 8, "f16", "f32", 4, unit_k=8, compacted=True,
                       why="one unit spans K, compacted columns"),
                  Case(3, 8, 6, "bf16", "f32", 2, unit_k=4, from_zeros=True,
                       why="blocks inferred from the zeros"),
              ], seed=3)
    emit_file("reference-tew.mlir",
              "TEW (residual) through the reference path: packing is lossless.", [
                  Case(3, 8, 8, "f32", "f32", 4, residual=True, why="TW-1D plus residual"),
                  Case(2, 8, 6, "f16", "f32", 2, unit_k=2, compacted=True, residual=True,
                       why="BW, compacted, residual"),
              ], seed=4)


if __name__ == "__main__":
    sys.exit(main())
