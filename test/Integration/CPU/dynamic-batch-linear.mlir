// A batched linear layer whose batch and sequence length are both dynamic
// (tensor<?x?x16xf32>, as torch-mlir emits for a model exported with
// dynamic axes), weights broadcast over the batch: pruned and sparsified,
// it computes exactly what the pruned dense program computes, through the
// CPU pipeline. Restoring both dynamic sizes after the matmul takes a
// memref.expand_shape that MLIR 22's expand-strided-metadata cannot lower
// on its own (see --tsparse-lower-expand-shape).
//
// RUN: tsparse-opt %s --tsparse-prune="pattern=tw2d sparsity=0.5 tile-n=8" -o %t.pruned.mlir
// RUN: tsparse-opt %t.pruned.mlir --tsparse-sparsify -o %t.sparse.mlir
// RUN: FileCheck %s --input-file=%t.sparse.mlir --check-prefix=CHECK-IR
// RUN: tsparse-opt %t.pruned.mlir --tsparse-cpu-pipeline | \
// RUN:   mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | \
// RUN:   sed 's/base@ = 0x[0-9a-f]*//' > %t.dense.out
// RUN: tsparse-opt %t.sparse.mlir --tsparse-cpu-pipeline | \
// RUN:   mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | \
// RUN:   sed 's/base@ = 0x[0-9a-f]*//' > %t.sparse.out
// RUN: diff %t.dense.out %t.sparse.out
// RUN: FileCheck %s --input-file=%t.sparse.out --check-prefix=CHECK-OUT

// CHECK-IR: tensor.collapse_shape {{.*}} : tensor<?x?x16xf32> into tensor<?x16xf32>
// CHECK-IR: tsparse.matmul
// CHECK-IR: tensor.expand_shape {{.*}} into tensor<?x?x16xf32>
// CHECK-IR-NOT: linalg.batch_matmul
// CHECK-OUT: sizes = [2, 4, 16]
// The values of the static-shape version of this layer:
// CHECK-OUT-NEXT: {{\[}}{{\[}}{{\[}}0, 0, 0, 0, 0, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9{{\]}},
// CHECK-OUT-NEXT: {{\[}}0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8{{\]}},
// CHECK-OUT-NEXT: {{\[}}0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10{{\]}},
// CHECK-OUT-NEXT: {{\[}}0, 0, 0, 0, 0, -8, -8, -8, -8, -8, -8, -8, -8, -8, -8, -8{{\]}}{{\]}},
// CHECK-OUT-NEXT: {{\[}}{{\[}}0, 0, 0, 0, 0, -8, -8, -8, -8, -8, -8, -8, -8, -8, -8, -8{{\]}},
// CHECK-OUT-NEXT: {{\[}}0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1{{\]}},
// CHECK-OUT-NEXT: {{\[}}0, 0, 0, 0, 0, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9, -9{{\]}},
// CHECK-OUT-NEXT: {{\[}}0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8{{\]}}{{\]}}{{\]}}

#bcast = affine_map<(d0, d1, d2) -> (d1, d2)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @linear(%x: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %batch = tensor.dim %x, %c0 : tensor<?x?x16xf32>
  %seq = tensor.dim %x, %c1 : tensor<?x?x16xf32>
  // Rows 0-7 of W^T (K 0-7) are pruned in every 8-column tile.
  %w = arith.constant dense<[
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<16x16xf32>
  %zero = arith.constant 0.0 : f32
  %t0 = tensor.empty() : tensor<16x16xf32>
  %wt = linalg.transpose ins(%w : tensor<16x16xf32>) outs(%t0 : tensor<16x16xf32>) permutation = [1, 0]
  %b0 = tensor.empty(%batch) : tensor<?x16x16xf32>
  %wb = linalg.generic {indexing_maps = [#bcast, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%wt : tensor<16x16xf32>) outs(%b0 : tensor<?x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x16x16xf32>
  %o0 = tensor.empty(%batch, %seq) : tensor<?x?x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%o0 : tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %r = linalg.batch_matmul ins(%x, %wb : tensor<?x?x16xf32>, tensor<?x16x16xf32>)
                           outs(%acc : tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %r : tensor<?x?x16xf32>
}


func.func private @printMemrefF32(tensor<*xf32>)

// x[b][i][k] = (b + 2 i + 3 k) mod 5 - 2.
func.func @main() {
  %init = tensor.empty() : tensor<2x4x16xf32>
  %x = linalg.generic {indexing_maps = [#id3], iterator_types = ["parallel", "parallel", "parallel"]}
      outs(%init : tensor<2x4x16xf32>) {
  ^bb0(%out: f32):
    %b = linalg.index 0 : index
    %i = linalg.index 1 : index
    %k = linalg.index 2 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c5 = arith.constant 5 : index
    %i2 = arith.muli %i, %c2 : index
    %k3 = arith.muli %k, %c3 : index
    %s0 = arith.addi %b, %i2 : index
    %s = arith.addi %s0, %k3 : index
    %r = arith.remui %s, %c5 : index
    %v = arith.index_cast %r : index to i32
    %f = arith.sitofp %v : i32 to f32
    %two = arith.constant 2.0 : f32
    %y = arith.subf %f, %two : f32
    linalg.yield %y : f32
  } -> tensor<2x4x16xf32>
  %xd = tensor.cast %x : tensor<2x4x16xf32> to tensor<?x?x16xf32>
  %y = call @linear(%xd) : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %u = tensor.cast %y : tensor<?x?x16xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
