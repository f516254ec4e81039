#!/usr/bin/env python3
"""Generates execution tests of tsparse.matmul against linalg.matmul.

Every case packs a random weight matrix with random masks, multiplies it
through tsparse twice -- a pack at run time inside a function, and a pack of
constants that folds at compile time -- and compares both results with
`linalg.matmul` on weights masked here, in Python, so the reference shares no
code with tsparse. The program prints, per case, the largest absolute
difference of each path and whether it is within the case's tolerance; for
integer-valued cases (the default: every path is then exact) it also prints a
checksum computed here.

Usage: gen_matmul_cases.py --suite NAME --mlir OUT.mlir --check OUT.check
       gen_matmul_cases.py --list

Deterministic: a suite always produces the same program.
"""

import argparse
import random
import sys

ELEMENT_TYPES = ("f32", "f16", "bf16")
# Unit roundoff of the accumulator types.
EPSILON = {"f32": 2.0 ** -24, "f16": 2.0 ** -11, "bf16": 2.0 ** -8}


class Case:
    def __init__(self, m, k, n, elem="f32", acc="f32", tile_n=4, unit_k=1,
                 compacted=False, residual=False, keep=0.5, keep_cols=0.7,
                 from_zeros=False, real=False, why=""):
        self.m, self.k, self.n = m, k, n
        self.elem, self.acc = elem, acc
        self.tile_n, self.unit_k = tile_n, unit_k
        self.compacted, self.residual = compacted, residual
        self.keep, self.keep_cols = keep, keep_cols
        # Pack without masks: the weights are pruned here and tsparse infers
        # the masks from their zeros.
        self.from_zeros = from_zeros
        # Real-valued data: results are compared within a tolerance.
        self.real = real
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
    if rows and isinstance(rows[0], list):
        return "[" + ", ".join(dense_literal(r, fmt) for r in rows) + "]"
    return "[" + ", ".join(fmt(v) for v in rows) + "]"


def fmt_float(v):
    return repr(float(v))


def fmt_bool(v):
    return "true" if v else "false"


def random_value(rng, case, lo, hi):
    if case.real:
        # Multiples of 1/64: exact in every element type.
        return rng.randint(lo * 64, hi * 64) / 64.0
    return float(rng.randint(lo, hi))


def build_case(case, rng):
    """Returns the operands, the masks and the expected result."""
    a = [[random_value(rng, case, -3, 3) for _ in range(case.k)]
         for _ in range(case.m)]
    w = [[random_value(rng, case, -3, 3) for _ in range(case.n)]
         for _ in range(case.k)]
    c = [[random_value(rng, case, -2, 2) for _ in range(case.n)]
         for _ in range(case.m)]
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
    # Largest sum of |products| of one result: bounds the rounding error.
    magnitude = max([abs(c[i][j]) + sum(abs(a[i][p] * masked[p][j])
                                        for p in range(case.k))
                     for i in range(case.m) for j in range(case.n)] + [1.0])
    tolerance = 0.0
    if case.real:
        tolerance = 2.0 * (case.k + 1) * EPSILON[case.acc] * magnitude
    return a, w, c, unit_mask, col_mask, masked, checksum, tolerance


def helpers(acc_types):
    out = []
    for acc in sorted(acc_types):
        ext_line = "" if acc == "f32" else \
            "      %%ad32 = arith.extf %%ad : %s to f32\n" % acc
        ext_val = "%ad" if acc == "f32" else "%ad32"
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
{ext_line}      %m = arith.maximumf %best, {ext_val} : f32
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
""".format(acc=acc, ext_line=ext_line, ext_val=ext_val))
    return "".join(out)


def emit_case(idx, case, rng):
    """Returns (function text, main body text, check text) of one case."""
    a, w, c, unit_mask, col_mask, masked, checksum, tolerance = \
        build_case(case, rng)
    m, k, n, e, acc = case.m, case.k, case.n, case.elem, case.acc
    units, tiles = k // case.unit_k, ceil_div(n, case.tile_n)
    mat = "!tsparse.matrix<%dx%dx%s, %s>" % (k, n, e, case.layout())
    ta = "tensor<%dx%dx%s>" % (m, k, e)
    tw = "tensor<%dx%dx%s>" % (k, n, e)
    tc = "tensor<%dx%dx%s>" % (m, n, acc)
    tum, tcm = "tensor<%dx%dxi1>" % (units, tiles), "tensor<%dxi1>" % n
    with_units = not case.from_zeros
    with_cols = case.compacted and with_units
    v = "_%d" % idx

    # Operand lists of the pack, as (value, type) pairs after the weights.
    masks = []
    if with_units:
        masks.append(("%%um%s" % v, tum))
    if with_cols:
        masks.append(("%%cm%s" % v, tcm))

    def pack(weights, mask_names):
        text = "tsparse.pack %s" % weights
        if with_units:
            text += ", %s" % mask_names[0]
        if with_cols:
            text += " columns %s" % mask_names[1]
        types = [tw] + [t for _, t in masks]
        return text + " : %s -> %s" % (", ".join(types), mat)

    params = "".join(", %%mask%d: %s" % (i, t) for i, (_, t) in enumerate(masks))
    func = """
