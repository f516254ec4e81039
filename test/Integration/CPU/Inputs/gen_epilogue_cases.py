#!/usr/bin/env python3
"""Writes one module of linear layers followed by the epilogues models use.

Each layer is `linalg.matmul` of a random input and random constant weights
into a zero fill, then `linalg.generic` consumers as frontends emit them: a
bias broadcast along the rows with ReLU, exact GELU (erf), tanh GELU, SiLU,
a residual add, a bias and activation in two separate generics, the
torch-mlir form on a `[1, M, N]` `tensor.expand_shape` of the product, a
bias add narrowed to f16 and to bf16, a mixed-precision linear (bf16 input
and weights, f32 accumulation, bf16 result), and consumers that must not
fuse (a transpose, a reduction).
Half the layers take a dynamic M. @main calls every layer and prints each
result as f32, so that a pruned dense program and its sparsified version can
be compared with compare_outputs.py.
"""

import argparse
import random

EPILOGUES = ["relu", "gelu_erf", "gelu_tanh", "silu", "residual",
             "two_generics", "expand_3d", "transpose", "truncf", "truncf_bf16",
             "mixed_bf16", "row_sum"]
# The element type each layer stores.
NARROW = {"truncf": "f16", "truncf_bf16": "bf16", "mixed_bf16": "bf16"}
ID2 = "affine_map<(d0, d1) -> (d0, d1)>"
COL2 = "affine_map<(d0, d1) -> (d1)>"
ID3 = "affine_map<(d0, d1, d2) -> (d0, d1, d2)>"
COL3 = "affine_map<(d0, d1, d2) -> (d2)>"


def literal(rng, shape):
    if len(shape) == 1:
        return "[" + ", ".join("%.3f" % rng.uniform(-1, 1)
                               for _ in range(shape[0])) + "]"
    return "[" + ", ".join(literal(rng, shape[1:])
                           for _ in range(shape[0])) + "]"


def activation(kind, x):
    """Body lines computing %y from %{x}, in f32."""
    if kind == "relu":
        return ["%z0 = arith.constant 0.0 : f32",
                f"%y = arith.maximumf %{x}, %z0 : f32"]
    if kind == "gelu_erf":
        return ["%half = arith.constant 0.5 : f32",
                "%one = arith.constant 1.0 : f32",
                "%rsqrt2 = arith.constant 0.70710678 : f32",
                f"%s = arith.mulf %{x}, %rsqrt2 : f32",
                "%erf = math.erf %s : f32",
                "%e1 = arith.addf %erf, %one : f32",
                f"%h = arith.mulf %{x}, %half : f32",
                "%y = arith.mulf %h, %e1 : f32"]
    if kind == "gelu_tanh":
        return ["%half = arith.constant 0.5 : f32",
                "%one = arith.constant 1.0 : f32",
                "%c = arith.constant 0.7978845608 : f32",
                "%k = arith.constant 0.044715 : f32",
                f"%x2 = arith.mulf %{x}, %{x} : f32",
                f"%x3 = arith.mulf %x2, %{x} : f32",
                "%kx3 = arith.mulf %x3, %k : f32",
                f"%in = arith.addf %{x}, %kx3 : f32",
                "%s = arith.mulf %in, %c : f32",
                "%t = math.tanh %s : f32",
                "%t1 = arith.addf %t, %one : f32",
                f"%h = arith.mulf %{x}, %half : f32",
                "%y = arith.mulf %h, %t1 : f32"]
    if kind == "silu":
        return ["%one = arith.constant 1.0 : f32",
                f"%neg = arith.negf %{x} : f32",
                "%ex = math.exp %neg : f32",
                "%d = arith.addf %ex, %one : f32",
                f"%y = arith.divf %{x}, %d : f32"]
    raise ValueError(kind)


def generic(maps, ins, outs, args, body, result, iterators=None):
    """A linalg.generic, parallel unless `iterators` says otherwise; `ins`
    and `outs` are (value, type) pairs."""
    rank = 3 if "d2" in maps[0] else 2
    par = ", ".join(f'"{it}"' for it in (iterators or ["parallel"] * rank))
    ins_text = ", ".join(v for v, _ in ins)
    ins_types = ", ".join(t for _, t in ins)
    lines = [f"  {result} = linalg.generic {{indexing_maps = [{', '.join(maps)}], "
             f"iterator_types = [{par}]}} ins({ins_text} : {ins_types}) "
             f"outs({outs[0]} : {outs[1]}) {{",
             f"  ^bb0({args}):"]
    lines += ["    " + line for line in body]
    return lines + [f"  }} -> {outs[1]}"]


