// RUN: tsparse-opt %s --tsparse-deallocate-host-buffers --split-input-file | FileCheck %s

// Temporaries used by copies and a launch are freed before the return; the
// returned buffer is not.
// CHECK-LABEL: func.func @host_code
// CHECK: %[[TMP:.*]] = memref.alloc(%{{.*}}) : memref<?xi32>
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.dealloc %[[TMP]]
// CHECK-NOT: memref.dealloc
// CHECK: return %[[OUT]]
func.func @host_code(%n: index, %device: memref<?xi32>, %result: memref<?xf32>) -> memref<?xf32> {
  %tmp = memref.alloc(%n) : memref<?xi32>
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i32
  memref.store %zero, %tmp[%c0] : memref<?xi32>
  gpu.memcpy %device, %tmp : memref<?xi32>, memref<?xi32>
  %out = memref.alloc(%n) : memref<?xf32>
  gpu.memcpy %out, %result : memref<?xf32>, memref<?xf32>
  return %out : memref<?xf32>
}

// -----

// Escapes through a cast, a call, a store of the buffer itself, a tensor,
// and an existing dealloc: nothing more is freed.
// CHECK-LABEL: func.func @escaping
// CHECK-COUNT-1: memref.dealloc
// CHECK-NOT: memref.dealloc
func.func private @consume(memref<4xf32>)
func.func @escaping(%slot: memref<memref<4xf32>>) -> (memref<?xf32>, tensor<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  %cast = memref.cast %a : memref<4xf32> to memref<?xf32>
  %b = memref.alloc() : memref<4xf32>
  func.call @consume(%b) : (memref<4xf32>) -> ()
  %c = memref.alloc() : memref<4xf32>
  memref.store %c, %slot[] : memref<memref<4xf32>>
  %d = memref.alloc() : memref<4xf32>
  %t = bufferization.to_tensor %d restrict : memref<4xf32> to tensor<4xf32>
  %e = memref.alloc() : memref<4xf32>
  memref.dealloc %e : memref<4xf32>
  return %cast, %t : memref<?xf32>, tensor<4xf32>
}

// -----

// A loop body frees what it allocates before its yield, except what it
// yields.
// CHECK-LABEL: func.func @loop_body
// CHECK: scf.for
// CHECK:   %[[TMP:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:   %[[NEXT:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:   memref.copy %[[TMP]], %{{.*}}
// CHECK:   memref.dealloc %[[TMP]]
// CHECK-NOT: memref.dealloc
// CHECK:   scf.yield %[[NEXT]]
func.func @loop_body(%n: index, %device: memref<?xf32>, %init: memref<?xf32>) -> memref<?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> memref<?xf32> {
    %tmp = memref.alloc(%n) : memref<?xf32>
    %next = memref.alloc(%n) : memref<?xf32>
    gpu.memcpy %tmp, %device : memref<?xf32>, memref<?xf32>
    memref.copy %tmp, %acc : memref<?xf32> to memref<?xf32>
    scf.yield %next : memref<?xf32>
  }
  return %r : memref<?xf32>
}
