// RUN: tsparse-opt %s --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s

// A tile-sparse product between linalg ops bufferizes like them: the fill
// writes a new buffer, the product accumulates into it in place, and the
// bias epilogue updates it in place too. Packing reads the weight buffers.
// CHECK-LABEL: func.func @linear_with_bias
// CHECK-SAME: (%[[X:.*]]: memref<?x64xf32>, %[[W:.*]]: memref<64x128xf32>, %[[M:.*]]: memref<64x1xi1>, %[[BIAS:.*]]: memref<128xf32>) -> memref<?x128xf32>
// CHECK: %[[C:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?x128xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[C]] : memref<?x128xf32>)
// CHECK: %[[P:.*]] = tsparse.pack %[[W]], %[[M]] : memref<64x128xf32>, memref<64x1xi1> -> !tsparse.matrix<64x128xf32, #{{.*}}>
// CHECK: tsparse.matmul %[[X]], %[[P]], %[[C]] : memref<?x64xf32>, !tsparse.matrix<64x128xf32, #{{.*}}> -> memref<?x128xf32>
// CHECK-NOT: memref.copy
// CHECK: linalg.generic {{.*}} ins(%[[BIAS]] : memref<128xf32>) outs(%[[C]] : memref<?x128xf32>)
// CHECK: return %[[C]]
func.func @linear_with_bias(%x: tensor<?x64xf32>, %w: tensor<64x128xf32>,
                            %m: tensor<64x1xi1>, %bias: tensor<128xf32>)
    -> tensor<?x128xf32> {
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x64xf32>
  %empty = tensor.empty(%rows) : tensor<?x128xf32>
  %zero = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x128xf32>) -> tensor<?x128xf32>
  %p = tsparse.pack %w, %m : tensor<64x128xf32>, tensor<64x1xi1>
      -> !tsparse.matrix<64x128xf32, #tsparse.layout<tile_n = 128>>
  %r = tsparse.matmul %x, %p, %acc
      : tensor<?x64xf32>, !tsparse.matrix<64x128xf32, #tsparse.layout<tile_n = 128>>
      -> tensor<?x128xf32>
  %y = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%bias : tensor<128xf32>) outs(%r : tensor<?x128xf32>) {
  ^bb0(%b: f32, %out: f32):
    %s = arith.addf %out, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// A product whose accumulator is read again afterwards must not clobber it:
// bufferization copies C first.
// CHECK-LABEL: func.func @accumulator_still_used
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[C:.*]]: memref<4x8xf32>)
// CHECK: %[[COPY:.*]] = memref.alloc() {{.*}} : memref<4x8xf32>
// CHECK: memref.copy %[[C]], %[[COPY]]
// CHECK: tsparse.matmul %[[A]], %{{.*}}, %[[COPY]]
// CHECK: return %[[COPY]], %[[C]]
func.func @accumulator_still_used(%a: tensor<4x8xf32>, %c: tensor<4x8xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 2]> : tensor<3xi32>,
    row_ids = dense<[0, 7]> : tensor<2xi32>,
    values = dense<1.0> : tensor<8xf32>
  } : !tsparse.matrix<8x8xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c
      : tensor<4x8xf32>, !tsparse.matrix<8x8xf32, #tsparse.layout<tile_n = 4>>
      -> tensor<4x8xf32>
  return %r, %c : tensor<4x8xf32>, tensor<4x8xf32>
}
