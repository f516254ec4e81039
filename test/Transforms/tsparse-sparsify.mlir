// Sparsification of matmuls whose weights have tile-wise zero structure.
//
// RUN: tsparse-opt %s -split-input-file --tsparse-sparsify | FileCheck %s
// 2-row units allowed: block-wise structure is found.
// RUN: tsparse-opt %s -split-input-file --tsparse-sparsify="unit-sizes=2,1" | FileCheck %s --check-prefix=BW2
// Without residual layouts, the TEW weights do not pay.
// RUN: tsparse-opt %s -split-input-file --tsparse-sparsify="residual=false" | FileCheck %s --check-prefix=NORES
// Without a threshold, even fully dense weights are packed (all kept).
// RUN: tsparse-opt %s -split-input-file --tsparse-sparsify="min-sparsity=0" | FileCheck %s --check-prefix=DENSE0
// One remark per matmul says what happened and why.
// RUN: tsparse-opt %s -split-input-file --tsparse-sparsify="remarks=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// The report holds the same numbers and the unit masks.
// RUN: tsparse-opt %s --tsparse-sparsify="report=%t.json" -o /dev/null
// RUN: FileCheck %s --input-file=%t.json --check-prefix=REPORT

// REMARK: remark: tsparse-sparsify: 4x16 weights sparsified as tw1d: sparsity 0.500, layout #tsparse.layout<tile_n = 8>, tiles 2, kept rows per tile min 2 / mean 2.0 / max 2, 50.0% of multiply-adds skipped
// REMARK: remark: tsparse-sparsify: 4x24 weights sparsified as tw2d: sparsity 0.667, layout #tsparse.layout<tile_n = 8, columns = compacted>, tiles 2, kept rows per tile min 2 / mean 2.0 / max 2, 66.7% of multiply-adds skipped
// REMARK: remark: tsparse-sparsify: 4x16 weights sparsified as tew: sparsity 0.469, layout #tsparse.layout<tile_n = 8, residual = csr>, tiles 2, kept rows per tile min 2 / mean 2.0 / max 2, 46.9% of multiply-adds skipped
// REMARK: remark: tsparse-sparsify: 4x16 weights kept dense: 0.0% of the multiply-adds skipped is below min-sparsity 0.3 (best tw1d: sparsity 0.000
// REMARK: remark: tsparse-sparsify: 4x16 weights kept dense: 12.5% of the multiply-adds skipped is below min-sparsity 0.3
// REMARK: remark: tsparse-sparsify: 4x16 weights kept dense: the weights are neither a constant nor masked by a constant mask
// REMARK: remark: tsparse-sparsify: 4x16 weights kept dense: expected f32, f16 or bf16 weights but got f64
// REMARK: remark: tsparse-sparsify: 4x16 weights kept dense: expected activations of the weight type f32 but got f16
// REMARK: remark: tsparse-sparsify: 65536x65536 weights kept dense: the weights have more than 2^31 - 1 elements

// Without -split-input-file the whole file is one module; the first matmul
// is @matmul_tw1d_constant.
// REPORT:      "pass": "tsparse-sparsify",
// REPORT-NEXT: "matmuls": [
// REPORT-NEXT:   {
// REPORT-NEXT:     "function": "matmul_tw1d_constant",
// REPORT-NEXT:     "location": "{{.*}}tsparse-sparsify.mlir:{{[0-9]+}}:{{[0-9]+}}",
// REPORT-NEXT:     "op": "linalg.matmul",
// REPORT-NEXT:     "m": 3,
// REPORT-NEXT:     "k": 4,
// REPORT-NEXT:     "n": 16,
// REPORT-NEXT:     "status": "sparsified",
// REPORT-NEXT:     "pattern": "tw1d",
// REPORT-NEXT:     "layout": "#tsparse.layout<tile_n = 8>",
// REPORT-NEXT:     "sparsity": 0.5,
// REPORT-NEXT:     "tiles": 2,
// REPORT-NEXT:     "kept_rows_per_tile": {
// REPORT-NEXT:       "min": 2,
// REPORT-NEXT:       "mean": 2,
// REPORT-NEXT:       "max": 2
// REPORT-NEXT:     },
// REPORT-NEXT:     "residual_elements": 0,
// REPORT-NEXT:     "macs_skipped": 0.5,
// REPORT-NEXT:     "mask": {
// REPORT-NEXT:       "tile_n": 8,
// REPORT-NEXT:       "unit_k": 1,
// REPORT-NEXT:       "tiles": [
// REPORT-NEXT:         "1010",
// REPORT-NEXT:         "0101"
// REPORT-NEXT:       ]
// REPORT-NEXT:     }
// REPORT-NEXT:   },
// REPORT:            "function": "matmul_tw2d_constant",
// REPORT:            "columns": "110110110110110110110110",
// REPORT:            "function": "negative_matmul_dense_weights",
// REPORT:            "status": "dense",
// REPORT-NEXT:       "reason": "0.0% of the multiply-adds skipped is below min-sparsity 0.3",
// REPORT:            "function": "negative_matmul_runtime_weights",
// REPORT-NEXT:       "location": "{{.*}}",
// REPORT-NEXT:       "op": "linalg.matmul",
// REPORT-NEXT:       "m": 3,
// REPORT-NEXT:       "k": 4,
// REPORT-NEXT:       "n": 16,
// REPORT-NEXT:       "status": "dense",
// REPORT-NEXT:       "reason": "the weights are neither a constant nor masked by a constant mask"
// REPORT-NEXT:     },

