// RUN: tsparse-opt %s --tsparse-approximate-math | FileCheck %s

// The exact GELU's erf and softmax's exp on vectors become polynomials in
// registers, not libm calls per element.
// CHECK-LABEL: func.func @gelu_exp
// CHECK-NOT: math.erf
// CHECK-NOT: math.exp
// CHECK: math.fma {{.*}} : vector<16xf32>
func.func @gelu_exp(%x: vector<16xf32>) -> (vector<16xf32>, vector<16xf32>) {
  %e = math.erf %x : vector<16xf32>
  %p = math.exp %x : vector<16xf32>
  return %e, %p : vector<16xf32>, vector<16xf32>
}