def layer(rng, name, kind, k, n, dynamic):
    m = "?" if dynamic else "5"
    x, y = f"tensor<{m}x{k}xf32>", f"tensor<{m}x{n}xf32>"
    out_type = y
    if kind == "transpose":
        out_type = f"tensor<{n}x{m}xf32>"
    elif kind in NARROW:
        out_type = f"tensor<{m}x{n}x{NARROW[kind]}>"
    elif kind == "row_sum":
        out_type = f"tensor<{m}xf32>"
    elif kind == "expand_3d":
        out_type = f"tensor<1x{m}x{n}xf32>"
    params = f"%x: {x}, %res: {y}"
    if kind == "expand_3d":
        params = f"%x: {x}, %res: tensor<1x{m}x{n}xf32>"
    # A mixed-precision layer multiplies bf16 operands (its input cast).
    wide = kind != "mixed_bf16"
    in_elt = "f32" if wide else "bf16"
    lines = [f"func.func @{name}({params}) -> {out_type} {{",
             "  %c0 = arith.constant 0 : index",
             "  %zero = arith.constant 0.0 : f32",
             f"  %w = arith.constant dense<{literal(rng, [k, n])}> : "
             f"tensor<{k}x{n}x{in_elt}>",
             f"  %bias = arith.constant dense<{literal(rng, [n])}> : "
             f"tensor<{n}xf32>"]
    dims = "(%m)" if dynamic else "()"
    if dynamic:
        lines.append(f"  %m = tensor.dim %x, %c0 : {x}")
    lhs, lhs_type = "%x", x
    if not wide:
        lhs_type = f"tensor<{m}x{k}xbf16>"
        lines.append(f"  %eb = tensor.empty{dims} : {lhs_type}")
        lines += generic([ID2, ID2], [("%x", x)], ("%eb", lhs_type),
                         "%a: f32, %o: bf16",
                         ["%t = arith.truncf %a : f32 to bf16",
                          "linalg.yield %t : bf16"], "%xb")
        lhs = "%xb"
    lines += [f"  %e = tensor.empty{dims} : {y}",
              f"  %acc = linalg.fill ins(%zero : f32) outs(%e : {y}) -> {y}",
              f"  %p = linalg.matmul ins({lhs}, %w : {lhs_type}, "
              f"tensor<{k}x{n}x{in_elt}>) outs(%acc : {y}) -> {y}"]
    bias_args = "%a: f32, %b: f32, %o: f32"
    add_bias = ["%s0 = arith.addf %a, %b : f32"]
    if kind in ("relu", "gelu_erf", "gelu_tanh", "silu"):
        lines += generic([ID2, COL2, ID2], [("%p", y), ("%bias", f"tensor<{n}xf32>")],
                         ("%e", y), bias_args,
                         add_bias + activation(kind, "s0") +
                         ["linalg.yield %y : f32"], "%r")
    elif kind == "residual":
        lines += generic([ID2, COL2, ID2, ID2],
                         [("%p", y), ("%bias", f"tensor<{n}xf32>"), ("%res", y)],
                         ("%e", y), "%a: f32, %b: f32, %c: f32, %o: f32",
                         add_bias + ["%y = arith.addf %s0, %c : f32",
                                     "linalg.yield %y : f32"], "%r")
    elif kind == "two_generics":
        lines += generic([ID2, COL2, ID2], [("%p", y), ("%bias", f"tensor<{n}xf32>")],
                         ("%e", y), bias_args,
                         add_bias + ["linalg.yield %s0 : f32"], "%q")
        lines += generic([ID2, ID2], [("%q", y)], ("%e", y), "%s0: f32, %o: f32",
                         activation("gelu_erf", "s0") + ["linalg.yield %y : f32"],
                         "%r")
    elif kind == "expand_3d":
        t3 = f"tensor<1x{m}x{n}xf32>"
        shape = "[1, %m, " + str(n) + "]" if dynamic else f"[1, 5, {n}]"
        lines += [f"  %p3 = tensor.expand_shape %p [[0, 1], [2]] "
                  f"output_shape {shape} : {y} into {t3}"]
        lines += [f"  %e3 = tensor.empty{dims} : {t3}"]
        lines += generic([ID3, COL3, ID3, ID3],
                         [("%p3", t3), ("%bias", f"tensor<{n}xf32>"), ("%res", t3)],
                         ("%e3", t3), "%a: f32, %b: f32, %c: f32, %o: f32",
                         add_bias + activation("relu", "s0") +
                         ["%z = arith.addf %y, %c : f32", "linalg.yield %z : f32"],
                         "%r")
    elif kind == "transpose":
        tdims = "(%m)" if dynamic else "()"
        lines += [f"  %et = tensor.empty{tdims} : {out_type}"]
        lines += generic(["affine_map<(d0, d1) -> (d1, d0)>",
                          "affine_map<(d0, d1) -> (d0)>", ID2],
                         [("%p", y), ("%bias", f"tensor<{n}xf32>")],
                         ("%et", out_type), bias_args,
                         add_bias + ["linalg.yield %s0 : f32"], "%r")
    elif kind in NARROW:
        narrow = NARROW[kind]
        lines += [f"  %eh = tensor.empty{dims} : {out_type}"]
        lines += generic([ID2, COL2, ID2], [("%p", y), ("%bias", f"tensor<{n}xf32>")],
                         ("%eh", out_type), f"%a: f32, %b: f32, %o: {narrow}",
                         add_bias + [f"%y = arith.truncf %s0 : f32 to {narrow}",
                                     f"linalg.yield %y : {narrow}"], "%r")
    elif kind == "row_sum":
        lines += [f"  %er = tensor.empty{dims} : {out_type}",
                  f"  %fr = linalg.fill ins(%zero : f32) outs(%er : {out_type}) "
                  f"-> {out_type}"]
        lines += generic([ID2, COL2, "affine_map<(d0, d1) -> (d0)>"],
                         [("%p", y), ("%bias", f"tensor<{n}xf32>")],
                         ("%fr", out_type), bias_args,
                         add_bias + ["%y = arith.addf %s0, %o : f32",
                                     "linalg.yield %y : f32"], "%r",
                         iterators=["parallel", "reduction"])
    lines += [f"  return %r : {out_type}", "}"]
    return "\n".join(lines), out_type


