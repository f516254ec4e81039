#!/usr/bin/env python3
"""Writes one BERT encoder layer in torch-mlir's linalg-on-tensors form.

    a = softmax(Q K^T / sqrt(dh)) V per head,  Q, K, V = x Wq^T + bq, ...
    h = LayerNorm(a Wo^T + bo + x)
    y = LayerNorm(GELU(h W1^T + b1) W2^T + b2 + h)

The function `@forward(%x: tensor<B x S x H x f32>) -> tensor<B x S x H x f32>`
is written the way torch-mlir lowers a HuggingFace `BertLayer` (f32,
inference, no attention mask): every `nn.Linear` stores its weight
`W[N x K]` as a `dense_resource` blob, transposes it with
`linalg.transpose`, collapses the 3-D activations to `[B*S x K]` with
`tensor.collapse_shape`, multiplies with `linalg.matmul` into a
`linalg.fill` 0, adds the bias in a `linalg.generic` and expands the result
back with `tensor.expand_shape`. The heads are split with `expand_shape` and
`linalg.transpose` to `[B*nh, S, dh]` for `linalg.batch_matmul`; softmax is
decomposed into reduction generics (max, exp(x - max), sum, divide) unless
`--softmax-op` asks for `linalg.softmax`; LayerNorm computes the mean and
variance in reduction generics and uses `math.rsqrt` (eps 1e-12); GELU is
exact (`math.erf`). The function has `llvm.emit_c_interface`, so compiled
code exports `_mlir_ciface_forward(result, input)` taking memref
descriptors. `--dynamic` makes the batch and sequence length dynamic, as
torch-mlir's dynamic export does.

Weights are drawn from a fixed seed: each value is the normal quantile of a
random 16-bit integer (exact quantiles of N(0, std) on a 65536-point grid,
|z| < 4.4), std 0.02 for weights and biases (BERT's initializer range);
LayerNorm scales are 1 + N(0, 0.1), shifts N(0, 0.1), so that they matter.
`--prune` zeroes parts of the six weight matrices the way a PyTorch user
does with masks (pruned weights are +0.0), in the `[K x N]` orientation of
the product (N output features):

- `tw2d`: per matrix, the output columns of lowest root mean square are
  pruned whole to a column sparsity of 1 - sqrt(1 - s); the surviving
  columns, in order, form tiles of `--tile-n`, and in each tile the 1 x
  tile-n row segments of lowest root mean square are pruned until the
  matrix reaches the sparsity s (TW-2D, docs/design.md);
- `bw`: per matrix, the `--unit-k` x `--tile-n` blocks of lowest root mean
  square are pruned to the sparsity s.

Every count is the one that brings the pruned elements closest to its
target. `--weights-out DIR` also writes every parameter and the input of
`@main` as raw little-endian f32 files with a JSON manifest (`manifest.json`)
so that other frameworks can load the same layer; `--main` adds a `@main`
that builds that input, calls the layer and prints the result with
`printMemrefF32` (for mlir-runner). The full-size layer is about 57 MB.
"""

import argparse
import array
import json
import math
import os
import random
import statistics
import sys

# Parameter names as in HuggingFace's BertLayer state dict.
QUERY = "attention.self.query"
KEY = "attention.self.key"
VALUE = "attention.self.value"
ATTN_OUT = "attention.output.dense"
LN1 = "attention.output.LayerNorm"
INTERMEDIATE = "intermediate.dense"
OUTPUT = "output.dense"
LN2 = "output.LayerNorm"
LINEARS = [QUERY, KEY, VALUE, ATTN_OUT, INTERMEDIATE, OUTPUT]
EPS = 1e-12


# ---------------------------------------------------------------------------
# Parameters.


