// RUN: tsparse-opt %s --split-input-file --verify-diagnostics \
// RUN:   --tsparse-check-kernel-indices | FileCheck %s

// Dynamic operands are checked before the launch: the last element of each
// memref (offset plus strides times sizes less one) and every index value
// below 2^31. Static ones that fit need no code.
// CHECK-LABEL: func.func @launch(
// CHECK-SAME: %[[A:.*]]: memref<?x?xf16, strided<[?, 1], offset: ?>>, %[[B:.*]]: memref<16x16xf32>, %[[N:.*]]: index)
// CHECK: %{{.*}}, %[[OFFSET:.*]], %[[SIZES:.*]]:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[A]]
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[ROWS:.*]] = arith.subi %[[SIZES]]#0, %[[ONE]]
// CHECK: %[[ROWSTEPS:.*]] = arith.maxsi %[[ROWS]], %[[ZERO]]
// CHECK: %[[ROWSPAN:.*]] = arith.muli %[[ROWSTEPS]], %[[STRIDES]]#0
// CHECK: %[[LAST0:.*]] = arith.addi %[[OFFSET]], %[[ROWSPAN]]
// CHECK: %[[COLS:.*]] = arith.subi %[[SIZES]]#1, %[[ONE]]
// CHECK: %[[COLSTEPS:.*]] = arith.maxsi %[[COLS]], %[[ZERO]]
// CHECK: %[[COLSPAN:.*]] = arith.muli %[[COLSTEPS]], %[[STRIDES]]#1
// CHECK: %[[LAST:.*]] = arith.addi %[[LAST0]], %[[COLSPAN]]
// CHECK: %[[LIMIT:.*]] = arith.constant 2147483648 : index
// CHECK: %[[AFITS:.*]] = arith.cmpi slt, %[[LAST]], %[[LIMIT]]
// CHECK: %[[NBELOW:.*]] = arith.cmpi slt, %[[N]], %[[LIMIT]]
// CHECK: %[[BOTH:.*]] = arith.andi %[[AFITS]], %[[NBELOW]]
// CHECK: %[[LOWEST:.*]] = arith.constant -2147483648 : index
// CHECK: %[[NABOVE:.*]] = arith.cmpi sge, %[[N]], %[[LOWEST]]
// CHECK: %[[ALL:.*]] = arith.andi %[[BOTH]], %[[NABOVE]]
// CHECK: cf.assert %[[ALL]], "tsparse: an operand of kernel kernels::k does not fit the kernels' 32-bit indices"
// CHECK-NEXT: gpu.launch_func @kernels::@k blocks
// CHECK-LABEL: func.func @static_launch(
// CHECK-NOT: cf.assert
// CHECK: gpu.launch_func @kernels::@k2
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%a: memref<?x?xf16, strided<[?, 1], offset: ?>>, %b: memref<16x16xf32>, %n: index) kernel {
      gpu.return
    }
    gpu.func @k2(%b: memref<16x16xf32>, %n: index) kernel {
      gpu.return
    }
  }
  func.func @launch(%a: memref<?x?xf16, strided<[?, 1], offset: ?>>, %b: memref<16x16xf32>, %n: index) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
        args(%a : memref<?x?xf16, strided<[?, 1], offset: ?>>, %b : memref<16x16xf32>, %n : index)
    return
  }
  func.func @static_launch(%b: memref<16x16xf32>) {
    %c1 = arith.constant 1 : index
    %c7 = arith.constant 7 : index
    gpu.launch_func @kernels::@k2 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
        args(%b : memref<16x16xf32>, %c7 : index)
    return
  }
}

// -----

// A static operand that cannot fit is an error at compile time.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%b: memref<65536x32769xf16>) kernel {
      gpu.return
    }
  }
  func.func @too_large(%b: memref<65536x32769xf16>) {
    %c1 = arith.constant 1 : index
    // expected-error @+1 {{'gpu.launch_func' op operand 0 spans 2147549184 elements, beyond the kernels' 32-bit indices}}
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
        args(%b : memref<65536x32769xf16>)
    return
  }
}
