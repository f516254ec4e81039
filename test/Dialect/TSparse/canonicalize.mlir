// RUN: tsparse-opt %s --canonicalize --split-input-file | FileCheck %s

// Constant operands pack at compile time. Tile 0 (columns 0-3) keeps row 1;
// tile 1 (columns 4-5, partial) keeps rows 0 and 2. Element (3, 0) is dropped
// although it is nonzero: without a residual, packing follows the mask only.
// CHECK-LABEL: func.func @pack_constant_tw1d
// CHECK: %[[W:.*]] = tsparse.constant
// CHECK-SAME: row_ids = dense<[1, 0, 2]> : tensor<3xi32>
// CHECK-SAME: tile_ptr = dense<[0, 1, 3]> : tensor<3xi32>
// CHECK-SAME: values = dense<[1.000000e+01, 1.100000e+01, 1.200000e+01, 1.300000e+01, 4.000000e+00, 5.000000e+00, 2.000000e+01, 2.100000e+01]> : tensor<8xf32>
// CHECK-NOT: tsparse.pack
// CHECK: return %[[W]]
func.func @pack_constant_tw1d() -> !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>> {
  %w = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
                             [10.0, 11.0, 12.0, 13.0, 14.0, 15.0],
                             [16.0, 17.0, 18.0, 19.0, 20.0, 21.0],
                             [99.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<4x6xf32>
  %m = arith.constant dense<[[false, true], [true, false], [false, true], [false, false]]> : tensor<4x2xi1>
  %p = tsparse.pack %w, %m : tensor<4x6xf32>, tensor<4x2xi1>
      -> !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>
  return %p : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>
}

// -----

// TW-2D: columns 1 and 3 are dropped; kept columns 0, 2 form tile 0 and
// column 4 forms tile 1. Units of the unit mask past tile 1 are ignored.
// CHECK-LABEL: func.func @pack_constant_tw2d
// CHECK: tsparse.constant
// CHECK-SAME: col_ids = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: row_ids = dense<[0, 1, 1]> : tensor<3xi32>
// CHECK-SAME: tile_ptr = dense<[0, 2, 3]> : tensor<3xi32>
// CHECK-SAME: values = dense<[1.000000e+00, 3.000000e+00, 6.000000e+00, 8.000000e+00, 1.000000e+01]> : tensor<5xf16>
func.func @pack_constant_tw2d() -> !tsparse.matrix<2x5xf16, #tsparse.layout<tile_n = 2, columns = compacted>> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0],
                             [6.0, 7.0, 8.0, 9.0, 10.0]]> : tensor<2x5xf16>
  %m = arith.constant dense<[[true, false, true], [true, true, true]]> : tensor<2x3xi1>
  %c = arith.constant dense<[true, false, true, false, true]> : tensor<5xi1>
  %p = tsparse.pack %w, %m columns %c : tensor<2x5xf16>, tensor<2x3xi1>, tensor<5xi1>
      -> !tsparse.matrix<2x5xf16, #tsparse.layout<tile_n = 2, columns = compacted>>
  return %p : !tsparse.matrix<2x5xf16, #tsparse.layout<tile_n = 2, columns = compacted>>
}

// -----

// BW with a residual: the kept 2x2 block holds 1-4; the nonzeros 7 and 9
// outside it go to the CSR residual, so nothing is lost.
// CHECK-LABEL: func.func @pack_constant_bw_residual
// CHECK: tsparse.constant
// CHECK-SAME: residual_cols = dense<[1, 0]> : tensor<2xi32>
// CHECK-SAME: residual_ptr = dense<[0, 0, 0, 1, 2]> : tensor<5xi32>
// CHECK-SAME: residual_values = dense<[7.000000e+00, 9.000000e+00]> : tensor<2xf32>
// CHECK-SAME: row_ids = dense<0> : tensor<1xi32>
// CHECK-SAME: tile_ptr = dense<[0, 1]> : tensor<2xi32>
// CHECK-SAME: values = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
func.func @pack_constant_bw_residual() -> !tsparse.matrix<4x2xf32, #tsparse.layout<tile_n = 2, unit_k = 2, residual = csr>> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [0.0, 7.0], [9.0, 0.0]]> : tensor<4x2xf32>
  %m = arith.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %p = tsparse.pack %w, %m : tensor<4x2xf32>, tensor<2x1xi1>
      -> !tsparse.matrix<4x2xf32, #tsparse.layout<tile_n = 2, unit_k = 2, residual = csr>>
  return %p : !tsparse.matrix<4x2xf32, #tsparse.layout<tile_n = 2, unit_k = 2, residual = csr>>
}