class Sampler:
    """Deterministic, Gaussian-ish f32 values: the normal quantile of a
    random 16-bit integer, from one `random.Random(seed)` stream."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        normal = statistics.NormalDist()
        self.table = [normal.inv_cdf((u + 0.5) / 65536) for u in range(65536)]

    def normal(self, count, mean, std):
        codes = array.array("H")
        codes.frombytes(self.rng.randbytes(2 * count))
        if sys.byteorder == "big":
            codes.byteswap()
        table = [mean + std * z for z in self.table]
        return array.array("f", map(table.__getitem__, codes))


def make_parameters(args):
    """The layer's parameters, in HuggingFace names; weights are `[N x K]`
    row-major (nn.Linear's `[out_features x in_features]`)."""
    h, f = args.hidden, args.ffn
    sampler = Sampler(args.seed)
    shapes = {QUERY: (h, h), KEY: (h, h), VALUE: (h, h), ATTN_OUT: (h, h),
              INTERMEDIATE: (f, h), OUTPUT: (h, f)}
    params = {}
    for name in [QUERY, KEY, VALUE, ATTN_OUT, LN1, INTERMEDIATE, OUTPUT, LN2]:
        if name in (LN1, LN2):
            params[name + ".weight"] = ([h], sampler.normal(h, 1.0, 0.1))
            params[name + ".bias"] = ([h], sampler.normal(h, 0.0, 0.1))
            continue
        n, k = shapes[name]
        params[name + ".weight"] = ([n, k], sampler.normal(n * k, 0.0, 0.02))
        params[name + ".bias"] = ([n], sampler.normal(n, 0.0, 0.02))
    return params


def input_values(batch, seq, hidden):
    """@main's input: x[b][s][j] = ((7 (b seq + s) + 3 j) mod 17 - 8) / 8."""
    values = array.array("f")
    for token in range(batch * seq):
        values.extend(((7 * token + 3 * j) % 17 - 8) / 8.0
                      for j in range(hidden))
    return values


# ---------------------------------------------------------------------------
# Pruning (in the [K x N] view: output column n is row n of W[N x K]).


def choose_units(scores, sizes, target):
    """Indices of the units of lowest score (ties: lowest index) pruned while
    that brings the pruned element count closer to `target`."""
    order = sorted(range(len(scores)), key=lambda u: (scores[u], u))
    pruned, count = [], 0
    for unit in order:
        if abs(count + sizes[unit] - target) >= abs(count - target):
            break
        pruned.append(unit)
        count += sizes[unit]
    return pruned


def row(w, k, n):
    return w[n * k:(n + 1) * k]


def squares_by_k(w, k, columns):
    """Sum over `columns` of W[n][k]^2, for every k."""
    acc = [0.0] * k
    for n in columns:
        acc = [a + x * x for a, x in zip(acc, row(w, k, n))]
    return acc


def zero_segments(w, k, columns, pruned_k):
    """Zeroes W[n][k] for n in `columns` and k in `pruned_k`."""
    drop = [False] * k
    for index in pruned_k:
        drop[index] = True
    for n in columns:
        w[n * k:(n + 1) * k] = array.array(
            "f", [0.0 if d else x for x, d in zip(row(w, k, n), drop)])


def prune_tw2d(w, n, k, sparsity, tile_n):
    column_sparsity = 1.0 - math.sqrt(1.0 - sparsity)
    scores = [sum(x * x for x in row(w, k, c)) / k for c in range(n)]
    pruned = set(choose_units(scores, [k] * n, column_sparsity * n * k))
    zeros = array.array("f", bytes(4 * k))
    for c in pruned:
        w[c * k:(c + 1) * k] = zeros
    kept = [c for c in range(n) if c not in pruned]
    remaining = len(kept) * k
    fraction = 0.0 if remaining == 0 else (
        (sparsity * n * k - len(pruned) * k) / remaining)
    for start in range(0, len(kept), tile_n):
        tile = kept[start:start + tile_n]
        segment = squares_by_k(w, k, tile)
        rows = choose_units(segment, [len(tile)] * k,
                            fraction * k * len(tile))
        zero_segments(w, k, tile, rows)


def prune_bw(w, n, k, sparsity, tile_n, unit_k):
    if k % unit_k:
        sys.exit(f"error: K = {k} is not a multiple of --unit-k {unit_k}")
    blocks_k = k // unit_k
    scores, sizes, where = [], [], []
    for start in range(0, n, tile_n):
        tile = list(range(start, min(start + tile_n, n)))
        squares = squares_by_k(w, k, tile)
        for b in range(blocks_k):
            size = unit_k * len(tile)
            scores.append(sum(squares[b * unit_k:(b + 1) * unit_k]) / size)
            sizes.append(size)
            where.append((tile, b))
    by_tile = {}
    for unit in choose_units(scores, sizes, sparsity * n * k):
        tile, b = where[unit]
        by_tile.setdefault(tile[0], (tile, []))[1].extend(
            range(b * unit_k, (b + 1) * unit_k))
    for tile, rows in by_tile.values():
        zero_segments(w, k, tile, rows)


def prune(params, args):
    """Prunes the six weight matrices in place; returns their sparsities."""
    result = {}
    for name in LINEARS:
        (n, k), w = params[name + ".weight"]
        if args.prune == "tw2d":
            prune_tw2d(w, n, k, args.sparsity, args.tile_n)
        elif args.prune == "bw":
            prune_bw(w, n, k, args.sparsity, args.tile_n, args.unit_k)
        result[name] = sum(1 for x in w if x == 0.0) / len(w)
    return result


# ---------------------------------------------------------------------------
# IR.


class Shapes:
    """Dimensions: ints, or names of dynamic sizes held in SSA values."""

    def __init__(self, dynamic, batch, seq):
        self.dynamic = dynamic
        self.b = "b" if dynamic else batch
        self.s = "s" if dynamic else seq
        self.m = "m" if dynamic else batch * seq

    @staticmethod
    def ty(*dims):
        return "tensor<" + "".join(
            ("?" if isinstance(d, str) else str(d)) + "x" for d in dims) + "f32>"

    @staticmethod
    def sizes(*dims):
        """The SSA values of the dynamic sizes of `dims`."""
        return ", ".join("%" + d for d in dims if isinstance(d, str))

    @staticmethod
    def mixed(*dims):
        """An output_shape list: SSA values and constants."""
        return "[" + ", ".join(
            ("%" + d) if isinstance(d, str) else str(d) for d in dims) + "]"


def f32(value):
    return "%.9e" % value


class Writer:
    def __init__(self, shapes):
        self.shapes = shapes
        self.lines = []

    def emit(self, text):
        self.lines.append(text)

    def empty(self, name, *dims):
        self.emit(f"  %{name} = tensor.empty({Shapes.sizes(*dims)}) : "
                  f"{Shapes.ty(*dims)}")

    def fill(self, name, value, *dims):
        t = Shapes.ty(*dims)
        self.empty(name + "_init", *dims)
        self.emit(f"  %{name} = linalg.fill ins(%{value} : f32) "
                  f"outs(%{name}_init : {t}) -> {t}")

    def generic(self, name, maps, iterators, ins, outs, body):
        """`ins`: (value, dims) pairs; `outs`: (value, dims); `body`: lines
        with the block arguments %a0.. (inputs) and %acc (output) that end
        in the value to yield, %r."""
        t_out = Shapes.ty(*outs[1])
        args = ", ".join(f"%a{i}: f32" for i in range(len(ins)))
        self.emit(
            f"  %{name} = linalg.generic {{indexing_maps = [{', '.join(maps)}]"
            f", iterator_types = [{', '.join(map(repr, iterators))}]}}"
            .replace("'", '"'))
        self.emit(f"      ins({', '.join('%' + v for v, _ in ins)} : "
                  f"{', '.join(Shapes.ty(*d) for _, d in ins)}) "
                  f"outs(%{outs[0]} : {t_out}) {{")
        self.emit(f"  ^bb0({args}{', ' if ins else ''}%acc: f32):")
        for line in body:
            self.emit("    " + line)
        self.emit("    linalg.yield %r : f32")
        self.emit(f"  }} -> {t_out}")

    def transpose(self, name, value, dims, perm):
        out = [dims[p] for p in perm]
        self.empty(name + "_init", *out)
        self.emit(f"  %{name} = linalg.transpose ins(%{value} : "
                  f"{Shapes.ty(*dims)}) outs(%{name}_init : {Shapes.ty(*out)})"
                  f" permutation = [{', '.join(map(str, perm))}]")
        return out

    def collapse(self, name, value, dims, groups, out):
        self.emit(f"  %{name} = tensor.collapse_shape %{value} {groups} : "
                  f"{Shapes.ty(*dims)} into {Shapes.ty(*out)}")

    def expand(self, name, value, dims, groups, out):
        self.emit(f"  %{name} = tensor.expand_shape %{value} {groups} "
                  f"output_shape {Shapes.mixed(*out)} : {Shapes.ty(*dims)} "
                  f"into {Shapes.ty(*out)}")

    def linear(self, comment, param, name, x2, k, n):
        """nn.Linear on collapsed [M x K] activations; returns [B x S x N]."""
        sh = self.shapes
        m = sh.m
        self.emit(f"  // {comment}")
        self.emit(f"  %{name}_w = arith.constant dense_resource<"
                  f"{param_resource(param)}_weight> : {Shapes.ty(n, k)}")
        self.emit(f"  %{name}_b = arith.constant dense_resource<"
                  f"{param_resource(param)}_bias> : {Shapes.ty(n)}")
        self.transpose(name + "_wt", name + "_w", [n, k], [1, 0])
        self.fill(name + "_zero", "zero", m, n)
        self.emit(f"  %{name}_mm = linalg.matmul ins(%{x2}, %{name}_wt : "
                  f"{Shapes.ty(m, k)}, {Shapes.ty(k, n)}) outs(%{name}_zero :"
                  f" {Shapes.ty(m, n)}) -> {Shapes.ty(m, n)}")
        self.generic(name + "_2d", ["#id2", "#last2", "#id2"],
                     ["parallel", "parallel"],
                     [(name + "_mm", [m, n]), (name + "_b", [n])],
                     (name + "_zero_init", [m, n]),
                     ["%r = arith.addf %a0, %a1 : f32"])
        self.expand(name, name + "_2d", [m, n], [[0, 1], [2]], [sh.b, sh.s, n])

    def layer_norm(self, param, name, x, h):
        sh = self.shapes
        b, s = sh.b, sh.s
        self.emit(f"  // LayerNorm over the hidden dimension, eps {EPS}.")
        self.emit(f"  %{name}_gamma = arith.constant dense_resource<"
                  f"{param_resource(param)}_weight> : {Shapes.ty(h)}")
        self.emit(f"  %{name}_beta = arith.constant dense_resource<"
                  f"{param_resource(param)}_bias> : {Shapes.ty(h)}")
        self.fill(name + "_sum", "zero", b, s)
        self.generic(name + "_total", ["#id3", "#red3"],
                     ["parallel", "parallel", "reduction"],
                     [(x, [b, s, h])], (name + "_sum", [b, s]),
                     ["%r = arith.addf %a0, %acc : f32"])
        self.generic(name + "_mean", ["#id2", "#id2"], ["parallel", "parallel"],
                     [(name + "_total", [b, s])], (name + "_sum_init", [b, s]),
                     [f"%n = arith.constant {f32(h)} : f32",
                      "%r = arith.divf %a0, %n : f32"])
        self.fill(name + "_sq", "zero", b, s)
        self.generic(name + "_var_sum", ["#id3", "#red3", "#red3"],
                     ["parallel", "parallel", "reduction"],
                     [(x, [b, s, h]), (name + "_mean", [b, s])],
                     (name + "_sq", [b, s]),
                     ["%d = arith.subf %a0, %a1 : f32",
                      "%d2 = arith.mulf %d, %d : f32",
                      "%r = arith.addf %d2, %acc : f32"])
        self.generic(name + "_rstd", ["#id2", "#id2"], ["parallel", "parallel"],
                     [(name + "_var_sum", [b, s])], (name + "_sum_init", [b, s]),
                     [f"%n = arith.constant {f32(h)} : f32",
                      f"%eps = arith.constant {f32(EPS)} : f32",
                      "%v = arith.divf %a0, %n : f32",
                      "%ve = arith.addf %v, %eps : f32",
                      "%r = math.rsqrt %ve : f32"])
        self.empty(name + "_init", b, s, h)
        self.generic(name, ["#id3", "#red3", "#red3", "#last3", "#last3",
                            "#id3"], ["parallel"] * 3,
                     [(x, [b, s, h]), (name + "_mean", [b, s]),
                      (name + "_rstd", [b, s]), (name + "_gamma", [h]),
                      (name + "_beta", [h])], (name + "_init", [b, s, h]),
                     ["%c = arith.subf %a0, %a1 : f32",
                      "%n = arith.mulf %c, %a2 : f32",
                      "%g = arith.mulf %n, %a3 : f32",
                      "%r = arith.addf %g, %a4 : f32"])

    def add(self, name, x, y, dims):
        self.empty(name + "_init", *dims)
        self.generic(name, ["#id3"] * 3, ["parallel"] * 3,
                     [(x, dims), (y, dims)], (name + "_init", dims),
                     ["%r = arith.addf %a0, %a1 : f32"])


def param_resource(name):
    return name.replace(".", "_")


# Short SSA names of the parameters' owners.
SSA = {QUERY: "query", KEY: "key", VALUE: "value", ATTN_OUT: "ao", LN1: "ln1",
       INTERMEDIATE: "fc1", OUTPUT: "fc2", LN2: "ln2"}


def layer_text(args):
    sh = Shapes(args.dynamic, args.batch, args.seq)
    h, nh, f = args.hidden, args.heads, args.ffn
    dh = h // nh
    b, s, m = sh.b, sh.s, sh.m
    bh = "bh" if args.dynamic else args.batch * nh
    w = Writer(sh)
    x_dims = [b, s, h]
    w.emit(f"func.func @forward(%x: {Shapes.ty(*x_dims)}) -> "
           f"{Shapes.ty(*x_dims)} attributes {{llvm.emit_c_interface}} {{")
    w.emit("  %zero = arith.constant 0.000000e+00 : f32")
    w.emit("  %ninf = arith.constant 0xFF800000 : f32")
    if args.dynamic:
        w.emit("  %c0 = arith.constant 0 : index")
        w.emit("  %c1 = arith.constant 1 : index")
        w.emit(f"  %b = tensor.dim %x, %c0 : {Shapes.ty(*x_dims)}")
        w.emit(f"  %s = tensor.dim %x, %c1 : {Shapes.ty(*x_dims)}")
    w.collapse("x2", "x", x_dims, [[0, 1], [2]], [m, h])
    if args.dynamic:
        w.emit(f"  %m = tensor.dim %x2, %c0 : {Shapes.ty(m, h)}")

    # Self-attention.
    for name in [QUERY, KEY, VALUE]:
        v = SSA[name]
        w.linear(f"{name}: x W^T + b, heads split to [B*nh, S, dh].", name,
                 v, "x2", h, h)
        w.expand(v + "4", v, [b, s, h], [[0], [1], [2, 3]], [b, s, nh, dh])
        dims = w.transpose(v + "_heads", v + "4", [b, s, nh, dh],
                           [0, 2, 1, 3])
        w.collapse(v + "3", v + "_heads", dims, [[0, 1], [2], [3]], [bh, s, dh])
        if args.dynamic and name == QUERY:
            w.emit(f"  %bh = tensor.dim %query3, %c0 : {Shapes.ty(bh, s, dh)}")
    w.emit("  // Scores Q K^T / sqrt(dh).")
    w.transpose("key3_t", "key3", [bh, s, dh], [0, 2, 1])
    w.fill("scores_zero", "zero", bh, s, s)
    t3 = Shapes.ty(bh, s, s)
    w.emit(f"  %scores_mm = linalg.batch_matmul ins(%query3, %key3_t : "
           f"{Shapes.ty(bh, s, dh)}, {Shapes.ty(bh, dh, s)}) "
           f"outs(%scores_zero : {t3}) -> {t3}")
    w.generic("scores", ["#id3", "#id3"], ["parallel"] * 3,
              [("scores_mm", [bh, s, s])], ("scores_zero_init", [bh, s, s]),
              [f"%d = arith.constant {f32(math.sqrt(dh))} : f32",
               "%r = arith.divf %a0, %d : f32"])
    if args.softmax_op:
        w.emit("  // Softmax over the keys.")
        w.empty("probs_init", bh, s, s)
        w.emit(f"  %probs = linalg.softmax dimension(2) ins(%scores : {t3}) "
               f"outs(%probs_init : {t3}) -> {t3}")
    else:
        w.emit("  // Softmax over the keys: exp(x - max) / sum.")
        w.fill("row_max_fill", "ninf", bh, s)
        w.generic("row_max", ["#id3", "#red3"],
                  ["parallel", "parallel", "reduction"],
                  [("scores", [bh, s, s])], ("row_max_fill", [bh, s]),
                  ["%r = arith.maximumf %a0, %acc : f32"])
        w.generic("exps", ["#id3", "#red3", "#id3"], ["parallel"] * 3,
                  [("scores", [bh, s, s]), ("row_max", [bh, s])],
                  ("scores_zero_init", [bh, s, s]),
                  ["%d = arith.subf %a0, %a1 : f32", "%r = math.exp %d : f32"])
        w.fill("row_sum_fill", "zero", bh, s)
        w.generic("row_sum", ["#id3", "#red3"],
                  ["parallel", "parallel", "reduction"],
                  [("exps", [bh, s, s])], ("row_sum_fill", [bh, s]),
                  ["%r = arith.addf %a0, %acc : f32"])
        w.generic("probs", ["#id3", "#red3", "#id3"], ["parallel"] * 3,
                  [("exps", [bh, s, s]), ("row_sum", [bh, s])],
                  ("scores_zero_init", [bh, s, s]),
                  ["%r = arith.divf %a0, %a1 : f32"])
    w.emit("  // Context P V, heads merged back to [B*S, H].")
    w.fill("ctx_zero", "zero", bh, s, dh)
    tc = Shapes.ty(bh, s, dh)
    w.emit(f"  %ctx = linalg.batch_matmul ins(%probs, %value3 : {t3}, {tc}) "
           f"outs(%ctx_zero : {tc}) -> {tc}")
    w.expand("ctx4", "ctx", [bh, s, dh], [[0, 1], [2], [3]], [b, nh, s, dh])
    dims = w.transpose("ctxt", "ctx4", [b, nh, s, dh], [0, 2, 1, 3])
    w.collapse("ctx2", "ctxt", dims, [[0, 1], [2, 3]], [m, h])
    w.linear(f"{ATTN_OUT}: ctx Wo^T + bo.", ATTN_OUT, "ao", "ctx2", h, h)
    w.emit("  // Residual.")
    w.add("res1", "ao", "x", [b, s, h])
    w.layer_norm(LN1, "ln1", "res1", h)

    # Feed-forward block.
    w.collapse("ln1_2", "ln1", [b, s, h], [[0, 1], [2]], [m, h])
    w.linear(f"{INTERMEDIATE}: h W1^T + b1.", INTERMEDIATE, "fc1", "ln1_2",
             h, f)
    w.emit("  // GELU (exact): 0.5 x (1 + erf(x / sqrt(2))).")
    w.empty("gelu_init", b, s, f)
    w.generic("gelu", ["#id3", "#id3"], ["parallel"] * 3,
              [("fc1", [b, s, f])], ("gelu_init", [b, s, f]),
              ["%half = arith.constant 5.000000e-01 : f32",
               "%one = arith.constant 1.000000e+00 : f32",
               f"%rsqrt2 = arith.constant {f32(math.sqrt(0.5))} : f32",
               "%t = arith.mulf %a0, %rsqrt2 : f32",
               "%e = math.erf %t : f32",
               "%p = arith.addf %e, %one : f32",
               "%q = arith.mulf %a0, %p : f32",
               "%r = arith.mulf %q, %half : f32"])
    w.collapse("gelu2", "gelu", [b, s, f], [[0, 1], [2]], [m, f])
    w.linear(f"{OUTPUT}: g W2^T + b2.", OUTPUT, "fc2", "gelu2", f, h)
    w.emit("  // Residual.")
    w.add("res2", "fc2", "ln1", [b, s, h])
    w.layer_norm(LN2, "ln2", "res2", h)
    w.emit(f"  return %ln2 : {Shapes.ty(*x_dims)}")
    w.emit("}")
    return "\n".join(w.lines) + "\n"


def main_text(args):
    b, s, h = args.batch, args.seq, args.hidden
    static = Shapes.ty(b, s, h)
    arg = Shapes.ty("b", "s", h) if args.dynamic else static
    lines = [
        "// The input of input_values(): x[b][s][j] = "
        "((7 (b S + s) + 3 j) mod 17 - 8) / 8.",
        "func.func @main() {",
        f"  %init = tensor.empty() : {static}",
        "  %x = linalg.generic {indexing_maps = [#id3], iterator_types = "
        '["parallel", "parallel", "parallel"]}',
        f"      outs(%init : {static}) {{",
        "  ^bb0(%out: f32):",
        "    %i = linalg.index 0 : index",
        "    %t = linalg.index 1 : index",
        "    %j = linalg.index 2 : index",
        f"    %seq = arith.constant {s} : index",
        "    %c7 = arith.constant 7 : index",
        "    %c3 = arith.constant 3 : index",
        "    %c17 = arith.constant 17 : index",
        "    %is = arith.muli %i, %seq : index",
        "    %tok = arith.addi %is, %t : index",
        "    %a = arith.muli %tok, %c7 : index",
        "    %bj = arith.muli %j, %c3 : index",
        "    %sum = arith.addi %a, %bj : index",
        "    %rem = arith.remui %sum, %c17 : index",
        "    %v = arith.index_cast %rem : index to i32",
        "    %f = arith.sitofp %v : i32 to f32",
        "    %c8 = arith.constant 8.000000e+00 : f32",
        "    %d = arith.subf %f, %c8 : f32",
        "    %n = arith.divf %d, %c8 : f32",
        "    linalg.yield %n : f32",
        f"  }} -> {static}",
    ]
    x = "%x"
    if args.dynamic:
        lines.append(f"  %xd = tensor.cast %x : {static} to {arg}")
        x = "%xd"
    lines += [
        f"  %y = call @forward({x}) : ({arg}) -> {arg}",
        f"  %u = tensor.cast %y : {arg} to tensor<*xf32>",
        "  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()",
        "  return",
        "}",
    ]
    return "\n".join(lines) + "\n"


HEADER = """\
// One BERT encoder layer in torch-mlir's linalg-on-tensors style.
// Generated by scripts/gen_bert_layer.py; do not edit.
// {config}

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#last2 = affine_map<(d0, d1) -> (d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#red3 = affine_map<(d0, d1, d2) -> (d0, d1)>
#last3 = affine_map<(d0, d1, d2) -> (d2)>

"""


def write_weights(directory, args, params, sparsity):
    os.makedirs(directory, exist_ok=True)
    tensors = {}

    def dump(name, shape, values):
        file = name + ".f32"
        data = values
        if sys.byteorder == "big":
            data = array.array("f", values)
            data.byteswap()
        with open(os.path.join(directory, file), "wb") as out:
            data.tofile(out)
        tensors[name] = {"file": file, "shape": shape}

    for name, (shape, values) in params.items():
        dump(name, shape, values)
    dump("input", [args.batch, args.seq, args.hidden],
         input_values(args.batch, args.seq, args.hidden))
    for name, fraction in sparsity.items():
        tensors[name + ".weight"]["sparsity"] = fraction
    manifest = {
        "format": "raw little-endian float32, row-major; nn.Linear weights "
                  "are [out_features, in_features]",
        "function": "forward",
        "config": {key: getattr(args, key) for key in
                   ["batch", "seq", "hidden", "heads", "ffn", "seed",
                    "prune", "sparsity", "tile_n", "unit_k", "dynamic",
                    "softmax_op"]},
        "layer_norm_eps": EPS,
        "tensors": tensors,
    }
    with open(os.path.join(directory, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1)
        out.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", default="-",
                        help="output file, '-' for stdout (default)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--ffn", type=int, default=3072)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--dynamic", action="store_true",
                        help="dynamic batch and sequence length")
    parser.add_argument("--softmax-op", action="store_true",
                        help="linalg.softmax instead of its decomposition")
    parser.add_argument("--prune", choices=["none", "tw2d", "bw"],
                        default="none")
    parser.add_argument("--sparsity", type=float, default=0.75)
    parser.add_argument("--tile-n", type=int, default=128)
    parser.add_argument("--unit-k", type=int, default=32)
    parser.add_argument("--main", action="store_true",
                        help="add a @main that prints the layer's result")
    parser.add_argument("--weights-out", metavar="DIR",
                        help="write parameters and input as raw f32 files")
    args = parser.parse_args()
    if args.hidden % args.heads:
        parser.error("--hidden must be a multiple of --heads")
    if not 0.0 <= args.sparsity < 1.0:
        parser.error("--sparsity must be in [0, 1)")

    params = make_parameters(args)
    sparsity = prune(params, args) if args.prune != "none" else {
        name: 0.0 for name in LINEARS}
    if args.weights_out:
        write_weights(args.weights_out, args, params, sparsity)

    config = (f"batch {args.batch}, seq {args.seq}, hidden {args.hidden}, "
              f"heads {args.heads}, ffn {args.ffn}, seed {args.seed}"
              f"{', dynamic' if args.dynamic else ''}, prune {args.prune}")
    if args.prune != "none":
        config += (f" {args.sparsity} tile-n {args.tile_n}"
                   + (f" unit-k {args.unit_k}" if args.prune == "bw" else ""))
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    with out:
        out.write(HEADER.format(config=config))
        if args.main:
            out.write("func.func private @printMemrefF32(tensor<*xf32>)\n\n")
        out.write(layer_text(args))
        if args.main:
            out.write("\n" + main_text(args))
        out.write("\n{-#\n  dialect_resources: {\n    builtin: {\n")
        first = True
        for name, (_, values) in params.items():
            data = values
            if sys.byteorder == "big":
                data = array.array("f", values)
                data.byteswap()
            out.write(("" if first else ",\n") + "      " +
                      param_resource(name) + ': "0x04000000')
            out.write(data.tobytes().hex())
            out.write('"')
            first = False
        out.write("\n    }\n  }\n#-}\n")


if __name__ == "__main__":
    main()