// Most cases use the 4x16 weights C1, tile-wise with 8-column tiles: rows 0
// and 2 of columns 0-7 and rows 1 and 3 of columns 8-15 are nonzero.

// TW-1D structure: 8-column tiles of the original columns, two rows each.
// CHECK: #[[TW1D:.*]] = #tsparse.layout<tile_n = 8>
// CHECK-LABEL: func.func @matmul_tw1d_constant
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>)
// CHECK: %[[ACC:.*]] = linalg.fill
// CHECK: %[[W:.*]] = tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: values = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 1.700000e+01, 1.800000e+01, 1.900000e+01, 2.000000e+01, 2.100000e+01, 2.200000e+01, 2.300000e+01, 2.400000e+01, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01, 1.600000e+01, 2.500000e+01, 2.600000e+01, 2.700000e+01, 2.800000e+01, 2.900000e+01, 3.000000e+01, 3.100000e+01, 3.200000e+01]> : tensor<32xf32>} : !tsparse.matrix<4x16xf32, #[[TW1D]]>
// CHECK: %[[R:.*]] = tsparse.matmul %[[X]], %[[W]], %[[ACC]] : tensor<3x4xf32>, !tsparse.matrix<4x16xf32, #[[TW1D]]> -> tensor<3x16xf32>
// CHECK-NOT: linalg.matmul
// CHECK: return %[[R]]
func.func @matmul_tw1d_constant(%x: tensor<3x4xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<3x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<3x16xf32>) -> tensor<3x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// TW-2D structure: every third column is zero and the surviving columns,
// tiled by 8, keep rows 0-1 and 2-3; compacting beats the original tiles.
// CHECK: #[[TW2D:.*]] = #tsparse.layout<tile_n = 8, columns = compacted>
// CHECK-LABEL: func.func @matmul_tw2d_constant
// CHECK: tsparse.constant {col_ids = dense<[0, 1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19, 21, 22]> : tensor<16xi32>, row_ids = dense<[0, 1, 2, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: tensor<32xf32>} : !tsparse.matrix<4x24xf32, #[[TW2D]]>
// CHECK: tsparse.matmul
func.func @matmul_tw2d_constant(%x: tensor<3x4xf32>, %acc: tensor<3x24xf32>) -> tensor<3x24xf32> {
  %w = arith.constant dense<[[2.0, 3.0, 0.0, 4.0, 5.0, 0.0, 6.0, 7.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [3.0, 4.0, 0.0, 5.0, 6.0, 0.0, 7.0, 1.0, 0.0, 2.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 5.0, 0.0, 6.0, 7.0, 0.0, 1.0, 2.0, 0.0, 3.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 6.0, 0.0, 7.0, 1.0, 0.0, 2.0, 3.0, 0.0, 4.0, 5.0, 0.0]]> : tensor<4x24xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x24xf32>) outs(%acc : tensor<3x24xf32>) -> tensor<3x24xf32>
  return %r : tensor<3x24xf32>
}

// -----

