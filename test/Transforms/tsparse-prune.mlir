// Pruning of constant matmul weights, one RUN line per pattern and scope.
// Each prefix checks the splits that show its pattern; the forms (transposed
// weights, generic, batch_matmul, element types, resources, ties) and the
// negative cases are checked with TW-1D.
//
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=tw1d sparsity=0.5 tile-n=8 scope=matrix" | FileCheck %s --check-prefix=CHECK-TW1D
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=tw2d sparsity=0.75 tile-n=8 scope=matrix" | FileCheck %s --check-prefix=CHECK-TW2D
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=bw unit-k=2 sparsity=0.5 tile-n=8 scope=matrix" | FileCheck %s --check-prefix=CHECK-BW
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=tew sparsity=0.5 delta=0.0625 tile-n=8 scope=matrix" | FileCheck %s --check-prefix=CHECK-TEW
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=ew sparsity=0.3 tile-n=8 scope=matrix" | FileCheck %s --check-prefix=CHECK-EW
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=vw sparsity=0.5 tile-n=8 scope=matrix" | FileCheck %s --check-prefix=CHECK-VW
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=tw1d sparsity=0.5 tile-n=8 scope=global" | FileCheck %s --check-prefix=CHECK-GLOBAL
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=tw1d sparsity=0.5 tile-n=8 scope=matrix" | FileCheck %s --check-prefix=CHECK-MATRIX
// RUN: tsparse-opt %s -split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 \
// RUN:   --tsparse-prune="pattern=tw1d sparsity=0.5 tile-n=8 scope=tile" | FileCheck %s --check-prefix=CHECK-TILE
//
// Running twice changes nothing: pruned units score 0 and are pruned again.
// RUN: tsparse-opt %s -split-input-file --tsparse-prune="pattern=tw2d tile-n=8" > %t.once.mlir
// RUN: tsparse-opt %t.once.mlir -split-input-file --tsparse-prune="pattern=tw2d tile-n=8" > %t.twice.mlir
// RUN: diff %t.once.mlir %t.twice.mlir

