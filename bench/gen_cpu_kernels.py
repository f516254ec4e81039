#!/usr/bin/env python3
"""Writes the MLIR modules of the CPU benchmark.

For every configuration of cpu_configs.def, reads the pruned weights written
by prune_weights and emits, with the weights as a `dense_resource` constant:

- NAME.tsparse.mlir: `@tsparse_NAME(A, C)`: C = A * W through tsparse, the
  product of a zero-filled C as models (and sgemm with beta = 0) compute it
  (`tsparse.pack` of the constant infers the layout's masks from its zeros);
- NAME.tsparse_avx2.mlir: the same as `@tsparse_avx2_NAME`, which the run
  script compiles for AVX2 only, the instruction set OpenBLAS uses here;
- NAME.sparsifier.mlir: `@sparsifier_weights_NAME()` converting W to MLIR's
  own block-sparse format (#BSR, 4x4 blocks) once, and
  `@sparsifier_NAME(A, W, C)`: C += A * W with `linalg.matmul` compiled by
  `--sparsifier`;
- for one configuration per shape, NAME.dense.mlir: `@dense_NAME(A, C)`:
  C = A * W, `linalg.matmul` on the dense weights through
  `--tsparse-cpu-pipeline`.

Usage: gen_cpu_kernels.py <cpu_configs.def> <weights directory> <out dir>
"""

import os
import re
import sys

LAYOUTS = {
    "tw2d": "#tsparse.layout<tile_n = 128, columns = compacted>",
    "bw": "#tsparse.layout<tile_n = 128, unit_k = 32>",
}

BSR = ("#sparse_tensor.encoding<{ map = (i, j) -> (i floordiv 4 : dense, "
       "j floordiv 4 : compressed, i mod 4 : dense, j mod 4 : dense) }>")


def read_configs(path):
    pattern = re.compile(
        r'^CPU_CONFIG\((\w+), (\d+), (\d+), "(\w+)", ([0-9.]+)\)')
    configs = []
    with open(path) as f:
        for line in f:
            match = pattern.match(line)
            if match:
                name, k, n, kind, sparsity = match.groups()
                configs.append((name, int(k), int(n), kind, float(sparsity)))
    return configs


def resource(name, weights_dir):
    with open(os.path.join(weights_dir, name + ".bin"), "rb") as f:
        data = f.read()
    # A resource blob starts with its alignment (4 bytes, little endian).
    return ('{-#\n  dialect_resources: {\n    builtin: {\n      %s: "0x04000000%s"\n'
            '    }\n  }\n#-}\n' % (name, data.hex().upper()))


def tsparse_module(name, k, n, kind, prefix="tsparse"):
    layout = LAYOUTS[kind]
    return """#layout = {layout}
func.func @{prefix}_{name}(%a: memref<?x{k}xf32>, %c: memref<?x{n}xf32>)
    attributes {{llvm.emit_c_interface}} {{
  %w = arith.constant dense_resource<{name}> : tensor<{k}x{n}xf32>
  %p = tsparse.pack %w : tensor<{k}x{n}xf32> -> !tsparse.matrix<{k}x{n}xf32, #layout>
  %at = bufferization.to_tensor %a restrict : memref<?x{k}xf32> to tensor<?x{k}xf32>
  %ct = bufferization.to_tensor %c restrict writable : memref<?x{n}xf32> to tensor<?x{n}xf32>
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%ct : tensor<?x{n}xf32>) -> tensor<?x{n}xf32>
  %r = tsparse.matmul %at, %p, %z
      : tensor<?x{k}xf32>, !tsparse.matrix<{k}x{n}xf32, #layout> -> tensor<?x{n}xf32>
  bufferization.materialize_in_destination %r in restrict writable %c
      : (tensor<?x{n}xf32>, memref<?x{n}xf32>) -> ()
  return
}}
""".format(layout=layout, prefix=prefix, name=name, k=k, n=n)


def dense_module(name, k, n):
    return """func.func @dense_{name}(%a: memref<?x{k}xf32>, %c: memref<?x{n}xf32>)
    attributes {{llvm.emit_c_interface}} {{
  %w = arith.constant dense_resource<{name}> : tensor<{k}x{n}xf32>
  %at = bufferization.to_tensor %a restrict : memref<?x{k}xf32> to tensor<?x{k}xf32>
  %ct = bufferization.to_tensor %c restrict writable : memref<?x{n}xf32> to tensor<?x{n}xf32>
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%ct : tensor<?x{n}xf32>) -> tensor<?x{n}xf32>
  %r = linalg.matmul ins(%at, %w : tensor<?x{k}xf32>, tensor<{k}x{n}xf32>)
                     outs(%z : tensor<?x{n}xf32>) -> tensor<?x{n}xf32>
  bufferization.materialize_in_destination %r in restrict writable %c
      : (tensor<?x{n}xf32>, memref<?x{n}xf32>) -> ()
  return
}}
""".format(name=name, k=k, n=n)


def sparsifier_module(name, k, n):
    return """#BSR = {bsr}
func.func @sparsifier_weights_{name}() -> tensor<{k}x{n}xf32, #BSR>
    attributes {{llvm.emit_c_interface}} {{
  %w = arith.constant dense_resource<{name}> : tensor<{k}x{n}xf32>
  %s = sparse_tensor.convert %w : tensor<{k}x{n}xf32> to tensor<{k}x{n}xf32, #BSR>
  return %s : tensor<{k}x{n}xf32, #BSR>
}}
func.func @sparsifier_{name}(%a: tensor<?x{k}xf32>, %w: tensor<{k}x{n}xf32, #BSR>,
                            %c: tensor<?x{n}xf32>) -> tensor<?x{n}xf32>
    attributes {{llvm.emit_c_interface}} {{
  %r = linalg.matmul ins(%a, %w : tensor<?x{k}xf32>, tensor<{k}x{n}xf32, #BSR>)
                     outs(%c : tensor<?x{n}xf32>) -> tensor<?x{n}xf32>
  return %r : tensor<?x{n}xf32>
}}
""".format(bsr=BSR, name=name, k=k, n=n)


def main():
    configs_path, weights_dir, out_dir = sys.argv[1:4]
    dense_shapes = set()
    for name, k, n, kind, _ in read_configs(configs_path):
        blob = resource(name, weights_dir)
        modules = {"tsparse": tsparse_module(name, k, n, kind),
                   "tsparse_avx2": tsparse_module(name, k, n, kind,
                                                  "tsparse_avx2"),
                   "sparsifier": sparsifier_module(name, k, n)}
        if (k, n) not in dense_shapes:
            dense_shapes.add((k, n))
            modules["dense"] = dense_module(name, k, n)
        for kind_name, text in modules.items():
            path = os.path.join(out_dir, "%s.%s.mlir" % (name, kind_name))
            with open(path, "w") as f:
                f.write(text + blob)
    return 0


if __name__ == "__main__":
    sys.exit(main())