// Blocks of two rows (tile 0 keeps rows 0-1, tile 1 rows 2-3): block-wise
// when 2-row units are allowed (BW2), TW-1D otherwise.
// CHECK-LABEL: func.func @matmul_block_constant
// CHECK: tsparse.constant {row_ids = dense<[0, 1, 2, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: !tsparse.matrix<4x16xf32, #{{.*}}>
// BW2: #[[BW:.*]] = #tsparse.layout<tile_n = 8, unit_k = 2>
// BW2-LABEL: func.func @matmul_block_constant
// BW2: tsparse.constant {row_ids = dense<[0, 1]> : tensor<2xi32>, tile_ptr = dense<[0, 1, 2]> : tensor<3xi32>
// BW2-SAME: tensor<32xf32>} : !tsparse.matrix<4x16xf32, #[[BW]]>
func.func @matmul_block_constant(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0]]> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// C1 plus two stray elements: cheaper as TW-1D plus a residual (TEW) than as
// tiles that keep the strays' rows; without residual layouts it is TW-1D.
// CHECK: #[[TEW:.*]] = #tsparse.layout<tile_n = 8, residual = csr>
// CHECK-LABEL: func.func @matmul_tew_constant
// CHECK: tsparse.constant {residual_cols = dense<[9, 2]> : tensor<2xi32>, residual_ptr = dense<[0, 1, 1, 1, 2]> : tensor<5xi32>, residual_values = dense<[-6.000000e+00, -5.000000e+00]> : tensor<2xf32>, row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: tensor<32xf32>} : !tsparse.matrix<4x16xf32, #[[TEW]]>
// CHECK: tsparse.matmul
// NORES-LABEL: func.func @matmul_tew_constant
// NORES-NOT: tsparse
// NORES: linalg.matmul
func.func @matmul_tew_constant(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, -6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, -5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// nn.Linear weights W[N x K] behind linalg.transpose: the packed constant is
// C1 and the transpose and the original constant are erased.
// CHECK-LABEL: func.func @matmul_transpose_op
// CHECK-NOT: linalg.transpose
// CHECK-NOT: arith.constant
// CHECK: tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: values = dense<[1.000000e+00, 2.000000e+00,
// CHECK-NOT: linalg.transpose
// CHECK: tsparse.matmul
func.func @matmul_transpose_op(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 0.0, 17.0, 0.0], [2.0, 0.0, 18.0, 0.0], [3.0, 0.0, 19.0, 0.0], [4.0, 0.0, 20.0, 0.0], [5.0, 0.0, 21.0, 0.0], [6.0, 0.0, 22.0, 0.0], [7.0, 0.0, 23.0, 0.0], [8.0, 0.0, 24.0, 0.0], [0.0, 9.0, 0.0, 25.0], [0.0, 10.0, 0.0, 26.0], [0.0, 11.0, 0.0, 27.0], [0.0, 12.0, 0.0, 28.0], [0.0, 13.0, 0.0, 29.0], [0.0, 14.0, 0.0, 30.0], [0.0, 15.0, 0.0, 31.0], [0.0, 16.0, 0.0, 32.0]]> : tensor<16x4xf32>
  %init = tensor.empty() : tensor<4x16xf32>
  %wt = linalg.transpose ins(%w : tensor<16x4xf32>) outs(%init : tensor<4x16xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%x, %wt : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// The same weights read through transposed indexing maps.
// CHECK-LABEL: func.func @matmul_transposed_rhs_maps
// CHECK: tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: values = dense<[1.000000e+00, 2.000000e+00,
// CHECK: tsparse.matmul
func.func @matmul_transposed_rhs_maps(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 0.0, 17.0, 0.0], [2.0, 0.0, 18.0, 0.0], [3.0, 0.0, 19.0, 0.0], [4.0, 0.0, 20.0, 0.0], [5.0, 0.0, 21.0, 0.0], [6.0, 0.0, 22.0, 0.0], [7.0, 0.0, 23.0, 0.0], [8.0, 0.0, 24.0, 0.0], [0.0, 9.0, 0.0, 25.0], [0.0, 10.0, 0.0, 26.0], [0.0, 11.0, 0.0, 27.0], [0.0, 12.0, 0.0, 28.0], [0.0, 13.0, 0.0, 29.0], [0.0, 14.0, 0.0, 30.0], [0.0, 15.0, 0.0, 31.0], [0.0, 16.0, 0.0, 32.0]]> : tensor<16x4xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<3x4xf32>, tensor<16x4xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Activations read as A[K x M]: a linalg.transpose brings them to [M x K].
// CHECK-LABEL: func.func @matmul_transposed_lhs_maps
// CHECK-SAME: (%[[XT:.*]]: tensor<4x3xf32>, %[[ACC:.*]]: tensor<3x16xf32>)
// CHECK: %[[W:.*]] = tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<3x4xf32>
// CHECK: %[[X:.*]] = linalg.transpose ins(%[[XT]] : tensor<4x3xf32>) outs(%[[INIT]] : tensor<3x4xf32>) permutation = [1, 0]
// CHECK: tsparse.matmul %[[X]], %[[W]], %[[ACC]] : tensor<3x4xf32>
func.func @matmul_transposed_lhs_maps(%xt: tensor<4x3xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                      affine_map<(m, n, k) -> (k, n)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%xt, %w : tensor<4x3xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Weights shared across the batch: the batch folds into M and back.
// CHECK-LABEL: func.func @batch_matmul_shared_weights
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[ACC:.*]]: tensor<2x3x16xf32>)
// CHECK: %[[W:.*]] = tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK: %[[X2:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: %[[ACC2:.*]] = tensor.collapse_shape %[[ACC]] {{\[\[}}0, 1], [2]] : tensor<2x3x16xf32> into tensor<6x16xf32>
// CHECK: %[[R:.*]] = tsparse.matmul %[[X2]], %[[W]], %[[ACC2]] : tensor<6x4xf32>, {{.*}} -> tensor<6x16xf32>
// CHECK: %[[R3:.*]] = tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2]] output_shape [2, 3, 16] : tensor<6x16xf32> into tensor<2x3x16xf32>
// CHECK: return %[[R3]]
func.func @batch_matmul_shared_weights(%x: tensor<2x3x4xf32>, %acc: tensor<2x3x16xf32>) -> tensor<2x3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>,
                                            affine_map<(b, m, n, k) -> (k, n)>,
                                            affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%x, %w : tensor<2x3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<2x3x16xf32>) -> tensor<2x3x16xf32>
  return %r : tensor<2x3x16xf32>
}