// Split A. A 4x16 matrix whose row segments of 8 columns have clearly ranked
// magnitudes (by row, tile 0: 1, 7, 3, 5; tile 1: 8, 2, 6, 4), alternating
// signs and small steps inside each segment, so that every pattern prunes
// something different and the result shows which.
// CHECK-TW1D-LABEL: func.func @prune_patterns_4x16
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -8.000000e+00, 8.125000e+00, -8.250000e+00, 8.375000e+00, -8.500000e+00, 8.625000e+00, -8.750000e+00, 8.875000e+00],
// CHECK-TW1D-SAME: [7.000000e+00, -7.125000e+00, 7.250000e+00, -7.375000e+00, 7.500000e+00, -7.625000e+00, 7.750000e+00, -7.875000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -6.000000e+00, 6.125000e+00, -6.250000e+00, 6.375000e+00, -6.500000e+00, 6.625000e+00, -6.750000e+00, 6.875000e+00],
// CHECK-TW1D-SAME: [5.000000e+00, -5.125000e+00, 5.250000e+00, -5.375000e+00, 5.500000e+00, -5.625000e+00, 5.750000e+00, -5.875000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<4x16xf32>
// CHECK-TW2D-LABEL: func.func @prune_patterns_4x16
// CHECK-TW2D: arith.constant dense<
// CHECK-TW2D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -8.000000e+00, 8.125000e+00, -8.250000e+00, 8.375000e+00, -8.500000e+00, 8.625000e+00, -8.750000e+00, 8.875000e+00],
// CHECK-TW2D-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TW2D-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -6.000000e+00, 6.125000e+00, -6.250000e+00, 6.375000e+00, -6.500000e+00, 6.625000e+00, -6.750000e+00, 6.875000e+00],
// CHECK-TW2D-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-TW2D-SAME: : tensor<4x16xf32>
// CHECK-BW-LABEL: func.func @prune_patterns_4x16
// CHECK-BW: arith.constant dense<
// CHECK-BW-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -8.000000e+00, 8.125000e+00, -8.250000e+00, 8.375000e+00, -8.500000e+00, 8.625000e+00, -8.750000e+00, 8.875000e+00],
// CHECK-BW-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 2.000000e+00, -2.125000e+00, 2.250000e+00, -2.375000e+00, 2.500000e+00, -2.625000e+00, 2.750000e+00, -2.875000e+00],
// CHECK-BW-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -6.000000e+00, 6.125000e+00, -6.250000e+00, 6.375000e+00, -6.500000e+00, 6.625000e+00, -6.750000e+00, 6.875000e+00],
// CHECK-BW-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, -4.125000e+00, 4.250000e+00, -4.375000e+00, 4.500000e+00, -4.625000e+00, 4.750000e+00, -4.875000e+00]]>
// CHECK-BW-SAME: : tensor<4x16xf32>
// CHECK-TEW-LABEL: func.func @prune_patterns_4x16
// CHECK-TEW: arith.constant dense<
// CHECK-TEW-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 1.625000e+00, -1.750000e+00, 1.875000e+00, -8.000000e+00, 8.125000e+00, -8.250000e+00, 8.375000e+00, -8.500000e+00, 8.625000e+00, -8.750000e+00, 8.875000e+00],
// CHECK-TEW-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, -7.375000e+00, 7.500000e+00, -7.625000e+00, 7.750000e+00, -7.875000e+00, 2.000000e+00, -2.125000e+00, 2.250000e+00, -2.375000e+00, 2.500000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TEW-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 3.625000e+00, -3.750000e+00, 3.875000e+00, -6.000000e+00, 6.125000e+00, -6.250000e+00, 6.375000e+00, -6.500000e+00, 6.625000e+00, -6.750000e+00, 6.875000e+00],
// CHECK-TEW-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-TEW-SAME: : tensor<4x16xf32>
// CHECK-EW-LABEL: func.func @prune_patterns_4x16
// CHECK-EW: arith.constant dense<
// CHECK-EW-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, -8.000000e+00, 8.125000e+00, -8.250000e+00, 8.375000e+00, -8.500000e+00, 8.625000e+00, -8.750000e+00, 8.875000e+00],
// CHECK-EW-SAME: [7.000000e+00, -7.125000e+00, 7.250000e+00, -7.375000e+00, 7.500000e+00, -7.625000e+00, 7.750000e+00, -7.875000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-EW-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 3.375000e+00, -3.500000e+00, 3.625000e+00, -3.750000e+00, 3.875000e+00, -6.000000e+00, 6.125000e+00, -6.250000e+00, 6.375000e+00, -6.500000e+00, 6.625000e+00, -6.750000e+00, 6.875000e+00],
// CHECK-EW-SAME: [5.000000e+00, -5.125000e+00, 5.250000e+00, -5.375000e+00, 5.500000e+00, -5.625000e+00, 5.750000e+00, -5.875000e+00, 4.000000e+00, -4.125000e+00, 4.250000e+00, -4.375000e+00, 4.500000e+00, -4.625000e+00, 4.750000e+00, -4.875000e+00]]>
// CHECK-EW-SAME: : tensor<4x16xf32>
func.func @prune_patterns_4x16(%x: tensor<2x4xf32>, %acc: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %w = arith.constant dense<[[-1.0, 1.125, -1.25, 1.375, -1.5, 1.625, -1.75, 1.875, -8.0, 8.125, -8.25, 8.375, -8.5, 8.625, -8.75, 8.875], [7.0, -7.125, 7.25, -7.375, 7.5, -7.625, 7.75, -7.875, 2.0, -2.125, 2.25, -2.375, 2.5, -2.625, 2.75, -2.875], [-3.0, 3.125, -3.25, 3.375, -3.5, 3.625, -3.75, 3.875, -6.0, 6.125, -6.25, 6.375, -6.5, 6.625, -6.75, 6.875], [5.0, -5.125, 5.25, -5.375, 5.5, -5.625, 5.75, -5.875, 4.0, -4.125, 4.25, -4.375, 4.5, -4.625, 4.75, -4.875]]> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<2x16xf32>) -> tensor<2x16xf32>
  return %r : tensor<2x16xf32>
}

// -----

