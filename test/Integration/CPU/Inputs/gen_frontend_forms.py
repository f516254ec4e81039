#!/usr/bin/env python3
"""Writes one module holding a linear layer in each form frontends emit.

Every form appears with f32, f16 and bf16 weights (f32 or narrow results),
dynamic M, and for the batched forms a dynamic batch and sequence length;
the weights are random with a fixed seed. @main builds deterministic inputs,
calls every layer and prints each result as f32, so that the pruned dense
program and its sparsified version can be compared with compare_outputs.py.
"""

import argparse
import random

FORMS = ["matmul", "matmul_transposed_maps", "transpose_op", "generic",
         "generic_weights_first", "batch_matmul_broadcast", "collapse_3d",
         "weights_left"]
TYPES = [("f32", "f32"), ("f16", "f32"), ("bf16", "bf16"), ("f16", "f16")]
BATCHED = {"batch_matmul_broadcast", "collapse_3d"}


def dense(rng, rows, cols):
    return "dense<[" + ", ".join(
        "[" + ", ".join("%.2f" % rng.uniform(-2, 2) for _ in range(cols)) +
        "]" for _ in range(rows)) + "]>"


def mul_add(elt, acc, a, b):
    """Body lines computing %s = %c + %a * %b in the accumulator type."""
    if elt == acc:
        return [f"%p = arith.mulf %{a}, %{b} : {acc}"]
    return [f"%ae = arith.extf %{a} : {elt} to {acc}",
            f"%be = arith.extf %{b} : {elt} to {acc}",
            f"%p = arith.mulf %ae, %be : {acc}"]