// -----

// A dynamic batch folds too (one dynamic dimension per folded group).
// CHECK-LABEL: func.func @batch_matmul_dynamic_batch
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<?x3x4xf32> into tensor<?x4xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<?x3x16xf32> into tensor<?x16xf32>
// CHECK: tsparse.matmul {{.*}} -> tensor<?x16xf32>
// CHECK: tensor.expand_shape {{.*}} output_shape [%{{.*}}, 3, 16] : tensor<?x16xf32> into tensor<?x3x16xf32>
func.func @batch_matmul_dynamic_batch(%x: tensor<?x3x4xf32>, %acc: tensor<?x3x16xf32>) -> tensor<?x3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>,
                                            affine_map<(b, m, n, k) -> (k, n)>,
                                            affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%x, %w : tensor<?x3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<?x3x16xf32>) -> tensor<?x3x16xf32>
  return %r : tensor<?x3x16xf32>
}

// -----

// Batched activations read as [batch, K, M]: transposed, then folded.
// CHECK-LABEL: func.func @batch_generic_transposed_lhs
// CHECK-SAME: (%[[XT:.*]]: tensor<2x4x3xf32>, %[[ACC:.*]]: tensor<2x3x16xf32>)
// CHECK: %[[X:.*]] = linalg.transpose ins(%[[XT]] : tensor<2x4x3xf32>) outs(%{{.*}} : tensor<2x3x4xf32>) permutation = [0, 2, 1]
// CHECK: %[[X2:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: tsparse.matmul %[[X2]]
// CHECK: tensor.expand_shape
func.func @batch_generic_transposed_lhs(%xt: tensor<2x4x3xf32>, %acc: tensor<2x3x16xf32>) -> tensor<2x3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, k, m)>,
                                        affine_map<(b, m, n, k) -> (k, n)>,
                                        affine_map<(b, m, n, k) -> (b, m, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%xt, %w : tensor<2x4x3xf32>, tensor<4x16xf32>) outs(%acc : tensor<2x3x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3x16xf32>
  return %r : tensor<2x3x16xf32>
}

// -----

// A dynamic batch and a dynamic M (batch x sequence length) fold too: the
// expansion takes both sizes from the accumulator.
// CHECK-LABEL: func.func @batch_matmul_dynamic_batch_and_m
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x4xf32>, %[[ACC:.*]]: tensor<?x?x16xf32>)
// CHECK: tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<?x?x4xf32> into tensor<?x4xf32>
// CHECK: %[[R:.*]] = tsparse.matmul {{.*}} -> tensor<?x16xf32>
// CHECK: %[[B:.*]] = tensor.dim %[[ACC]], %c0
// CHECK: %[[M:.*]] = tensor.dim %[[ACC]], %c1
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2]] output_shape [%[[B]], %[[M]], 16] : tensor<?x16xf32> into tensor<?x?x16xf32>
func.func @batch_matmul_dynamic_batch_and_m(%x: tensor<?x?x4xf32>, %acc: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>,
                                            affine_map<(b, m, n, k) -> (k, n)>,
                                            affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%x, %w : tensor<?x?x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %r : tensor<?x?x16xf32>
}

// -----

