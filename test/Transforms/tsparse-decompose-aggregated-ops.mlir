// RUN: tsparse-opt %s --tsparse-decompose-aggregated-ops | FileCheck %s
// Every pipeline takes linalg.softmax down to LLVM.
// RUN: tsparse-opt %s --tsparse-cpu-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: tsparse-opt %s --tsparse-reference-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: tsparse-opt %s --tsparse-gpu-pipeline | FileCheck %s --check-prefix=LLVM
// LLVM-NOT: linalg.
// LLVM: llvm.func @softmax
// LLVM-NOT: linalg.

// linalg.softmax becomes its max, exp(x - max), sum and divide, which the
// loop and vector lowerings compile.
// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.softmax
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.maxnumf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<12x128x128xf32>) -> tensor<12x128x128xf32> {
  %e = tensor.empty() : tensor<12x128x128xf32>
  %r = linalg.softmax dimension(2) ins(%x : tensor<12x128x128xf32>) outs(%e : tensor<12x128x128xf32>) -> tensor<12x128x128xf32>
  return %r : tensor<12x128x128xf32>
}
