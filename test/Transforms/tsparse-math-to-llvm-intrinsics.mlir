// RUN: tsparse-opt %s --tsparse-math-to-llvm-intrinsics | FileCheck %s

// The math a kernel keeps after the approximations becomes LLVM intrinsics
// that NVPTX selects, not libdevice calls.
// CHECK-LABEL: func.func @kernel_math
// CHECK-SAME: (%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[Z:.*]]: f32)
// CHECK: %[[FMA:.*]] = llvm.intr.fma(%[[X]], %[[Y]], %[[Z]]) : (f32, f32, f32) -> f32
// CHECK: %[[SQRT:.*]] = llvm.call_intrinsic "llvm.sqrt"(%[[FMA]]) : (f32) -> f32
// CHECK: %[[ROOT:.*]] = llvm.call_intrinsic "llvm.sqrt"(%[[SQRT]]) : (f32) -> f32
// CHECK: %[[RSQRT:.*]] = arith.divf %{{.*}}, %[[ROOT]] : f32
// CHECK: %[[FLOOR:.*]] = llvm.call_intrinsic "llvm.floor"(%[[RSQRT]]) : (f32) -> f32
// CHECK: %[[ABS:.*]] = llvm.call_intrinsic "llvm.fabs"(%[[FLOOR]]) : (f32) -> f32
// CHECK: return %[[ABS]]
func.func @kernel_math(%x: f32, %y: f32, %z: f32) -> f32 {
  %0 = math.fma %x, %y, %z : f32
  %1 = math.sqrt %0 : f32
  %2 = math.rsqrt %1 : f32
  %3 = math.floor %2 : f32
  %4 = math.absf %3 : f32
  return %4 : f32
}

// Vectors are left to the usual lowering.
// CHECK-LABEL: func.func @vector_math
// CHECK: math.sqrt {{.*}} : vector<4xf32>
func.func @vector_math(%x: vector<4xf32>) -> vector<4xf32> {
  %0 = math.sqrt %x : vector<4xf32>
  return %0 : vector<4xf32>
}