// Split B. The two 16-long K vectors of every column of a 32x8 matrix have
// distinct magnitudes (3, 9, 1, 11, ... then 10, 2, 12, 4, ...).
// CHECK-VW-LABEL: func.func @prune_vectors_32x8
// CHECK-VW: arith.constant dense<
// CHECK-VW-SAME: {{\[\[}}0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [0.000000e+00, 9.000000e+00, 0.000000e+00, 1.100000e+01, 0.000000e+00, 1.300000e+01, 0.000000e+00, 1.500000e+01],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00],
// CHECK-VW-SAME: [1.000000e+01, 0.000000e+00, 1.200000e+01, 0.000000e+00, 1.400000e+01, 0.000000e+00, 1.600000e+01, 0.000000e+00]]>
// CHECK-VW-SAME: : tensor<32x8xf32>
func.func @prune_vectors_32x8(%x: tensor<2x32xf32>, %acc: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<[[3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [3.0, 9.0, 1.0, 11.0, 5.0, 13.0, 7.0, 15.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0], [10.0, 2.0, 12.0, 4.0, 14.0, 6.0, 16.0, 8.0]]> : tensor<32x8xf32>
  %r = linalg.matmul ins(%x, %w : tensor<2x32xf32>, tensor<32x8xf32>) outs(%acc : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Split C. Two matrices: the first with a large tile 0 (10..13 by row) and a
// small tile 1 (1..4), the second all large (20..23). Global ranking prunes
// the small values wherever they are, per-matrix ranking half of each matrix,
// per-tile ranking half of each tile.
// CHECK-GLOBAL-LABEL: func.func @prune_scopes
// CHECK-GLOBAL: arith.constant dense<
// CHECK-GLOBAL-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-GLOBAL-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-GLOBAL-SAME: [1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-GLOBAL-SAME: [1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-GLOBAL-SAME: : tensor<4x16xf32>
// CHECK-GLOBAL: arith.constant dense<
// CHECK-GLOBAL-SAME: {{\[\[}}2.000000e+01, 2.000000e+01, 2.000000e+01, 2.000000e+01, 2.000000e+01, 2.000000e+01, 2.000000e+01, 2.000000e+01],
// CHECK-GLOBAL-SAME: [2.100000e+01, 2.100000e+01, 2.100000e+01, 2.100000e+01, 2.100000e+01, 2.100000e+01, 2.100000e+01, 2.100000e+01],
// CHECK-GLOBAL-SAME: [2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01],
// CHECK-GLOBAL-SAME: [2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01]]>
// CHECK-GLOBAL-SAME: : tensor<4x8xf32>
// CHECK-MATRIX-LABEL: func.func @prune_scopes
// CHECK-MATRIX: arith.constant dense<
// CHECK-MATRIX-SAME: {{\[\[}}1.000000e+01, 1.000000e+01, 1.000000e+01, 1.000000e+01, 1.000000e+01, 1.000000e+01, 1.000000e+01, 1.000000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-MATRIX-SAME: [1.100000e+01, 1.100000e+01, 1.100000e+01, 1.100000e+01, 1.100000e+01, 1.100000e+01, 1.100000e+01, 1.100000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-MATRIX-SAME: [1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-MATRIX-SAME: [1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-MATRIX-SAME: : tensor<4x16xf32>
// CHECK-MATRIX: arith.constant dense<
// CHECK-MATRIX-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-MATRIX-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-MATRIX-SAME: [2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01],
// CHECK-MATRIX-SAME: [2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01]]>
// CHECK-MATRIX-SAME: : tensor<4x8xf32>
// CHECK-TILE-LABEL: func.func @prune_scopes
// CHECK-TILE: arith.constant dense<
// CHECK-TILE-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TILE-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TILE-SAME: [1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 1.200000e+01, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00],
// CHECK-TILE-SAME: [1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 1.300000e+01, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00]]>
// CHECK-TILE-SAME: : tensor<4x16xf32>
// CHECK-TILE: arith.constant dense<
// CHECK-TILE-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TILE-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TILE-SAME: [2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01, 2.200000e+01],
// CHECK-TILE-SAME: [2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01, 2.300000e+01]]>
// CHECK-TILE-SAME: : tensor<4x8xf32>
func.func @prune_scopes(%x: tensor<2x4xf32>, %acc: tensor<2x16xf32>, %acc2: tensor<2x8xf32>) -> (tensor<2x16xf32>, tensor<2x8xf32>) {
  %w1 = arith.constant dense<[[10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0], [13.0, 13.0, 13.0, 13.0, 13.0, 13.0, 13.0, 13.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]]> : tensor<4x16xf32>
  %w2 = arith.constant dense<[[20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0], [21.0, 21.0, 21.0, 21.0, 21.0, 21.0, 21.0, 21.0], [22.0, 22.0, 22.0, 22.0, 22.0, 22.0, 22.0, 22.0], [23.0, 23.0, 23.0, 23.0, 23.0, 23.0, 23.0, 23.0]]> : tensor<4x8xf32>
  %r1 = linalg.matmul ins(%x, %w1 : tensor<2x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<2x16xf32>) -> tensor<2x16xf32>
  %r2 = linalg.matmul ins(%x, %w2 : tensor<2x4xf32>, tensor<4x8xf32>) outs(%acc2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r1, %r2 : tensor<2x16xf32>, tensor<2x8xf32>
}

// -----

// The forms below all use the 2x16 weights [[1 x8, 4 x8], [3 x8, 2 x8]]
// (K x N), whose TW-1D pruning to 50% keeps a checkerboard of row segments:
// [[0 x8, 4 x8], [3 x8, 0 x8]].

// nn.Linear weights W[N x K] behind a linalg.transpose: pruning runs along K,
// the rows of the transposed matrix, so the constant keeps its N x K shape
// and loses the transposed checkerboard.
// CHECK-TW1D-LABEL: func.func @prune_transposed_weights
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<16x2xf32>
func.func @prune_transposed_weights(%x: tensor<3x2xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0]]> : tensor<16x2xf32>
  %init = tensor.empty() : tensor<2x16xf32>
  %wt = linalg.transpose ins(%w : tensor<16x2xf32>) outs(%init : tensor<2x16xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%x, %wt : tensor<3x2xf32>, tensor<2x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// The same weights read through transposed indexing maps instead.
// CHECK-TW1D-LABEL: func.func @prune_transposed_indexing_maps
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 3.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [4.000000e+00, 0.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<16x2xf32>
func.func @prune_transposed_indexing_maps(%x: tensor<3x2xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [1.0, 3.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0], [4.0, 2.0]]> : tensor<16x2xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<3x2xf32>, tensor<16x2xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// A matmul-shaped linalg.generic with the weights as its first input.
// CHECK-TW1D-LABEL: func.func @prune_generic_matmul
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00],
// CHECK-TW1D-SAME: [3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<2x16xf32>
func.func @prune_generic_matmul(%x: tensor<3x2xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<2x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, k)>,
                                        affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%w, %x : tensor<2x16xf32>, tensor<3x2xf32>) outs(%acc : tensor<3x16xf32>) {
  ^bb0(%b: f32, %a: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// linalg.batch_matmul whose weights are broadcast across the batch.
// CHECK-TW1D-LABEL: func.func @prune_batch_matmul_shared_weights
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00],
// CHECK-TW1D-SAME: [3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<2x16xf32>
func.func @prune_batch_matmul_shared_weights(%x: tensor<4x3x2xf32>, %acc: tensor<4x3x16xf32>) -> tensor<4x3x16xf32> {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<2x16xf32>
  %r = linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>,
                                            affine_map<(b, m, n, k) -> (k, n)>,
                                            affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%x, %w : tensor<4x3x2xf32>, tensor<2x16xf32>) outs(%acc : tensor<4x3x16xf32>) -> tensor<4x3x16xf32>
  return %r : tensor<4x3x16xf32>
}

// -----

// f16 and bf16 weights, the second with an f32 accumulator.
// CHECK-TW1D-LABEL: func.func @prune_f16
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00],
// CHECK-TW1D-SAME: [3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<2x16xf16>
func.func @prune_f16(%x: tensor<3x2xf16>, %acc: tensor<3x16xf16>) -> tensor<3x16xf16> {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<2x16xf16>
  %r = linalg.matmul ins(%x, %w : tensor<3x2xf16>, tensor<2x16xf16>) outs(%acc : tensor<3x16xf16>) -> tensor<3x16xf16>
  return %r : tensor<3x16xf16>
}
// CHECK-TW1D-LABEL: func.func @prune_bf16
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00],
// CHECK-TW1D-SAME: [3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<2x16xbf16>
func.func @prune_bf16(%x: tensor<3x2xbf16>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<2x16xbf16>
  %r = linalg.matmul ins(%x, %w : tensor<3x2xbf16>, tensor<2x16xbf16>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// One constant feeding two matmuls is pruned once.
// CHECK-TW1D-LABEL: func.func @prune_shared_weights
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00],
// CHECK-TW1D-SAME: [3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<2x16xf32>
// CHECK-TW1D-NOT: arith.constant
// CHECK-TW1D: linalg.matmul ins(%{{.*}}, %[[W:[a-z_0-9]+]] :
// CHECK-TW1D: linalg.matmul ins(%{{.*}}, %[[W]] :
func.func @prune_shared_weights(%x: tensor<3x2xf32>, %acc: tensor<3x16xf32>) -> (tensor<3x16xf32>, tensor<3x16xf32>) {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<2x16xf32>
  %r1 = linalg.matmul ins(%x, %w : tensor<3x2xf32>, tensor<2x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  %r2 = linalg.matmul ins(%x, %w : tensor<3x2xf32>, tensor<2x16xf32>) outs(%r1 : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r1, %r2 : tensor<3x16xf32>, tensor<3x16xf32>
}

// -----

// Equal scores everywhere (a splat): ties go to the first units, rows 0 and 1.
// CHECK-TW1D-LABEL: func.func @prune_ties_by_position
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00],
// CHECK-TW1D-SAME: [1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00],
// CHECK-TW1D-SAME: [1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<4x16xf32>
func.func @prune_ties_by_position(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<1.0> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// dense_resource weights stay a resource, with the pruned values.
// CHECK-TW1D-LABEL: func.func @prune_dense_resource
// CHECK-TW1D: arith.constant dense_resource<[[BLOB:.*]]> : tensor<2x16xf32>
// CHECK-TW1D: [[BLOB]]: "0x040000000000000000000000000000000000000000000000000000000000000000000000000080400000804000008040000080400000804000008040000080400000804000004040000040400000404000004040000040400000404000004040000040400000000000000000000000000000000000000000000000000000000000000000"
func.func @prune_dense_resource(%x: tensor<3x2xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense_resource<weights> : tensor<2x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x2xf32>, tensor<2x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803f0000803f0000803f0000803f0000803f0000803f0000803f0000803f000080400000804000008040000080400000804000008040000080400000804000004040000040400000404000004040000040400000404000004040000040400000004000000040000000400000004000000040000000400000004000000040"
    }
  }
#-}

// -----

// Runtime weights are not pruned (and the pass does not fail on them).
// CHECK-TW1D-LABEL: func.func @negative_prune_runtime_weights
// CHECK-TW1D-NOT: arith.constant
// CHECK-TW1D: linalg.matmul
func.func @negative_prune_runtime_weights(%x: tensor<3x2xf32>, %w: tensor<2x16xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %r = linalg.matmul ins(%x, %w : tensor<3x2xf32>, tensor<2x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// A constant that only feeds an elementwise op is not a weight.
// CHECK-TW1D-LABEL: func.func @negative_prune_elementwise_operand
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00],
// CHECK-TW1D-SAME: [3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00]]>
// CHECK-TW1D-SAME: : tensor<2x16xf32>
func.func @negative_prune_elementwise_operand(%x: tensor<2x16xf32>, %acc: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<2x16xf32>
  %r = linalg.add ins(%x, %w : tensor<2x16xf32>, tensor<2x16xf32>) outs(%acc : tensor<2x16xf32>) -> tensor<2x16xf32>
  return %r : tensor<2x16xf32>
}

// -----

// Weights with a batch dimension are not shared across the batch.
// CHECK-TW1D-LABEL: func.func @negative_prune_per_batch_weights
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00],
// CHECK-TW1D-SAME: [3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00]]]>
// CHECK-TW1D-SAME: : tensor<1x2x16xf32>
func.func @negative_prune_per_batch_weights(%x: tensor<1x3x2xf32>, %acc: tensor<1x3x16xf32>) -> tensor<1x3x16xf32> {
  %w = arith.constant dense<[[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]]> : tensor<1x2x16xf32>
  %r = linalg.batch_matmul ins(%x, %w : tensor<1x3x2xf32>, tensor<1x2x16xf32>) outs(%acc : tensor<1x3x16xf32>) -> tensor<1x3x16xf32>
  return %r : tensor<1x3x16xf32>
}

// -----

// NaN weights rank lowest (their score is 0) instead of breaking the ranking;
// infinities rank highest.
// CHECK-TW1D-LABEL: func.func @prune_nan_weights
// CHECK-TW1D: arith.constant dense<
// CHECK-TW1D-SAME: {{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0x7F800000, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00],
// CHECK-TW1D-SAME: [2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 2.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
func.func @prune_nan_weights(%x: tensor<3x2xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<[[0x7FC00000, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0x7F800000, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]> : tensor<2x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x2xf32>, tensor<2x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}

// -----

// A constant that is also read by something other than a matmul (a tied
// embedding, say) keeps its values for that user; the matmul reads a pruned
// copy.
// CHECK-TW1D-LABEL: func.func @prune_weights_with_other_user
// CHECK-TW1D: %[[DENSE:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 1.000000e+00,
// CHECK-TW1D: %[[PRUNED:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00,
// CHECK-TW1D: linalg.matmul ins(%{{.*}}, %[[PRUNED]] :
// CHECK-TW1D: return %{{.*}}, %[[DENSE]] :
func.func @prune_weights_with_other_user(%x: tensor<3x2xf32>, %acc: tensor<3x16xf32>) -> (tensor<3x16xf32>, tensor<2x16xf32>) {
  %w = arith.constant dense<[[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<2x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x2xf32>, tensor<2x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %y, %w : tensor<3x16xf32>, tensor<2x16xf32>
}