// Case {i}: {why}
func.func @runtime_pack_{i}(%a: {ta}, %w: {tw}{params}, %c: {tc}) -> {tc} {{
  %p = {pack}
  %r = tsparse.matmul %a, %p, %c : {ta}, {mat} -> {tc}
  return %r : {tc}
}}
""".format(i=idx, why=case.why, ta=ta, tw=tw, tc=tc, params=params,
           pack=pack("%w", ["%%mask%d" % i for i in range(len(masks))]),
           mat=mat)

    mask_defs = ""
    if with_units:
        mask_defs += "  %%um%s = arith.constant dense<%s> : %s\n" % (
            v, dense_literal(unit_mask, fmt_bool), tum)
    if with_cols:
        mask_defs += "  %%cm%s = arith.constant dense<%s> : %s\n" % (
            v, dense_literal(col_mask, fmt_bool), tcm)
    call_args = "".join(", %s" % name for name, _ in masks)
    call_types = "".join(", %s" % t for _, t in masks)
    body = """
  // Case {i}.
  %a{v} = arith.constant dense<{a}> : {ta}
  %w{v} = arith.constant dense<{w}> : {tw}
  %c{v} = arith.constant dense<{c}> : {tc}
{mask_defs}  %wref{v} = arith.constant dense<{wref}> : {tw}
  %rt{v} = call @runtime_pack_{i}(%a{v}, %w{v}{call_args}, %c{v})
      : ({ta}, {tw}{call_types}, {tc}) -> {tc}
  %p{v} = {pack}
  %rc{v} = tsparse.matmul %a{v}, %p{v}, %c{v} : {ta}, {mat} -> {tc}
  %ref{v} = linalg.matmul ins(%a{v}, %wref{v} : {ta}, {tw}) outs(%c{v} : {tc}) -> {tc}
  %rtd{v} = tensor.cast %rt{v} : {tc} to tensor<?x?x{acc}>
  %rcd{v} = tensor.cast %rc{v} : {tc} to tensor<?x?x{acc}>
  %refd{v} = tensor.cast %ref{v} : {tc} to tensor<?x?x{acc}>
  %ert{v} = call @max_abs_diff_{acc}(%rtd{v}, %refd{v}) : (tensor<?x?x{acc}>, tensor<?x?x{acc}>) -> f32
  %erc{v} = call @max_abs_diff_{acc}(%rcd{v}, %refd{v}) : (tensor<?x?x{acc}>, tensor<?x?x{acc}>) -> f32
  %tol{v} = arith.constant {tol} : f32
  %okt{v} = arith.cmpf ole, %ert{v}, %tol{v} : f32
  %okc{v} = arith.cmpf ole, %erc{v}, %tol{v} : f32
  %ok{v} = arith.andi %okt{v}, %okc{v} : i1
  %sum{v} = call @checksum_{acc}(%rtd{v}) : (tensor<?x?x{acc}>) -> i64
  vector.print str "case {i} runtime-pack error "
  vector.print %ert{v} : f32
  vector.print str "case {i} constant-pack error "
  vector.print %erc{v} : f32
  vector.print str "case {i} within tolerance "
  vector.print %ok{v} : i1
  vector.print str "case {i} checksum "
  vector.print %sum{v} : i64
