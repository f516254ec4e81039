// Every matmul the passes see and leave dense gets a remark and a report
// entry saying why: integer products, dynamic weights, weights that are
// not constants and products of two batched factors. Weights behind a cast to a dynamic shape are read through
// the cast, so they are pruned and sparsified like static ones.
//
// RUN: tsparse-opt %s --tsparse-sparsify="remarks=true report=%t.sparsify.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-SPARSIFY
// RUN: FileCheck %s --input-file=%t.sparsify.json --check-prefix=CHECK-REPORT
// RUN: tsparse-opt %s --tsparse-prune="remarks=true tile-n=8 sparsity=0.5" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-PRUNE
// RUN: tsparse-opt %s --tsparse-prune="tile-n=8 sparsity=0.5" --tsparse-sparsify | FileCheck %s --check-prefix=CHECK-IR

// CHECK-SPARSIFY: remark: tsparse-sparsify: 16x8 weights kept dense: expected a floating-point matmul but got i8 x i8 -> i32
// CHECK-SPARSIFY: remark: tsparse-sparsify: 16x8 weights kept dense: expected a floating-point matmul but got i32 x i32 -> i32
// CHECK-SPARSIFY: remark: tsparse-sparsify: 16x8 weights kept dense: 0.0% of the multiply-adds skipped is below min-sparsity 0.3
// CHECK-SPARSIFY: remark: tsparse-sparsify: 16x? weights kept dense: the weights have a dynamic shape
// CHECK-SPARSIFY: remark: tsparse-sparsify: 16x8 weights kept dense: the weights are neither a constant nor masked by a constant mask
// CHECK-SPARSIFY: remark: tsparse-sparsify: 16x8 weights kept dense: not a matmul with weights shared across the batch: both factors are batched

// CHECK-REPORT: "function": "matmul_i8",
// CHECK-REPORT: "m": 4,
// CHECK-REPORT-NEXT: "k": 16,
// CHECK-REPORT-NEXT: "n": 8,
// CHECK-REPORT-NEXT: "status": "dense",
// CHECK-REPORT-NEXT: "reason": "expected a floating-point matmul but got i8 x i8 -> i32"
// CHECK-REPORT: "function": "negative_dynamic_argument_weights",
// CHECK-REPORT: "m": 4,
// CHECK-REPORT-NEXT: "k": 16,
// CHECK-REPORT-NEXT: "n": null,
// CHECK-REPORT-NEXT: "status": "dense",
// CHECK-REPORT-NEXT: "reason": "the weights have a dynamic shape"

// The pruned matmuls come first, then those left dense.
// CHECK-PRUNE: remark: tsparse-prune: 16x8 weights pruned as tw2d
// CHECK-PRUNE: remark: tsparse-prune: 16x8 weights kept dense: expected a floating-point matmul but got i8 x i8 -> i32
// CHECK-PRUNE: remark: tsparse-prune: 16x8 weights kept dense: expected a floating-point matmul but got i32 x i32 -> i32
// CHECK-PRUNE: remark: tsparse-prune: 16x? weights kept dense: the weights have a dynamic shape
// CHECK-PRUNE: remark: tsparse-prune: 16x8 weights kept dense: the weights are not a constant
// CHECK-PRUNE: remark: tsparse-prune: 16x8 weights kept dense: not a matmul with weights shared across the batch: both factors are batched

// CHECK-IR-LABEL: func.func @matmul_weights_cast_to_dynamic
// CHECK-IR: tsparse.matmul
func.func @matmul_i8(%a: tensor<4x16xi8>, %b: tensor<16x8xi8>, %c: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x16xi8>, tensor<16x8xi8>) outs(%c : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %r : tensor<4x8xi32>
}
func.func @matmul_i32_constant(%a: tensor<4x16xi32>, %c: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %b = arith.constant dense<1> : tensor<16x8xi32>
  %r = linalg.matmul ins(%a, %b : tensor<4x16xi32>, tensor<16x8xi32>) outs(%c : tensor<4x8xi32>) -> tensor<4x8xi32>
  return %r : tensor<4x8xi32>
}
func.func @matmul_weights_cast_to_dynamic(%a: tensor<4x16xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %b = arith.constant dense<[-11.0, 3.0, -6.0, 8.0, -1.0, -10.0, 4.0, -5.0, 9.0, 0.0, -9.0, 5.0, -4.0, 10.0, 1.0, -8.0, 6.0, -3.0, 11.0, 2.0, -7.0, 7.0, -2.0, -11.0, 3.0, -6.0, 8.0, -1.0, -10.0, 4.0, -5.0, 9.0, 0.0, -9.0, 5.0, -4.0, 10.0, 1.0, -8.0, 6.0, -3.0, 11.0, 2.0, -7.0, 7.0, -2.0, -11.0, 3.0, -6.0, 8.0, -1.0, -10.0, 4.0, -5.0, 9.0, 0.0, -9.0, 5.0, -4.0, 10.0, 1.0, -8.0, 6.0, -3.0, 11.0, 2.0, -7.0, 7.0, -2.0, -11.0, 3.0, -6.0, 8.0, -1.0, -10.0, 4.0, -5.0, 9.0, 0.0, -9.0, 5.0, -4.0, 10.0, 1.0, -8.0, 6.0, -3.0, 11.0, 2.0, -7.0, 7.0, -2.0, -11.0, 3.0, -6.0, 8.0, -1.0, -10.0, 4.0, -5.0, 9.0, 0.0, -9.0, 5.0, -4.0, 10.0, 1.0, -8.0, 6.0, -3.0, 11.0, 2.0, -7.0, 7.0, -2.0, -11.0, 3.0, -6.0, 8.0, -1.0, -10.0, 4.0, -5.0, 9.0, 0.0, -9.0, 5.0, -4.0]> : tensor<128xf32>
  %b2 = tensor.expand_shape %b [[0, 1]] output_shape [16, 8] : tensor<128xf32> into tensor<16x8xf32>
  %d = tensor.cast %b2 : tensor<16x8xf32> to tensor<?x?xf32>
  %r = linalg.matmul ins(%a, %d : tensor<4x16xf32>, tensor<?x?xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
func.func @negative_dynamic_argument_weights(%a: tensor<4x16xf32>, %b: tensor<?x?xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<?x?xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
func.func @negative_argument_weights(%a: tensor<4x16xf32>, %b: tensor<16x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
func.func @negative_batch_matmul(%a: tensor<2x4x16xf32>, %b: tensor<2x16x8xf32>, %c: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x4x16xf32>, tensor<2x16x8xf32>) outs(%c : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %r : tensor<2x4x8xf32>
}
