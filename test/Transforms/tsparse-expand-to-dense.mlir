// RUN: tsparse-opt %s --tsparse-expand-to-dense --split-input-file --verify-diagnostics | FileCheck %s

#tw = #tsparse.layout<tile_n = 4>

// The product becomes linalg.matmul on the masked dense operand; the mask is
// read per (row unit, column tile).
// CHECK-LABEL: func.func @matmul_pack_tw1d
// CHECK-SAME: (%[[W:.*]]: tensor<4x6xf32>, %[[M:.*]]: tensor<4x2xi1>, %[[A:.*]]: tensor<3x4xf32>, %[[C:.*]]: tensor<3x6xf32>)
// CHECK: %[[MASKED:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<4x6xf32>)
// CHECK:   %[[ROW:.*]] = linalg.index 0
// CHECK:   %[[COL:.*]] = linalg.index 1
// CHECK:   %[[TILE:.*]] = arith.divui %[[COL]], %{{.*}}
// CHECK:   %[[KEEP:.*]] = tensor.extract %[[M]][%{{.*}}, %[[TILE]]]
// CHECK:   arith.select %[[KEEP]]
// CHECK: %[[R:.*]] = linalg.matmul ins(%[[A]], %[[MASKED]] : tensor<3x4xf32>, tensor<4x6xf32>) outs(%[[C]] : tensor<3x6xf32>)
// CHECK: return %[[R]]
func.func @matmul_pack_tw1d(%w: tensor<4x6xf32>, %m: tensor<4x2xi1>,
                            %a: tensor<3x4xf32>, %c: tensor<3x6xf32>)
    -> tensor<3x6xf32> {
  %p = tsparse.pack %w, %m : tensor<4x6xf32>, tensor<4x2xi1>
      -> !tsparse.matrix<4x6xf32, #tw>
  %r = tsparse.matmul %a, %p, %c
      : tensor<3x4xf32>, !tsparse.matrix<4x6xf32, #tw> -> tensor<3x6xf32>
  return %r : tensor<3x6xf32>
}

// -----

// TW-2D: the tile of each column is a prefix count of kept columns.
// CHECK-LABEL: func.func @pack_tw2d
// CHECK-SAME: (%[[W:.*]]: tensor<4x6xf16>, %[[M:.*]]: tensor<4x2xi1>, %[[COLS:.*]]: tensor<6xi1>)
// CHECK: %[[TILES:.*]]:2 = scf.for
// CHECK:   tensor.insert
// CHECK:   tensor.extract %[[COLS]]
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x6xf16>)
// CHECK:   tensor.extract %[[TILES]]#1
// CHECK:   tensor.extract %[[M]]
// CHECK:   tensor.extract %[[COLS]]
// CHECK:   arith.andi
func.func @pack_tw2d(%w: tensor<4x6xf16>, %m: tensor<4x2xi1>, %cols: tensor<6xi1>)
    -> tensor<4x6xf16> {
  %p = tsparse.pack %w, %m columns %cols
      : tensor<4x6xf16>, tensor<4x2xi1>, tensor<6xi1>
      -> !tsparse.matrix<4x6xf16, #tsparse.layout<tile_n = 4, columns = compacted>>
  %d = tsparse.unpack %p
      : !tsparse.matrix<4x6xf16, #tsparse.layout<tile_n = 4, columns = compacted>>
      -> tensor<4x6xf16>
  return %d : tensor<4x6xf16>
}

// -----

// With a residual, packing is lossless: the dense operand is used as is.
// CHECK-LABEL: func.func @pack_residual_is_identity
// CHECK-SAME: (%[[W:.*]]: tensor<4x6xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[W]]
func.func @pack_residual_is_identity(%w: tensor<4x6xf32>, %m: tensor<4x2xi1>)
    -> tensor<4x6xf32> {
  %p = tsparse.pack %w, %m : tensor<4x6xf32>, tensor<4x2xi1>
      -> !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4, residual = csr>>
  %d = tsparse.unpack %p
      : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4, residual = csr>>
      -> tensor<4x6xf32>
  return %d : tensor<4x6xf32>
}

// -----

// Without masks, packing is lossless too.
// CHECK-LABEL: func.func @pack_without_masks_is_identity
// CHECK-SAME: (%[[W:.*]]: tensor<4x6xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[W]]
func.func @pack_without_masks_is_identity(%w: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %p = tsparse.pack %w : tensor<4x6xf32>
      -> !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4, columns = compacted>>
  %d = tsparse.unpack %p
      : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4, columns = compacted>>
      -> tensor<4x6xf32>
  return %d : tensor<4x6xf32>
}

// -----

