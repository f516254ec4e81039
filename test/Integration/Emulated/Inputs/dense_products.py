"""Writes a program whose @forward multiplies two runtime operands, for the
emulated tests of the dense-product kernels: a linalg.batch_matmul of
BATCH x M x K and BATCH x K x N operands (or a linalg.matmul without
--batch), a @main calling it on deterministic inputs and printing the
result, and those inputs as raw little-endian f32 files for
tsparse-gpu-emulate.

Usage: dense_products.py [--batch B] [--transpose-a] [--transpose-b]
                         M K N PREFIX
writes PREFIX.mlir, PREFIX.a.f32 and PREFIX.b.f32. With --transpose-a
(--transpose-b) that operand is given K x M (N x K) and the product's
indexing maps say so.
"""

import argparse
import struct


def values(count, seed):
    # Small integers over 8: exact in f16, so that only the summation order
    # differs between the runs.
    return [((i * 7 + i // 17 * 5 + seed * 13) % 17 - 8) / 8.0
            for i in range(count)]


def tensor_type(shape):
    return "tensor<%sxf32>" % "x".join(str(d) for d in shape)


def constant(shape, data):
    return "arith.constant dense<[%s]> : %s" % (
        ", ".join(repr(v) for v in data), tensor_type(shape))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=0)
    parser.add_argument("--transpose-a", action="store_true")
    parser.add_argument("--transpose-b", action="store_true")
    parser.add_argument("m", type=int)
    parser.add_argument("k", type=int)
    parser.add_argument("n", type=int)
    parser.add_argument("prefix")
    args = parser.parse_args()
    lead = [args.batch] if args.batch else []
    a_shape = lead + ([args.k, args.m] if args.transpose_a else [args.m, args.k])
    b_shape = lead + ([args.n, args.k] if args.transpose_b else [args.k, args.n])
    c_shape = lead + [args.m, args.n]
    a_count = (args.batch or 1) * args.m * args.k
    b_count = (args.batch or 1) * args.k * args.n
    a, b = values(a_count, 1), values(b_count, 2)
    op = "linalg.batch_matmul" if args.batch else "linalg.matmul"
    if args.transpose_a or args.transpose_b:
        # Loops (b,) m, n, k.
        dims = (["d0"] if args.batch else []) + ["dm", "dn", "dk"]
        lead_dims = dims[:-3]
        a_idx = lead_dims + (["dk", "dm"] if args.transpose_a else ["dm", "dk"])
        b_idx = lead_dims + (["dn", "dk"] if args.transpose_b else ["dk", "dn"])
        c_idx = lead_dims + ["dm", "dn"]
        amap = lambda idx: "affine_map<(%s) -> (%s)>" % (
            ", ".join(dims), ", ".join(idx))
        op += " indexing_maps = [%s, %s, %s]" % (
            amap(a_idx), amap(b_idx), amap(c_idx))
    a_t, b_t, c_t = map(tensor_type, (a_shape, b_shape, c_shape))
    # The flat constants are reshaped to the operand shapes.
    flat = lambda n: "tensor<%dxf32>" % n
    reassoc = "[[%s]]" % ", ".join(str(d) for d in range(len(a_shape)))
    program = f"""
func.func private @printMemrefF32(tensor<*xf32>)

func.func @forward(%a: {a_t}, %b: {b_t}) -> {c_t} {{
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : {c_t}
  %c = linalg.fill ins(%zero : f32) outs(%empty : {c_t}) -> {c_t}
  %r = {op} ins(%a, %b : {a_t}, {b_t}) outs(%c : {c_t}) -> {c_t}
  return %r : {c_t}
}}

func.func @main() {{
  %a_flat = {constant([a_count], a)}
  %b_flat = {constant([b_count], b)}
  %a = tensor.expand_shape %a_flat {reassoc} output_shape {a_shape} : {flat(a_count)} into {a_t}
  %b = tensor.expand_shape %b_flat {reassoc} output_shape {b_shape} : {flat(b_count)} into {b_t}
  %r = call @forward(%a, %b) : ({a_t}, {b_t}) -> {c_t}
  %u = tensor.cast %r : {c_t} to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}}
"""
    open(args.prefix + ".mlir", "w").write(program)
    for name, data in (("a", a), ("b", b)):
        with open("%s.%s.f32" % (args.prefix, name), "wb") as f:
            f.write(struct.pack("<%df" % len(data), *data))


if __name__ == "__main__":
    main()