// A matmul-shaped linalg.generic with the weights first and f16 inputs
// extended to an f32 accumulator.
// CHECK-LABEL: func.func @generic_matmul_f16
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf16>, %[[ACC:.*]]: tensor<3x16xf32>)
// CHECK: %[[W:.*]] = tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: tensor<32xf16>} : !tsparse.matrix<4x16xf16,
// CHECK: tsparse.matmul %[[X]], %[[W]], %[[ACC]] : tensor<3x4xf16>, !tsparse.matrix<4x16xf16, {{.*}}> -> tensor<3x16xf32>
// CHECK-NOT: linalg.generic
func.func @generic_matmul_f16(%x: tensor<3x4xf16>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%w, %x : tensor<4x16xf16>, tensor<3x4xf16>) outs(%acc : tensor<3x16xf32>) {
  ^bb0(%b: f16, %a: f16, %c: f32):
    %ae = arith.extf %a : f16 to f32
    %be = arith.extf %b : f16 to f32
    %p = arith.mulf %ae, %be : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// bf16 inputs and accumulator, dynamic M.
// CHECK-LABEL: func.func @matmul_bf16_dynamic_m
// CHECK: tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: tensor<32xbf16>} : !tsparse.matrix<4x16xbf16,
// CHECK: tsparse.matmul {{.*}} : tensor<?x4xbf16>, !tsparse.matrix<4x16xbf16, {{.*}}> -> tensor<?x16xbf16>
func.func @matmul_bf16_dynamic_m(%x: tensor<?x4xbf16>, %acc: tensor<?x16xbf16>) -> tensor<?x16xbf16> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xbf16>
  %r = linalg.matmul ins(%x, %w : tensor<?x4xbf16>, tensor<4x16xbf16>) outs(%acc : tensor<?x16xbf16>) -> tensor<?x16xbf16>
  return %r : tensor<?x16xbf16>
}

// -----