// A packed constant unpacks at compile time; pruned positions are zero.
// CHECK-LABEL: func.func @constant_unpacks
// CHECK: %[[D:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e+00, 6.000000e+00], [1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<4x6xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %[[D]] : tensor<2x4xf32>, tensor<4x6xf32>)
func.func @constant_unpacks(%a: tensor<2x4xf32>, %c: tensor<2x6xf32>) -> tensor<2x6xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 3]> : tensor<3xi32>,
    row_ids = dense<[1, 0, 3]> : tensor<3xi32>,
    values = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  } : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c
      : tensor<2x4xf32>, !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>
      -> tensor<2x6xf32>
  return %r : tensor<2x6xf32>
}

// -----

// Function boundaries carrying packed matrices become dense tensors.
// CHECK-LABEL: func.func @callee
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xbf16>, %[[B:.*]]: tensor<8x16xbf16>, %[[C:.*]]: tensor<?x16xf32>) -> tensor<?x16xf32>
// CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<?x8xbf16>, tensor<8x16xbf16>) outs(%[[C]] : tensor<?x16xf32>)
// CHECK-LABEL: func.func @caller
// CHECK: call @callee(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<?x8xbf16>, tensor<8x16xbf16>, tensor<?x16xf32>) -> tensor<?x16xf32>
func.func @callee(%a: tensor<?x8xbf16>,
                  %b: !tsparse.matrix<8x16xbf16, #tsparse.layout<tile_n = 8, unit_k = 4>>,
                  %c: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %r = tsparse.matmul %a, %b, %c
      : tensor<?x8xbf16>, !tsparse.matrix<8x16xbf16, #tsparse.layout<tile_n = 8, unit_k = 4>>
      -> tensor<?x16xf32>
  return %r : tensor<?x16xf32>
}
func.func @caller(%a: tensor<?x8xbf16>, %w: tensor<8x16xbf16>, %m: tensor<2x2xi1>,
                  %c: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %p = tsparse.pack %w, %m : tensor<8x16xbf16>, tensor<2x2xi1>
      -> !tsparse.matrix<8x16xbf16, #tsparse.layout<tile_n = 8, unit_k = 4>>
  %r = call @callee(%a, %p, %c)
      : (tensor<?x8xbf16>, !tsparse.matrix<8x16xbf16, #tsparse.layout<tile_n = 8, unit_k = 4>>, tensor<?x16xf32>)
      -> tensor<?x16xf32>
  return %r : tensor<?x16xf32>
}

// -----

// Storage of a runtime-packed matrix has no dense equivalent.
func.func @negative_storage_of_runtime_matrix(
    %p: !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>) -> tensor<?xi32> {
  // expected-error @+1 {{'tsparse.storage' op cannot be expanded: its matrix is not a compile-time constant}}
  %rows = tsparse.storage %p[row_ids]
      : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>> -> tensor<?xi32>
  return %rows : tensor<?xi32>
}

// -----

// An elided resource has no data to unpack.
func.func @negative_elided_values(%a: tensor<2x2xf32>, %c: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'tsparse.constant' op cannot be expanded: the data of its values is not available}}
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1]> : tensor<2xi32>,
    row_ids = dense<[1]> : tensor<1xi32>,
    values = dense_resource<__elided__> : tensor<4xf32>
  } : !tsparse.matrix<2x4xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c
      : tensor<2x2xf32>, !tsparse.matrix<2x4xf32, #tsparse.layout<tile_n = 4>>
      -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// The reference path works on tensors, before bufferization.
func.func @negative_buffers(%a: memref<2x4xf32>, %c: memref<2x4xf32>) {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1]> : tensor<2xi32>,
    row_ids = dense<[1]> : tensor<1xi32>,
    values = dense<1.0> : tensor<4xf32>
  } : !tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 4>>
  // expected-error @+1 {{'tsparse.matmul' op cannot be expanded: it works on buffers (run --tsparse-expand-to-dense before bufferization)}}
  tsparse.matmul %a, %w, %c
      : memref<2x4xf32>, !tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 4>> -> memref<2x4xf32>
  return
}

// -----

// A matrix assembled from runtime storage arrays has no dense form here.
func.func @negative_assemble(%tp: tensor<?xi32>, %ri: tensor<?xi32>, %v: tensor<?xf32>) -> tensor<8x6xf32> {
  // expected-error @+1 {{'tsparse.assemble' op cannot be expanded: its matrix is built from storage arrays at run time (run --tsparse-expand-to-dense before lowering packing)}}
  %m = tsparse.assemble %tp, %ri, %v : tensor<?xi32>, tensor<?xi32>, tensor<?xf32> -> !tsparse.matrix<8x6xf32, #tsparse.layout<tile_n = 4>>
  %d = tsparse.unpack %m : !tsparse.matrix<8x6xf32, #tsparse.layout<tile_n = 4>> -> tensor<8x6xf32>
  return %d : tensor<8x6xf32>
}