// -----

// A splat packs like any other constant; an all-false mask stores nothing.
// CHECK-LABEL: func.func @pack_constant_splat_all_pruned
// CHECK: tsparse.constant
// CHECK-SAME: row_ids = dense<> : tensor<0xi32>
// CHECK-SAME: tile_ptr = dense<0> : tensor<3xi32>
// CHECK-SAME: values = dense<> : tensor<0xbf16>
func.func @pack_constant_splat_all_pruned() -> !tsparse.matrix<2x8xbf16, #tsparse.layout<tile_n = 4>> {
  %w = arith.constant dense<1.0> : tensor<2x8xbf16>
  %m = arith.constant dense<false> : tensor<2x2xi1>
  %p = tsparse.pack %w, %m : tensor<2x8xbf16>, tensor<2x2xi1>
      -> !tsparse.matrix<2x8xbf16, #tsparse.layout<tile_n = 4>>
  return %p : !tsparse.matrix<2x8xbf16, #tsparse.layout<tile_n = 4>>
}

// -----

// A dense constant whose zeros follow the layout packs without masks: column 1
// is all zero and dropped; kept columns 0, 2, 3 form tiles {0, 2} and {3};
// tile 0 keeps unit 1 (rows 2-3) only, tile 1 keeps unit 0 only.
// CHECK-LABEL: func.func @pack_constant_from_zeros
// CHECK: tsparse.constant
// CHECK-SAME: col_ids = dense<[0, 2, 3]> : tensor<3xi32>
// CHECK-SAME: row_ids = dense<[1, 0]> : tensor<2xi32>
// CHECK-SAME: tile_ptr = dense<[0, 1, 2]> : tensor<3xi32>
// CHECK-SAME: values = dense<[1.000000e+00, 0.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]> : tensor<6xf32>
func.func @pack_constant_from_zeros() -> !tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 2, unit_k = 2, columns = compacted>> {
  %w = arith.constant dense<[[0.0, 0.0, 0.0, 5.0],
                             [0.0, 0.0, 0.0, 6.0],
                             [1.0, 0.0, 0.0, 0.0],
                             [3.0, 0.0, 4.0, 0.0]]> : tensor<4x4xf32>
  %p = tsparse.pack %w : tensor<4x4xf32>
      -> !tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 2, unit_k = 2, columns = compacted>>
  return %p : !tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 2, unit_k = 2, columns = compacted>>
}

// -----

// Runtime operands cannot be packed at compile time.
// CHECK-LABEL: func.func @negative_pack_runtime_weights
// CHECK: tsparse.pack
func.func @negative_pack_runtime_weights(%w: tensor<4x6xf32>) -> !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>> {
  %m = arith.constant dense<true> : tensor<4x2xi1>
  %p = tsparse.pack %w, %m : tensor<4x6xf32>, tensor<4x2xi1>
      -> !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>
  return %p : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>
}

// -----

// Storage arrays of a constant are constants; a dynamic result type gets a
// cast.
// CHECK-LABEL: func.func @storage_of_constant
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<[1, 0, 3]> : tensor<3xi32>
// CHECK-DAG: %[[VALUES:.*]] = arith.constant dense<{{.*}}> : tensor<8xf32>
// CHECK-DAG: %[[CAST:.*]] = tensor.cast %[[ROWS]] : tensor<3xi32> to tensor<?xi32>
// CHECK: return %[[CAST]], %[[VALUES]]
func.func @storage_of_constant() -> (tensor<?xi32>, tensor<8xf32>) {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 3]> : tensor<3xi32>,
    row_ids = dense<[1, 0, 3]> : tensor<3xi32>,
    values = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  } : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>
  %rows = tsparse.storage %w[row_ids] : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>> -> tensor<?xi32>
  %values = tsparse.storage %w[values] : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>> -> tensor<8xf32>
  return %rows, %values : tensor<?xi32>, tensor<8xf32>
}
