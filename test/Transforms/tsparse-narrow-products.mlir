// RUN: tsparse-opt %s --tsparse-narrow-products --split-input-file | FileCheck %s
// RUN: tsparse-opt %s --tsparse-narrow-products="to=bf16" --split-input-file | FileCheck %s --check-prefix=BF16
// RUN: not tsparse-opt %s --tsparse-narrow-products="to=f64" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: expected one of 'f16', 'bf16' but got 'f64'

// A constant matrix is rounded at compile time (0.1 becomes the nearest
// f16, 0.0999755859); A is rounded by an element-wise generic; C stays f32.
// CHECK-LABEL: func.func @constant_matrix
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[C:.*]]: tensor<?x8xf32>)
// CHECK: %[[B:.*]] = tsparse.constant {row_ids = dense<[0, 1]> : tensor<2xi32>, tile_ptr = dense<[0, 2]> : tensor<2xi32>, values = dense<{{\[}}9.997550e-02, {{.*}}]> : tensor<16xf16>} : !tsparse.matrix<8x8xf16, {{.*}}>
// CHECK: %[[A16:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<?x8xf32>) outs(%{{.*}} : tensor<?x8xf16>)
// CHECK:   arith.truncf %{{.*}} : f32 to f16
// CHECK: tsparse.matmul %[[A16]], %[[B]], %[[C]] : tensor<?x8xf16>, !tsparse.matrix<8x8xf16, {{.*}}> -> tensor<?x8xf32>
// BF16-LABEL: func.func @constant_matrix
// BF16: tsparse.matmul {{.*}} : tensor<?x8xbf16>, !tsparse.matrix<8x8xbf16, {{.*}}> -> tensor<?x8xf32>
func.func @constant_matrix(%a: tensor<?x8xf32>, %c: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %b = tsparse.constant {tile_ptr = dense<[0, 2]> : tensor<2xi32>, row_ids = dense<[0, 1]> : tensor<2xi32>, values = dense<[0.1, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]> : tensor<16xf32>} : !tsparse.matrix<8x8xf32, #tsparse.layout<tile_n = 8>>
  %r = tsparse.matmul %a, %b, %c : tensor<?x8xf32>, !tsparse.matrix<8x8xf32, #tsparse.layout<tile_n = 8>> -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// A runtime pack packs the rounded weights with the same masks; a
// transposed A is rounded before its transposition, so that a K-major read
// still folds on the GPU.
// CHECK-LABEL: func.func @pack_and_transposed_a
// CHECK-SAME: (%[[AT:.*]]: tensor<8x?xf32>, %[[W:.*]]: tensor<8x8xf32>, %[[U:.*]]: tensor<8x1xi1>, %[[C:.*]]: tensor<?x8xf32>)
// CHECK: %[[W16:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<8x8xf32>) outs(%{{.*}} : tensor<8x8xf16>)
// CHECK: %[[B:.*]] = tsparse.pack %[[W16]], %[[U]] : tensor<8x8xf16>, tensor<8x1xi1> -> !tsparse.matrix<8x8xf16, {{.*}}>
// CHECK: %[[AT16:.*]] = linalg.generic {{.*}} ins(%[[AT]] : tensor<8x?xf32>) outs(%{{.*}} : tensor<8x?xf16>)
// CHECK: %[[A16:.*]] = linalg.transpose ins(%[[AT16]] : tensor<8x?xf16>)
// CHECK: tsparse.matmul %[[A16]], %[[B]], %[[C]]
func.func @pack_and_transposed_a(%at: tensor<8x?xf32>, %w: tensor<8x8xf32>, %units: tensor<8x1xi1>, %c: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<8x?xf32>
  %e = tensor.empty(%m) : tensor<?x8xf32>
  %a = linalg.transpose ins(%at : tensor<8x?xf32>) outs(%e : tensor<?x8xf32>) permutation = [1, 0]
  %b = tsparse.pack %w, %units : tensor<8x8xf32>, tensor<8x1xi1> -> !tsparse.matrix<8x8xf32, #tsparse.layout<tile_n = 8>>
  %r = tsparse.matmul %a, %b, %c : tensor<?x8xf32>, !tsparse.matrix<8x8xf32, #tsparse.layout<tile_n = 8>> -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// Products already narrow, with a narrow C, or on a matrix from elsewhere
// are left alone.
// CHECK-LABEL: func.func @negative_cases
// CHECK-NOT: arith.truncf
// CHECK: tsparse.matmul {{.*}} : tensor<4x8xf16>, !tsparse.matrix<8x8xf16, {{.*}}> -> tensor<4x8xf32>
// CHECK: tsparse.matmul {{.*}} : tensor<4x8xf32>, !tsparse.matrix<8x8xf32, {{.*}}> -> tensor<4x8xf32>
func.func @negative_cases(%a16: tensor<4x8xf16>, %w16: tensor<8x8xf16>, %a: tensor<4x8xf32>, %b: !tsparse.matrix<8x8xf32, #tsparse.layout<tile_n = 8>>, %c: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %p = tsparse.pack %w16 : tensor<8x8xf16> -> !tsparse.matrix<8x8xf16, #tsparse.layout<tile_n = 8>>
  %r0 = tsparse.matmul %a16, %p, %c : tensor<4x8xf16>, !tsparse.matrix<8x8xf16, #tsparse.layout<tile_n = 8>> -> tensor<4x8xf32>
  %r1 = tsparse.matmul %a, %b, %c : tensor<4x8xf32>, !tsparse.matrix<8x8xf32, #tsparse.layout<tile_n = 8>> -> tensor<4x8xf32>
  return %r0, %r1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Dense products of runtime operands (attention's) take both inputs
// rounded and keep accumulating into their f32 C.
// CHECK-LABEL: func.func @dense_products
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<2x4x8xf32>) outs(%{{.*}} : tensor<2x4x8xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<2x8x4xf32>) outs(%{{.*}} : tensor<2x8x4xf16>)
// CHECK: linalg.batch_matmul ins(%[[A]], %[[B]] : tensor<2x4x8xf16>, tensor<2x8x4xf16>) outs(%arg2 : tensor<2x4x4xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf16>, tensor<8x4xf16>) outs(%arg5 : tensor<4x4xf32>)
// BF16-LABEL: func.func @dense_products
// BF16: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x4x8xbf16>, tensor<2x8x4xbf16>) outs(%arg2 : tensor<2x4x4xf32>)
func.func @dense_products(%a: tensor<2x4x8xf32>, %b: tensor<2x8x4xf32>, %c: tensor<2x4x4xf32>,
                          %d: tensor<4x8xf32>, %e: tensor<8x4xf32>, %f: tensor<4x4xf32>) -> (tensor<2x4x4xf32>, tensor<4x4xf32>) {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%c : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.matmul ins(%d, %e : tensor<4x8xf32>, tensor<8x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r, %s : tensor<2x4x4xf32>, tensor<4x4xf32>
}

// -----

// A transposed operand keeps its maps; a narrow C or narrow inputs are
// left alone.
// CHECK-LABEL: func.func @dense_maps_and_negative_cases
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xf16>)
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg6 : tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xf16>)
// CHECK: linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%[[A]], %[[B]] : tensor<4x8xf16>, tensor<4x8xf16>) outs(%arg2 : tensor<4x4xf32>)
// CHECK-NOT: arith.truncf
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8x4xf32>) outs(%arg3 : tensor<4x4xf16>)
// CHECK: linalg.matmul ins(%arg4, %arg5 : tensor<4x8xf16>, tensor<8x4xf16>) outs(%arg2 : tensor<4x4xf32>)
func.func @dense_maps_and_negative_cases(%d: tensor<4x8xf32>, %e: tensor<8x4xf32>, %f: tensor<4x4xf32>, %h: tensor<4x4xf16>,
                                %d16: tensor<4x8xf16>, %e16: tensor<8x4xf16>, %g: tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<4x4xf16>, tensor<4x4xf32>) {
  %t = linalg.matmul indexing_maps = [
      affine_map<(d0, d1, d2) -> (d0, d2)>,
      affine_map<(d0, d1, d2) -> (d1, d2)>,
      affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%d, %g : tensor<4x8xf32>, tensor<4x8xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %u = linalg.matmul ins(%d, %e : tensor<4x8xf32>, tensor<8x4xf32>) outs(%h : tensor<4x4xf16>) -> tensor<4x4xf16>
  %v = linalg.matmul ins(%d16, %e16 : tensor<4x8xf16>, tensor<8x4xf16>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %t, %u, %v : tensor<4x4xf32>, tensor<4x4xf16>, tensor<4x4xf32>
}