def layer(rng, name, form, elt, acc, k, n):
    """Returns the function and its input and result types."""
    w, wt = f"tensor<{k}x{n}x{elt}>", f"tensor<{n}x{k}x{elt}>"
    if form in BATCHED:
        x, y = f"tensor<?x?x{k}x{elt}>", f"tensor<?x?x{n}x{acc}>"
    elif form == "weights_left":
        x, y = f"tensor<{k}x?x{elt}>", f"tensor<{n}x?x{acc}>"
    else:
        x, y = f"tensor<?x{k}x{elt}>", f"tensor<?x{n}x{acc}>"
    lines = [f"func.func @{name}(%x: {x}) -> {y} {{",
             "  %c0 = arith.constant 0 : index",
             "  %c1 = arith.constant 1 : index",
             f"  %zero = arith.constant 0.0 : {acc}"]
    if form == "batch_matmul_broadcast":
        lines += [
            f"  %b = tensor.dim %x, %c0 : {x}",
            f"  %m = tensor.dim %x, %c1 : {x}",
            f"  %w = arith.constant {dense(rng, k, n)} : {w}",
            f"  %be = tensor.empty(%b) : tensor<?x{k}x{n}x{elt}>",
            f"  %wb = linalg.broadcast ins(%w : {w}) outs(%be : "
            f"tensor<?x{k}x{n}x{elt}>) dimensions = [0]",
            f"  %e = tensor.empty(%b, %m) : {y}",
            f"  %acc = linalg.fill ins(%zero : {acc}) outs(%e : {y}) -> {y}",
            f"  %r = linalg.batch_matmul ins(%x, %wb : {x}, "
            f"tensor<?x{k}x{n}x{elt}>) outs(%acc : {y}) -> {y}"]
    elif form == "collapse_3d":
        x2, y2 = f"tensor<?x{k}x{elt}>", f"tensor<?x{n}x{acc}>"
        lines += [
            f"  %b = tensor.dim %x, %c0 : {x}",
            f"  %m = tensor.dim %x, %c1 : {x}",
            f"  %w = arith.constant {dense(rng, k, n)} : {w}",
            f"  %x2 = tensor.collapse_shape %x [[0, 1], [2]] : {x} into {x2}",
            f"  %rows = tensor.dim %x2, %c0 : {x2}",
            f"  %e = tensor.empty(%rows) : {y2}",
            f"  %acc = linalg.fill ins(%zero : {acc}) outs(%e : {y2}) -> {y2}",
            f"  %y2 = linalg.matmul ins(%x2, %w : {x2}, {w}) outs(%acc : {y2})"
            f" -> {y2}",
            f"  %r = tensor.expand_shape %y2 [[0, 1], [2]] output_shape "
            f"[%b, %m, {n}] : {y2} into {y}"]
    elif form == "weights_left":
        # Y^T = W X^T, as convolutions lowered through im2col compute.
        lines += [f"  %m = tensor.dim %x, %c1 : {x}",
                  f"  %w = arith.constant {dense(rng, n, k)} : {wt}",
                  f"  %e = tensor.empty(%m) : {y}",
                  f"  %acc = linalg.fill ins(%zero : {acc}) outs(%e : {y}) "
                  f"-> {y}",
                  f"  %r = linalg.matmul ins(%w, %x : {wt}, {x}) "
                  f"outs(%acc : {y}) -> {y}"]
    else:
        lines += [f"  %m = tensor.dim %x, %c0 : {x}",
                  f"  %e = tensor.empty(%m) : {y}",
                  f"  %acc = linalg.fill ins(%zero : {acc}) outs(%e : {y}) "
                  f"-> {y}"]
        if form == "matmul":
            lines += [f"  %w = arith.constant {dense(rng, k, n)} : {w}",
                      f"  %r = linalg.matmul ins(%x, %w : {x}, {w}) "
                      f"outs(%acc : {y}) -> {y}"]
        elif form == "matmul_transposed_maps":
            lines += [f"  %w = arith.constant {dense(rng, n, k)} : {wt}",
                      "  %r = linalg.matmul indexing_maps = ["
                      "affine_map<(d0, d1, d2) -> (d0, d2)>, "
                      "affine_map<(d0, d1, d2) -> (d1, d2)>, "
                      "affine_map<(d0, d1, d2) -> (d0, d1)>] "
                      f"ins(%x, %w : {x}, {wt}) outs(%acc : {y}) -> {y}"]
        elif form == "transpose_op":
            lines += [f"  %w = arith.constant {dense(rng, n, k)} : {wt}",
                      f"  %te = tensor.empty() : {w}",
                      f"  %wt = linalg.transpose ins(%w : {wt}) outs(%te : "
                      f"{w}) permutation = [1, 0]",
                      f"  %r = linalg.matmul ins(%x, %wt : {x}, {w}) "
                      f"outs(%acc : {y}) -> {y}"]
        else:
            first = form == "generic_weights_first"
            maps = ["affine_map<(m, n, k) -> (m, k)>",
                    "affine_map<(m, n, k) -> (k, n)>"]
            ins = [f"%x", f"%w"], [x, w]
            if first:
                maps.reverse()
                ins = (["%w", "%x"], [w, x])
            a, b = ("b", "a") if first else ("a", "b")
            lines += [
                f"  %w = arith.constant {dense(rng, k, n)} : {w}",
                f"  %r = linalg.generic {{indexing_maps = [{maps[0]}, "
                f"{maps[1]}, affine_map<(m, n, k) -> (m, n)>], "
                'iterator_types = ["parallel", "parallel", "reduction"]} '
                f"ins({ins[0][0]}, {ins[0][1]} : {ins[1][0]}, {ins[1][1]}) "
                f"outs(%acc : {y}) {{",
                f"  ^bb0(%{a}: {elt}, %{b}: {elt}, %c: {acc}):"]
            lines += ["    " + l for l in mul_add(elt, acc, "a", "b")]
            lines += [f"    %s = arith.addf %c, %p : {acc}",
                      f"    linalg.yield %s : {acc}",
                      f"  }} -> {y}"]
    lines += [f"  return %r : {y}", "}"]
    return "\n".join(lines), x, y


