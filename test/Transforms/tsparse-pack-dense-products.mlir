// RUN: tsparse-opt %s --tsparse-pack-dense-products --canonicalize | FileCheck %s
// RUN: tsparse-opt %s --tsparse-pack-dense-products=constant-weights-only=1 \
// RUN:   --canonicalize | FileCheck %s --check-prefix=CONST

// With constant-weights-only (the GPU pipeline), products whose weights
// would be packed at run time are left alone.
// CONST-LABEL: func.func @matmul_runtime_weights
// CONST: linalg.matmul
// CONST-LABEL: func.func @matmul_constant_weights
// CONST: tsparse.matmul
// CONST-LABEL: func.func @batch_matmul_attention
// CONST-NOT: tsparse.pack
// CONST: linalg.batch_matmul

// CHECK-DAG: #[[L128:.*]] = #tsparse.layout<>
// CHECK-DAG: #[[L8:.*]] = #tsparse.layout<tile_n = 8>

// Runtime weights are packed at run time, without masks (lossless).
// CHECK-LABEL: func.func @matmul_runtime_weights
// CHECK-SAME: %[[A:.*]]: tensor<?x64xf32>, %[[B:.*]]: tensor<64x256xf32>, %[[C:.*]]: tensor<?x256xf32>
// CHECK: %[[P:.*]] = tsparse.pack %[[B]] : tensor<64x256xf32> -> !tsparse.matrix<64x256xf32, #[[L128]]>
// CHECK: tsparse.matmul %[[A]], %[[P]], %[[C]]
// CHECK-NOT: linalg.matmul

// Constant weights are packed at compile time; a matrix narrower than 128
// columns is one tile.
// CHECK-LABEL: func.func @matmul_constant_weights
// CHECK: tsparse.constant {row_ids = {{.*}}, tile_ptr = dense<[0, 16]> : tensor<2xi32>, {{.*}}} : !tsparse.matrix<16x8xf32, #[[L8]]>
// CHECK: tsparse.matmul

// Attention's per-batch right operands: a parallel loop over the batch
// packing each, every unit kept (an all-true mask: no search for nonzeros).
// CHECK-LABEL: func.func @batch_matmul_attention
// CHECK: %[[KEEP:.*]] = arith.constant dense<true> : tensor<64x1xi1>
// CHECK: scf.forall (%[[I:.*]]) in (12) shared_outs(%[[ACC:.*]] = %{{.*}})
// CHECK:   %[[KT:.*]] = tensor.extract_slice %{{.*}}[%[[I]], 0, 0] [1, 64, 128] [1, 1, 1] : tensor<12x64x128xf32> to tensor<64x128xf32>
// CHECK:   %[[P:.*]] = tsparse.pack %[[KT]], %[[KEEP]] : tensor<64x128xf32>, tensor<64x1xi1>
// CHECK:   %[[R:.*]] = tsparse.matmul %{{.*}}, %[[P]], %{{.*}} : tensor<128x64xf32>, {{.*}} -> tensor<128x128xf32>
// CHECK:   tensor.parallel_insert_slice %[[R]] into %[[ACC]][%[[I]], 0, 0] [1, 128, 128] [1, 1, 1]
// CHECK-NOT: linalg.batch_matmul

// Integer products are not tile-sparse products.
// CHECK-LABEL: func.func @negative_matmul_i32
// CHECK: linalg.matmul

// tsparse.matrix needs a static N.
// CHECK-LABEL: func.func @negative_batch_matmul_dynamic_n
// CHECK: linalg.batch_matmul

func.func @matmul_runtime_weights(%a: tensor<?x64xf32>, %b: tensor<64x256xf32>, %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x256xf32>) outs(%c : tensor<?x256xf32>) -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}
func.func @matmul_constant_weights(%a: tensor<4x16xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %b = arith.constant dense<1.0> : tensor<16x8xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
func.func @batch_matmul_attention(%q: tensor<12x128x64xf32>, %kt: tensor<12x64x128xf32>, %c: tensor<12x128x128xf32>) -> tensor<12x128x128xf32> {
  %r = linalg.batch_matmul ins(%q, %kt : tensor<12x128x64xf32>, tensor<12x64x128xf32>) outs(%c : tensor<12x128x128xf32>) -> tensor<12x128x128xf32>
  return %r : tensor<12x128x128xf32>
}
func.func @negative_matmul_i32(%a: tensor<4x16xi32>, %b: tensor<16x8xi32>, %c: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x16xi32>, tensor<16x8xi32>) outs(%c : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %r : tensor<4x8xi32>
}
func.func @negative_batch_matmul_dynamic_n(%q: tensor<2x8x4xf32>, %kt: tensor<2x4x?xf32>, %c: tensor<2x8x?xf32>) -> tensor<2x8x?xf32> {
  %r = linalg.batch_matmul ins(%q, %kt : tensor<2x8x4xf32>, tensor<2x4x?xf32>) outs(%c : tensor<2x8x?xf32>) -> tensor<2x8x?xf32>
  return %r : tensor<2x8x?xf32>
}
