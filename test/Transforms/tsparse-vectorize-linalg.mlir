// RUN: tsparse-opt %s --tsparse-vectorize-linalg --canonicalize | FileCheck %s
// RUN: tsparse-opt %s --tsparse-vectorize-linalg="vector-size=8" --canonicalize | FileCheck %s --check-prefix=V8
// RUN: not tsparse-opt %s --tsparse-vectorize-linalg="vector-size=0" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: tsparse-opt %s --tsparse-vectorize-linalg="parallel-chunks=4" --canonicalize | FileCheck %s --check-prefix=PAR

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#bias = affine_map<(d0, d1) -> (d1)>

// A bias add with exact GELU: one 16-wide vector per iteration of the
// innermost loop, the bias read along it.
// CHECK-LABEL: func.func @bias_gelu
// CHECK: scf.for
// CHECK:   scf.for %{{.*}} = %c0 to %c768 step %c16
// CHECK:     vector.transfer_read {{.*}} : tensor<1x16xf32>, vector<1x16xf32>
// CHECK:     vector.transfer_read {{.*}} : tensor<16xf32>, vector<1x16xf32>
// CHECK:     math.erf {{.*}} : vector<1x16xf32>
// CHECK:     vector.transfer_write {{.*}} : vector<1x16xf32>, tensor<1x16xf32>
// CHECK-NOT: linalg.generic
// Four chunks of 32 rows on threads, each vectorized as above.
// PAR-LABEL: func.func @bias_gelu
// PAR: scf.forall (%[[I:.*]]) = (0) to (128) step (32) shared_outs
// PAR:   tensor.extract_slice %{{.*}}[%[[I]], 0] [32, 768] [1, 1]
// PAR:   scf.for %{{.*}} = %c0 to %c32 step %c1
// PAR:     scf.for %{{.*}} = %c0 to %c768 step %c16
// PAR:       math.erf {{.*}} : vector<1x16xf32>
// PAR:   scf.forall.in_parallel
// V8-LABEL: func.func @bias_gelu
// V8: vector<1x8xf32>
func.func @bias_gelu(%x: tensor<128x768xf32>, %b: tensor<768xf32>) -> tensor<128x768xf32> {
  %e = tensor.empty() : tensor<128x768xf32>
  %r = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<128x768xf32>, tensor<768xf32>) outs(%e : tensor<128x768xf32>) {
  ^bb0(%in: f32, %bi: f32, %out: f32):
    %s = arith.addf %in, %bi : f32
    %g = math.erf %s : f32
    linalg.yield %g : f32
  } -> tensor<128x768xf32>
  return %r : tensor<128x768xf32>
}

// A row reduction over the innermost dimension (LayerNorm's mean, softmax's
// sum) takes 16 lanes per iteration, the loop carrying the partial sum.
// CHECK-LABEL: func.func @row_sum
// CHECK: scf.for
// CHECK:   scf.for %{{.*}} = %c0 to %c768 step %c16
// CHECK:     vector.transfer_read {{.*}} : tensor<1x16xf32>, vector<1x16xf32>
// CHECK:     vector.multi_reduction <add>, {{.*}} [1] : vector<1x16xf32> to vector<1xf32>
// CHECK-NOT: linalg.generic
func.func @row_sum(%x: tensor<128x768xf32>, %init: tensor<128xf32>) -> tensor<128xf32> {
  %r = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<128x768xf32>) outs(%init : tensor<128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<128xf32>
  return %r : tensor<128xf32>
}

// Tiles divide the innermost size: 24 elements take vectors of 12.
// CHECK-LABEL: func.func @transpose_heads
// CHECK: scf.for %{{.*}} = %c0 to %c24 step %c12
// CHECK:   vector.transfer_read {{.*}} : tensor<1x1x12xf32>, vector<1x1x12xf32>
// CHECK-NOT: linalg.transpose
func.func @transpose_heads(%x: tensor<4x3x24xf32>) -> tensor<3x4x24xf32> {
  %e = tensor.empty() : tensor<3x4x24xf32>
  %t = linalg.transpose ins(%x : tensor<4x3x24xf32>) outs(%e : tensor<3x4x24xf32>) permutation = [1, 0, 2]
  return %t : tensor<3x4x24xf32>
}

// A dynamic innermost dimension keeps its scalar loops.
// CHECK-LABEL: func.func @negative_dynamic_innermost
// CHECK: linalg.generic
func.func @negative_dynamic_innermost(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%x : tensor<4x?xf32>) {
  ^bb0(%out: f32):
    %s = arith.addf %out, %out : f32
    linalg.yield %s : f32
  } -> tensor<4x?xf32>
  return %r : tensor<4x?xf32>
}

// Products are left to --tsparse-pack-dense-products.
// CHECK-LABEL: func.func @negative_matmul
// CHECK: linalg.matmul
func.func @negative_matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// BAD: error: expected vector-size in [1, 1024] and parallel-chunks in [0, 4096] but got 0 and 0