""".format(i=idx, v=v, a=dense_literal(a, fmt_float),
           w=dense_literal(w, fmt_float), c=dense_literal(c, fmt_float),
           wref=dense_literal(masked, fmt_float), ta=ta, tw=tw, tc=tc,
           mask_defs=mask_defs, call_args=call_args, call_types=call_types,
           pack=pack("%%w%s" % v, [name for name, _ in masks]), mat=mat,
           acc=acc, tol=repr(float(tolerance)))

    if case.real:
        check = ("// CHECK: case {i} within tolerance 1\n").format(i=idx)
    else:
        check = ("// CHECK: case {i} runtime-pack error 0\n"
                 "// CHECK-NEXT: case {i} constant-pack error 0\n"
                 "// CHECK-NEXT: case {i} within tolerance 1\n"
                 "// CHECK-NEXT: case {i} checksum {s}\n").format(
                     i=idx, s=checksum)
    return func, body, check


def emit(cases, seed, only=None):
    rng = random.Random(seed)
    funcs, bodies, checks = [], [], []
    for idx, case in enumerate(cases):
        func, body, check = emit_case(idx, case, rng)
        if only is not None and idx != only:
            continue
        funcs.append(func)
        bodies.append(body)
        checks.append(check)
    program = helpers({case.acc for case in cases}) + "".join(funcs)
    program += "\nfunc.func @main() {" + "".join(bodies) + "  return\n}\n"
    return program, "".join(checks)


#===------------------------------------------------------------------------===#
# Suites
#===------------------------------------------------------------------------===#

def suite_tw1d():
    return [
        Case(3, 8, 10, why="last tile partial (10 = 4 + 4 + 2)"),
        Case(1, 5, 3, tile_n=8, why="M = 1 and N smaller than one tile"),
        Case(4, 6, 8, "f16", why="f16 inputs, f32 accumulation"),
        Case(2, 4, 8, "bf16", "bf16", why="bf16 accumulator"),
        Case(3, 6, 8, keep=0.0, why="every unit pruned: C unchanged"),
        Case(3, 6, 8, keep=1.0, why="nothing pruned: dense product"),
        Case(2, 1, 5, tile_n=2, why="K = 1"),
        Case(3, 8, 10, from_zeros=True, why="masks inferred from the zeros"),
    ]


def suite_tw2d():
    return [
        Case(3, 6, 9, tile_n=2, compacted=True, why="survivors re-tiled by 2"),
        Case(2, 8, 12, "f16", compacted=True, keep_cols=0.5,
             why="f16, half the columns pruned"),
        Case(2, 4, 6, "bf16", compacted=True, keep_cols=0.0,
             why="every column pruned"),
        Case(2, 4, 6, compacted=True, keep=1.0, keep_cols=1.0,
             why="nothing pruned"),
        Case(2, 8, 12, "f16", compacted=True, from_zeros=True,
             why="masks and kept columns inferred from the zeros"),
    ]


def suite_bw():
    return [
        Case(3, 8, 6, unit_k=2, why="2x4 blocks"),
        Case(2, 12, 10, "bf16", unit_k=4, why="4x4 blocks, bf16"),
        Case(2, 8, 8, "f16", unit_k=8, compacted=True,
             why="one unit spans K, compacted columns"),
        Case(3, 8, 6, "bf16", tile_n=2, unit_k=4, from_zeros=True,
             why="blocks inferred from the zeros"),
    ]


def suite_tew():
    return [
        Case(3, 8, 8, residual=True, why="TW-1D plus residual"),
        Case(2, 8, 6, "f16", tile_n=2, unit_k=2, compacted=True,
             residual=True, why="BW, compacted, residual"),
    ]


PATTERNS = ("tw1d", "tw2d", "bw", "tew")
SPARSITIES = (0.0, 0.5, 0.75, 0.9, 1.0)


def random_case(rng, pattern, elem, sparsity, real):
    """A random shape for `pattern` at `sparsity` (the unit pruning rate)."""
    tile_n = rng.choice((8, 16, 32, 64, 128))
    unit_k = rng.choice((2, 4, 8, 16)) if pattern == "bw" else 1
    k = unit_k * rng.randint(1, max(1, 64 // unit_k))
    if rng.random() < 0.1:
        k = unit_k  # a single unit
    n = rng.randint(1, 200)
    m = rng.randint(1, 20)
    acc = "f32" if elem == "f32" or rng.random() < 0.75 else elem
    # bf16 holds integers exactly only up to 256: compare within tolerance.
    real = real or acc == "bf16"
    compacted = pattern == "tw2d" or (pattern in ("bw", "tew")
                                      and rng.random() < 0.3)
    why = "%s %s->%s %dx%dx%d G=%d U=%d s=%.2f%s" % (
        pattern, elem, acc, m, k, n, tile_n, unit_k, sparsity,
        " real" if real else "")
    return Case(m, k, n, elem, acc, tile_n=tile_n, unit_k=unit_k,
                compacted=compacted, residual=pattern == "tew",
                keep=1.0 - sparsity,
                keep_cols=1.0 if not compacted else rng.choice((0.5, 0.8, 1.0)),
                from_zeros=rng.random() < 0.15, real=real, why=why)


def suite_differential(pattern, elem):
    """Every sparsity, five random shapes each, two real-valued."""
    rng = random.Random("%s-%s" % (pattern, elem))
    cases = []
    for sparsity in SPARSITIES:
        for shape in range(5):
            cases.append(random_case(rng, pattern, elem, sparsity,
                                     real=shape >= 3))
    return cases


SUITES = {
    "reference-tw1d": (suite_tw1d, 1),
    "reference-tw2d": (suite_tw2d, 2),
    "reference-bw": (suite_bw, 3),
    "reference-tew": (suite_tew, 4),
}
for _pattern in PATTERNS:
    for _elem in ELEMENT_TYPES:
        SUITES["differential-%s-%s" % (_pattern, _elem)] = (
            lambda p=_pattern, e=_elem: suite_differential(p, e), 5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES))
    parser.add_argument("--mlir", help="where to write the program")
    parser.add_argument("--check", help="where to write the FileCheck lines")
    parser.add_argument("--list", action="store_true", help="list the suites")
    parser.add_argument("--only", type=int, help="emit only this case")
    args = parser.parse_args()
    if args.list:
        for name in sorted(SUITES):
            print("%s: %d cases" % (name, len(SUITES[name][0]())))
        return 0
    if not (args.suite and args.mlir and args.check):
        parser.error("--suite, --mlir and --check are required")
    make_cases, seed = SUITES[args.suite]
    program, checks = emit(make_cases(), seed, args.only)
    with open(args.mlir, "w") as f:
        f.write(program)
    with open(args.check, "w") as f:
        f.write(checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