// dense_resource weights pack like dense ones.
// CHECK-LABEL: func.func @matmul_dense_resource
// CHECK: tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: values = dense<[1.000000e+00, 2.000000e+00,
// CHECK: tsparse.matmul
func.func @matmul_dense_resource(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense_resource<c1> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

{-#
  dialect_resources: {
    builtin: {
      c1: "0x040000000000803f0000004000004040000080400000a0400000c0400000e040000000410000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000a0410000a8410000b0410000b8410000c041000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000c8410000d0410000d8410000e0410000e8410000f0410000f84100000042"
    }
  }
#-}

// -----

// Runtime weights masked by a constant: packed at run time with the unit
// mask of C1's structure; the select stays, zeroing what the units keep.
// CHECK-LABEL: func.func @matmul_masked_runtime_weights
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32>, %[[W:.*]]: tensor<4x16xf32>, %[[ACC:.*]]: tensor<3x16xf32>)
// CHECK: %[[MASKED:.*]] = arith.select %{{.*}}, %[[W]], %{{.*}} : tensor<4x16xi1>, tensor<4x16xf32>
// CHECK: %[[UNITS:.*]] = arith.constant dense<{{\[\[}}true, false], [false, true], [true, false], [false, true]]> : tensor<4x2xi1>
// CHECK: %[[P:.*]] = tsparse.pack %[[MASKED]], %[[UNITS]] : tensor<4x16xf32>, tensor<4x2xi1> -> !tsparse.matrix<4x16xf32, #{{.*}}>
// CHECK: tsparse.matmul %[[X]], %[[P]], %[[ACC]]
func.func @matmul_masked_runtime_weights(%x: tensor<3x4xf32>, %w: tensor<4x16xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %mask = arith.constant dense<[[true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false], [false, false, false, false, false, false, false, false, true, true, true, true, true, true, true, true], [true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false], [false, false, false, false, false, false, false, false, true, true, true, true, true, true, true, true]]> : tensor<4x16xi1>
  %zeros = arith.constant dense<0.0> : tensor<4x16xf32>
  %masked = arith.select %mask, %w, %zeros : tensor<4x16xi1>, tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %masked : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// A mask on W[N x K] read through transposed maps: the packed operand is
// transposed to [K x N] first.
// CHECK-LABEL: func.func @matmul_masked_transposed_runtime_weights
// CHECK: %[[MASKED:.*]] = arith.select {{.*}} : tensor<16x4xi1>, tensor<16x4xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[MASKED]] : tensor<16x4xf32>) outs(%{{.*}} : tensor<4x16xf32>) permutation = [1, 0]
// CHECK: %[[UNITS:.*]] = arith.constant dense<{{\[\[}}true, false], [false, true], [true, false], [false, true]]> : tensor<4x2xi1>
// CHECK: %[[P:.*]] = tsparse.pack %[[T]], %[[UNITS]]
// CHECK: tsparse.matmul %{{.*}}, %[[P]], %{{.*}}
func.func @matmul_masked_transposed_runtime_weights(%x: tensor<3x4xf32>, %w: tensor<16x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %mask = arith.constant dense<[[true, false, true, false], [true, false, true, false], [true, false, true, false], [true, false, true, false], [true, false, true, false], [true, false, true, false], [true, false, true, false], [true, false, true, false], [false, true, false, true], [false, true, false, true], [false, true, false, true], [false, true, false, true], [false, true, false, true], [false, true, false, true], [false, true, false, true], [false, true, false, true]]> : tensor<16x4xi1>
  %zeros = arith.constant dense<0.0> : tensor<16x4xf32>
  %masked = arith.select %mask, %w, %zeros : tensor<16x4xi1>, tensor<16x4xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %masked : tensor<3x4xf32>, tensor<16x4xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Runtime weights masked the way torch.nn.utils.prune applies masks (w * a
// float mask of zeros and ones) in an element-wise linalg.generic.
// CHECK-LABEL: func.func @matmul_masked_generic_mulf_runtime_weights
// CHECK: %[[MASKED:.*]] = linalg.generic
// CHECK: arith.mulf
// CHECK: %[[UNITS:.*]] = arith.constant dense<{{\[\[}}true, false], [false, true], [true, false], [false, true]]> : tensor<4x2xi1>
// CHECK: %[[P:.*]] = tsparse.pack %[[MASKED]], %[[UNITS]]
// CHECK: tsparse.matmul %{{.*}}, %[[P]], %{{.*}}
func.func @matmul_masked_generic_mulf_runtime_weights(%x: tensor<3x4xf32>, %w: tensor<4x16xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %mask = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]> : tensor<4x16xf32>
  %init = tensor.empty() : tensor<4x16xf32>
  %masked = linalg.generic {indexing_maps = [affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (k, n)>],
                            iterator_types = ["parallel", "parallel"]}
      ins(%mask, %w : tensor<4x16xf32>, tensor<4x16xf32>) outs(%init : tensor<4x16xf32>) {
  ^bb0(%m: f32, %v: f32, %out: f32):
    %p = arith.mulf %m, %v : f32
    linalg.yield %p : f32
  } -> tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %masked : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Constant weights (all nonzero) masked by a select in a linalg.generic: the
// mask is applied at compile time and the masking ops disappear.
// CHECK-LABEL: func.func @matmul_masked_generic_select_constant
// CHECK-NOT: linalg.generic
// CHECK: tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: values = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 3.300000e+01,
// CHECK-NOT: linalg.generic
// CHECK: tsparse.matmul
func.func @matmul_masked_generic_select_constant(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0], [33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0], [49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0]]> : tensor<4x16xf32>
  %mask = arith.constant dense<[[true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false], [false, false, false, false, false, false, false, false, true, true, true, true, true, true, true, true], [true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false], [false, false, false, false, false, false, false, false, true, true, true, true, true, true, true, true]]> : tensor<4x16xi1>
  %init = tensor.empty() : tensor<4x16xf32>
  %masked = linalg.generic {indexing_maps = [affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (k, n)>],
                            iterator_types = ["parallel", "parallel"]}
      ins(%mask, %w : tensor<4x16xi1>, tensor<4x16xf32>) outs(%init : tensor<4x16xf32>) {
  ^bb0(%m: i1, %v: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %s = arith.select %m, %v, %zero : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %masked : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// A float "mask" with a value other than 0 and 1 scales the weights: it is
// not a mask, and the runtime weights stay dense.
// CHECK-LABEL: func.func @negative_matmul_scaled_runtime_weights
// CHECK-NOT: tsparse
// CHECK: linalg.matmul
func.func @negative_matmul_scaled_runtime_weights(%x: tensor<3x4xf32>, %w: tensor<4x16xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %mask = arith.constant dense<[[0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]> : tensor<4x16xf32>
  %init = tensor.empty() : tensor<4x16xf32>
  %masked = linalg.generic {indexing_maps = [affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (k, n)>],
                            iterator_types = ["parallel", "parallel"]}
      ins(%w, %mask : tensor<4x16xf32>, tensor<4x16xf32>) outs(%init : tensor<4x16xf32>) {
  ^bb0(%v: f32, %m: f32, %out: f32):
    %p = arith.mulf %v, %m : f32
    linalg.yield %p : f32
  } -> tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %masked : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// N = 20 is not a multiple of the tile width 8: the last tile is 4 wide.
// CHECK-LABEL: func.func @matmul_partial_tile
// CHECK: tsparse.constant {row_ids = dense<[0, 1, 2, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 3, 4]> : tensor<4xi32>, values = dense<1.000000e+00> : tensor<28xf32>} : !tsparse.matrix<4x20xf32, #{{.*}}>
// CHECK: tsparse.matmul
func.func @matmul_partial_tile(%x: tensor<3x4xf32>, %acc: tensor<3x20xf32>) -> tensor<3x20xf32> {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]]> : tensor<4x20xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x20xf32>) outs(%acc : tensor<3x20xf32>) -> tensor<3x20xf32>
  return %r : tensor<3x20xf32>
}

// -----

// All-zero weights store nothing: the product is the accumulator.
// CHECK-LABEL: func.func @matmul_all_zero
// CHECK: tsparse.constant {row_ids = dense<> : tensor<0xi32>, tile_ptr = dense<0> : tensor<2xi32>, values = dense<> : tensor<0xf32>} : !tsparse.matrix<4x16xf32, #{{.*}}>
// CHECK: tsparse.matmul
func.func @matmul_all_zero(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<0.0> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Dynamic K and N on the activations and accumulator: casts to the static
// sizes of the weights around the product.
// CHECK-LABEL: func.func @matmul_dynamic_k_and_n
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf32>, %[[ACC:.*]]: tensor<?x?xf32>)
// CHECK: %[[W:.*]] = tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK: %[[XK:.*]] = tensor.cast %[[X]] : tensor<?x?xf32> to tensor<?x4xf32>
// CHECK: %[[ACCN:.*]] = tensor.cast %[[ACC]] : tensor<?x?xf32> to tensor<?x16xf32>
// CHECK: %[[R:.*]] = tsparse.matmul %[[XK]], %[[W]], %[[ACCN]] : tensor<?x4xf32>, {{.*}} -> tensor<?x16xf32>
// CHECK: %[[RD:.*]] = tensor.cast %[[R]] : tensor<?x16xf32> to tensor<?x?xf32>
// CHECK: return %[[RD]]
func.func @matmul_dynamic_k_and_n(%x: tensor<?x?xf32>, %acc: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<?x?xf32>, tensor<4x16xf32>) outs(%acc : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// -----

// linalg.contract with matmul maps is a matmul too.
// CHECK-LABEL: func.func @contract_matmul
// CHECK: tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK: tsparse.matmul
// CHECK-NOT: linalg.contract
func.func @contract_matmul(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.contract indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Empty weights have nothing to skip.
// CHECK-LABEL: func.func @negative_matmul_empty_weights
// CHECK-NOT: tsparse
// CHECK: linalg.matmul
func.func @negative_matmul_empty_weights(%x: tensor<3x0xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<> : tensor<0x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x0xf32>, tensor<0x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Fully dense weights skip nothing: dense below min-sparsity, all kept with
// min-sparsity=0 (DENSE0).
// CHECK-LABEL: func.func @negative_matmul_dense_weights
// CHECK-NOT: tsparse
// CHECK: linalg.matmul
// DENSE0-LABEL: func.func @negative_matmul_dense_weights
// DENSE0: tsparse.constant {row_ids = dense<[0, 1, 2, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 4]> : tensor<2xi32>, values = dense<2.000000e+00> : tensor<64xf32>}
// DENSE0: tsparse.matmul
func.func @negative_matmul_dense_weights(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<2.0> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// One row segment of eight zero: 12.5% skipped, below min-sparsity 0.3.
// CHECK-LABEL: func.func @negative_matmul_below_min_sparsity
// CHECK-NOT: tsparse
// CHECK: linalg.matmul
func.func @negative_matmul_below_min_sparsity(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Runtime weights without a mask: nothing is known about their zeros.
// CHECK-LABEL: func.func @negative_matmul_runtime_weights
// CHECK-NOT: tsparse
// CHECK: linalg.matmul
func.func @negative_matmul_runtime_weights(%x: tensor<3x4xf32>, %w: tensor<4x16xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// A runtime mask cannot be measured either.
// CHECK-LABEL: func.func @negative_matmul_runtime_mask
// CHECK-NOT: tsparse
// CHECK: linalg.matmul
func.func @negative_matmul_runtime_mask(%x: tensor<3x4xf32>, %w: tensor<4x16xf32>, %mask: tensor<4x16xi1>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %zeros = arith.constant dense<0.0> : tensor<4x16xf32>
  %masked = arith.select %mask, %w, %zeros : tensor<4x16xi1>, tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %masked : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Weights with a batch dimension differ per batch: not a shared weight.
// CHECK-LABEL: func.func @negative_batch_matmul_per_batch_weights
// CHECK-NOT: tsparse
// CHECK: linalg.batch_matmul
func.func @negative_batch_matmul_per_batch_weights(%x: tensor<1x3x4xf32>, %acc: tensor<1x3x16xf32>) -> tensor<1x3x16xf32> {
  %w = arith.constant dense<[[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]]> : tensor<1x4x16xf32>
  %r = linalg.batch_matmul ins(%x, %w : tensor<1x3x4xf32>, tensor<1x4x16xf32>) outs(%acc : tensor<1x3x16xf32>) -> tensor<1x3x16xf32>
  return %r : tensor<1x3x16xf32>
}

// -----

// f64 is not a tsparse element type.
// CHECK-LABEL: func.func @negative_matmul_f64_weights
// CHECK-NOT: tsparse
// CHECK: linalg.matmul
func.func @negative_matmul_f64_weights(%x: tensor<3x4xf64>, %acc: tensor<3x16xf64>) -> tensor<3x16xf64> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf64>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf64>, tensor<4x16xf64>) outs(%acc : tensor<3x16xf64>) -> tensor<3x16xf64>
  return %r : tensor<3x16xf64>
}

// -----

// f16 activations with f32 weights: tsparse.matmul needs one input type.
// CHECK-LABEL: func.func @negative_matmul_mixed_input_types
// CHECK-NOT: tsparse
// CHECK: linalg.matmul
func.func @negative_matmul_mixed_input_types(%x: tensor<3x4xf16>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf16>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Matmul-shaped maps but a max-plus body: not a matmul.
// CHECK-LABEL: func.func @negative_generic_max_plus
// CHECK-NOT: tsparse
// CHECK: linalg.generic
func.func @negative_generic_max_plus(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.addf %a, %b : f32
    %s = arith.maximumf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Weights pruned by multiplying with a mask (torch.nn.utils.prune) hold -0.0
// where they were negative: those are zeros too, in f16 as in f32.
// CHECK-LABEL: func.func @matmul_negative_zeros
// CHECK: tsparse.constant {row_ids = dense<[0, 2, 1, 3]> : tensor<4xi32>, tile_ptr = dense<[0, 2, 4]> : tensor<3xi32>
// CHECK-SAME: !tsparse.matrix<4x16xf16,
// CHECK-NOT: linalg.matmul
func.func @matmul_negative_zeros(%x: tensor<3x4xf16>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, -2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, -0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, -0.0], [-0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0], [0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]]> : tensor<4x16xf16>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<3x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<3x16xf32>) -> tensor<3x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf16>, tensor<4x16xf16>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// Masks and packed storage index elements with 32-bit integers: larger
// weights stay dense.
// CHECK-LABEL: func.func @negative_matmul_huge_weights
// CHECK: linalg.matmul
func.func @negative_matmul_huge_weights(%x: tensor<4x65536xf16>, %acc: tensor<4x65536xf32>) -> tensor<4x65536xf32> {
  %w = arith.constant dense<1.0> : tensor<65536x65536xf16>
  %r = linalg.matmul ins(%x, %w : tensor<4x65536xf16>, tensor<65536x65536xf16>) outs(%acc : tensor<4x65536xf32>) -> tensor<4x65536xf32>
  return %r : tensor<4x65536xf32>
}

// -----

// Weights on the left (Y^T = W X^T, as convolutions lowered through im2col
// compute): the product is computed as Y = X W^T on transposed operands and
// transposed back; the GPU conversion folds all three transposes.
// CHECK-LABEL: func.func @matmul_weights_left
// CHECK-SAME: (%[[XT:.*]]: tensor<4x3xf32>, %[[ACC:.*]]: tensor<16x3xf32>)
// CHECK: %[[W:.*]] = tsparse.constant {col_ids = dense<[0, 2, 4, 6, 8, 10, 12, 14]> : tensor<8xi32>, row_ids = dense<[0, 2]> : tensor<2xi32>
// CHECK-SAME: !tsparse.matrix<4x16xf32,
// CHECK: %[[X:.*]] = linalg.transpose ins(%[[XT]] : tensor<4x3xf32>) outs(%{{.*}} : tensor<3x4xf32>) permutation = [1, 0]
// CHECK: %[[C:.*]] = linalg.transpose ins(%[[ACC]] : tensor<16x3xf32>) outs(%{{.*}} : tensor<3x16xf32>) permutation = [1, 0]
// CHECK: %[[Y:.*]] = tsparse.matmul %[[X]], %[[W]], %[[C]] : tensor<3x4xf32>, !tsparse.matrix<4x16xf32, {{.*}}> -> tensor<3x16xf32>
// CHECK: %[[YT:.*]] = linalg.transpose ins(%[[Y]] : tensor<3x16xf32>) outs(%{{.*}} : tensor<16x3xf32>) permutation = [1, 0]
// CHECK: return %[[YT]]
func.func @matmul_weights_left(%xt: tensor<4x3xf32>, %acc: tensor<16x3xf32>) -> tensor<16x3xf32> {
  %w = arith.constant dense<[[1.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<16x4xf32>
  %r = linalg.matmul ins(%w, %xt : tensor<16x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<16x3xf32>) -> tensor<16x3xf32>
  return %r : tensor<16x3xf32>
}
