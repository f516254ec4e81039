// RUN: tsparse-opt %s --tsparse-fuse-elementwise-ops | FileCheck %s
// RUN: tsparse-opt %s --linalg-fuse-elementwise-ops | FileCheck %s --check-prefix=UPSTREAM

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#tr3 = affine_map<(d0, d1, d2) -> (d0, d2, d1)>

// Attention's scores: the transposition of K, the f16 rounding of both
// operands and the reshape of Q stay out of the product (upstream
// propagates the reshape into it, which makes it a generic, and fuses the
// roundings into that), the scale and the f16 rounding after it fuse with
// each other.
// CHECK-LABEL: func.func @scores
// CHECK: %[[Q16:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x2x8x16xf32>) outs(%{{.*}} : tensor<1x2x8x16xf16>)
// CHECK: %[[Q:.*]] = tensor.collapse_shape %[[Q16]]
// CHECK: %[[KT:.*]] = linalg.transpose ins(%arg1 : tensor<2x8x16xf32>)
// CHECK: %[[K:.*]] = linalg.generic {{.*}} ins(%[[KT]] : tensor<2x16x8xf32>) outs(%{{.*}} : tensor<2x16x8xf16>)
// CHECK: %[[S:.*]] = linalg.batch_matmul ins(%[[Q]], %[[K]] : tensor<2x8x16xf16>, tensor<2x16x8xf16>)
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<2x8x8xf32>) outs(%{{.*}} : tensor<2x8x8xf16>)
// CHECK: arith.mulf
// CHECK: arith.truncf
// CHECK-NOT: linalg.generic
// CHECK: return
// UPSTREAM-LABEL: func.func @scores
// UPSTREAM-NOT: linalg.batch_matmul
// UPSTREAM: return
func.func @scores(%q4: tensor<1x2x8x16xf32>, %k: tensor<2x8x16xf32>) -> tensor<2x8x8xf16> {
  %q = tensor.collapse_shape %q4 [[0, 1], [2], [3]] : tensor<1x2x8x16xf32> into tensor<2x8x16xf32>
  %e16 = tensor.empty() : tensor<2x8x16xf16>
  %q16 = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q : tensor<2x8x16xf32>) outs(%e16 : tensor<2x8x16xf16>) {
  ^bb0(%x: f32, %o: f16):
    %t = arith.truncf %x : f32 to f16
    linalg.yield %t : f16
  } -> tensor<2x8x16xf16>
  %et = tensor.empty() : tensor<2x16x8xf32>
  %kt = linalg.transpose ins(%k : tensor<2x8x16xf32>) outs(%et : tensor<2x16x8xf32>) permutation = [0, 2, 1]
  %et16 = tensor.empty() : tensor<2x16x8xf16>
  %kt16 = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%kt : tensor<2x16x8xf32>) outs(%et16 : tensor<2x16x8xf16>) {
  ^bb0(%x: f32, %o: f16):
    %t = arith.truncf %x : f32 to f16
    linalg.yield %t : f16
  } -> tensor<2x16x8xf16>
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x8x8xf32>
  %c = linalg.fill ins(%zero : f32) outs(%es : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %s = linalg.batch_matmul ins(%q16, %kt16 : tensor<2x8x16xf16>, tensor<2x16x8xf16>) outs(%c : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %scale = arith.constant 0.25 : f32
  %scaled = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s : tensor<2x8x8xf32>) outs(%es : tensor<2x8x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.mulf %x, %scale : f32
    linalg.yield %m : f32
  } -> tensor<2x8x8xf32>
  %eo = tensor.empty() : tensor<2x8x8xf16>
  %out = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%scaled : tensor<2x8x8xf32>) outs(%eo : tensor<2x8x8xf16>) {
  ^bb0(%x: f32, %o: f16):
    %t = arith.truncf %x : f32 to f16
    linalg.yield %t : f16
  } -> tensor<2x8x8xf16>
  return %out : tensor<2x8x8xf16>
}