def call_and_print(rng, name, kind, k, n, dynamic, out_type, index):
    p = f"%v{index}_"
    m = "?" if dynamic else "5"
    x_static, y_static = f"tensor<5x{k}xf32>", f"tensor<5x{n}xf32>"
    lines = [f"  {p}x = arith.constant dense<{literal(rng, [5, k])}> : {x_static}"]
    res_static = y_static
    res_type = f"tensor<{m}x{n}xf32>"
    if kind == "expand_3d":
        res_static = f"tensor<1x5x{n}xf32>"
        res_type = f"tensor<1x{m}x{n}xf32>"
        lines.append(f"  {p}r = arith.constant dense<{literal(rng, [1, 5, n])}> "
                     f": {res_static}")
    else:
        lines.append(f"  {p}r = arith.constant dense<{literal(rng, [5, n])}> "
                     f": {res_static}")
    x_arg, r_arg = f"{p}x", f"{p}r"
    if dynamic:
        lines += [f"  {p}xd = tensor.cast {p}x : {x_static} to tensor<?x{k}xf32>",
                  f"  {p}rd = tensor.cast {p}r : {res_static} to {res_type}"]
        x_arg, r_arg = f"{p}xd", f"{p}rd"
    lines.append(f"  {p}y = call @{name}({x_arg}, {r_arg}) : "
                 f"(tensor<{m}x{k}xf32>, {res_type}) -> {out_type}")
    result, result_type = f"{p}y", out_type
    if kind in NARROW:
        narrow = NARROW[kind]
        wide = f"tensor<5x{n}xf32>"
        lines.append(f"  {p}ys = tensor.cast {p}y : {out_type} to "
                     f"tensor<5x{n}x{narrow}>")
        lines.append(f"  {p}e = tensor.empty() : {wide}")
        lines += generic([ID2, ID2], [(f"{p}ys", f"tensor<5x{n}x{narrow}>")],
                         (f"{p}e", wide), f"%h: {narrow}, %o: f32",
                         [f"%w = arith.extf %h : {narrow} to f32",
                          "linalg.yield %w : f32"], f"{p}f")
        result, result_type = f"{p}f", wide
    lines += [f"  {p}u = tensor.cast {result} : {result_type} to tensor<*xf32>",
              f"  call @printMemrefF32({p}u) : (tensor<*xf32>) -> ()"]
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mlir", required=True)
    parser.add_argument("--types", required=True,
                        help="writes the result type of each printed block")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    functions, body, types = [], [], []
    index = 0
    for kind in EPILOGUES:
        for dynamic in (False, True):
            k = rng.choice([32, 48])
            n = rng.choice([40, 64, 72])
            name = f"{kind}_{'dynamic' if dynamic else 'static'}"
            text, out_type = layer(rng, name, kind, k, n, dynamic)
            functions.append(text)
            body += call_and_print(rng, name, kind, k, n, dynamic, out_type,
                                   index)
            types.append(NARROW.get(kind, "f32"))
            index += 1
    with open(args.types, "w") as out:
        out.write("".join(t + "\n" for t in types))
    with open(args.mlir, "w") as out:
        out.write("\n\n".join(functions))
        out.write("\n\nfunc.func private @printMemrefF32(tensor<*xf32>)\n\n")
        out.write("func.func @main() {\n" + "\n".join(body) +
                  "\n  return\n}\n")


if __name__ == "__main__":
    main()