def call_and_print(name, form, elt, acc, k, n, index):
    """Lines of @main that build the input of `name`, call it and print."""
    shape = [2, 3, k] if form in BATCHED else [5, k]
    if form == "weights_left":
        shape = [k, 5]
    rank = len(shape)
    static = "x".join(map(str, shape))
    dims = ", ".join(f"d{i}" for i in range(rank))
    ident = f"affine_map<({dims}) -> ({dims})>"
    par = ", ".join(['"parallel"'] * rank)
    x_dyn = ("tensor<?x?x" if form in BATCHED else "tensor<?x") + f"{k}x{elt}>"
    y_dyn = x_dyn.replace(f"{k}x{elt}", f"{n}x{acc}")
    out_static = "x".join(map(str, shape[:-1] + [n]))
    if form == "weights_left":
        x_dyn, y_dyn = f"tensor<{k}x?x{elt}>", f"tensor<{n}x?x{acc}>"
        out_static = f"{n}x5"
    p = f"%v{index}_"
    lines = [f"  {p}init = tensor.empty() : tensor<{static}x{elt}>",
             f"  {p}x = linalg.generic {{indexing_maps = [{ident}], "
             f"iterator_types = [{par}]}} outs({p}init : "
             f"tensor<{static}x{elt}>) {{",
             f"  ^bb0(%o: {elt}):"]
    # x[i...] = (sum_d (2 d + 3) i_d) mod 7 - 3: small integers, exact.
    terms = []
    for d in range(rank):
        lines += [f"    %i{d} = linalg.index {d} : index",
                  f"    %f{d} = arith.constant {2 * d + 3} : index",
                  f"    %t{d} = arith.muli %i{d}, %f{d} : index"]
        terms.append(f"%t{d}")
    acc_term = terms[0]
    for d in range(1, rank):
        lines.append(f"    %s{d} = arith.addi {acc_term}, {terms[d]} : index")
        acc_term = f"%s{d}"
    lines += ["    %seven = arith.constant 7 : index",
              f"    %r = arith.remui {acc_term}, %seven : index",
              "    %ri = arith.index_cast %r : index to i32",
              f"    %rf = arith.sitofp %ri : i32 to {elt}",
              f"    %three = arith.constant 3.0 : {elt}",
              f"    %v = arith.subf %rf, %three : {elt}",
              f"    linalg.yield %v : {elt}",
              f"  }} -> tensor<{static}x{elt}>",
              f"  {p}xd = tensor.cast {p}x : tensor<{static}x{elt}> to {x_dyn}",
              f"  {p}y = call @{name}({p}xd) : ({x_dyn}) -> {y_dyn}",
              f"  {p}ys = tensor.cast {p}y : {y_dyn} to "
              f"tensor<{out_static}x{acc}>"]
    result = f"{p}ys"
    if acc != "f32":
        lines += [f"  {p}e = tensor.empty() : tensor<{out_static}xf32>",
                  f"  {p}yf = linalg.generic {{indexing_maps = [{ident}, "
                  f"{ident}], iterator_types = [{par}]}} ins({p}ys : "
                  f"tensor<{out_static}x{acc}>) outs({p}e : "
                  f"tensor<{out_static}xf32>) {{",
                  f"  ^bb0(%a: {acc}, %o: f32):",
                  f"    %w = arith.extf %a : {acc} to f32",
                  "    linalg.yield %w : f32",
                  f"  }} -> tensor<{out_static}xf32>"]
        result = f"{p}yf"
    lines += [f"  {p}u = tensor.cast {result} : tensor<{out_static}xf32> to "
              "tensor<*xf32>",
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
    functions, body = [], []
    index = 0
    for form in FORMS:
        for elt, acc in TYPES:
            k = rng.choice([32, 64, 96])
            n = rng.choice([24, 40, 64, 100])
            name = f"{form}_{elt}_{acc}"
            text, _, _ = layer(rng, name, form, elt, acc, k, n)
            functions.append(text)
            body += call_and_print(name, form, elt, acc, k, n, index)
            index += 1
    with open(args.types, "w") as out:
        out.write("".join(f"{acc}\n" for _ in FORMS for _, acc in TYPES))
    with open(args.mlir, "w") as out:
        out.write("\n\n".join(functions))
        out.write("\n\nfunc.func private @printMemrefF32(tensor<*xf32>)\n\n")
        out.write("func.func @main() {\n" + "\n".join(body) +
                  "\n  return\n}\n")


if __name__ == "__main__":
    main()
