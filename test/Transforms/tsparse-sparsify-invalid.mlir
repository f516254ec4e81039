// Bad options of --tsparse-sparsify are reported on the module before
// anything is rewritten.
//
// RUN: not tsparse-opt %s --tsparse-sparsify="min-sparsity=1.5" 2>&1 | FileCheck %s --check-prefix=CHECK-MIN
// RUN: not tsparse-opt %s --tsparse-sparsify="tile-sizes=128,12" 2>&1 | FileCheck %s --check-prefix=CHECK-TILE
// RUN: not tsparse-opt %s --tsparse-sparsify="unit-sizes=32,16" 2>&1 | FileCheck %s --check-prefix=CHECK-UNIT1
// RUN: not tsparse-opt %s --tsparse-sparsify="unit-sizes=0,1" 2>&1 | FileCheck %s --check-prefix=CHECK-UNIT0
// RUN: not tsparse-opt %s --tsparse-sparsify="residual-cost=0" 2>&1 | FileCheck %s --check-prefix=CHECK-COST
// RUN: not tsparse-opt %s --tsparse-sparsify="row-cost=-1" 2>&1 | FileCheck %s --check-prefix=CHECK-ROW
// RUN: not tsparse-opt %s --tsparse-sparsify="report=%t.missing/report.json" 2>&1 | FileCheck %s --check-prefix=CHECK-REPORT
// The same for --tsparse-prune's report.
// RUN: not tsparse-opt %s --tsparse-prune="report=%t.missing/report.json" 2>&1 | FileCheck %s --check-prefix=CHECK-REPORT
//
// CHECK-MIN: error: expected min-sparsity in [0, 1] but got 1.5
// CHECK-TILE: error: expected tile-sizes to be positive multiples of 8 but got 12
// CHECK-UNIT1: error: expected unit-sizes to include 1 but got 32,16
// CHECK-UNIT0: error: expected unit-sizes to be positive but got 0
// CHECK-COST: error: expected residual-cost to be positive but got 0
// CHECK-ROW: error: expected row-cost to be non-negative but got -1
// CHECK-REPORT: error: cannot write the report to '{{.*}}report.json': {{.*}}

func.func @matmul(%x: tensor<3x4xf32>, %acc: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %w = arith.constant dense<0.0> : tensor<4x16xf32>
  %r = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x16xf32>) outs(%acc : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %r : tensor<3x16xf32>
}
