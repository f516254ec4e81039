// RUN: tsparse-opt %s --tsparse-static-workspace | FileCheck %s

// A temporary of the entry block becomes a private global; the result, a
// buffer passed to a call and an allocation inside a loop stay allocations.
// CHECK: memref.global "private" @layer_workspace : memref<4x8xf32> = uninitialized {alignment = 64 : i64}
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @layer
// CHECK: %[[TMP:.*]] = memref.get_global @layer_workspace : memref<4x8xf32>
// CHECK: %[[RES:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: %[[VIEW:.*]] = memref.alloc() : memref<2x8xf32>
// CHECK: %[[DYN:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: scf.for
// CHECK:   memref.alloc() : memref<8xf32>
// CHECK: return %[[RES]]
func.func private @use(memref<8xf32>)
func.func @layer(%x: memref<4x8xf32>, %n: index) -> memref<4x8xf32> {
  %tmp = memref.alloc() : memref<4x8xf32>
  memref.copy %x, %tmp : memref<4x8xf32> to memref<4x8xf32>
  %res = memref.alloc() : memref<4x8xf32>
  memref.copy %tmp, %res : memref<4x8xf32> to memref<4x8xf32>
  // Escapes through a view into a call.
  %passed = memref.alloc() : memref<2x8xf32>
  %row = memref.subview %passed[0, 0] [1, 8] [1, 1] : memref<2x8xf32> to memref<8xf32, strided<[1]>>
  %cast = memref.cast %row : memref<8xf32, strided<[1]>> to memref<8xf32>
  func.call @use(%cast) : (memref<8xf32>) -> ()
  // Dynamic shapes keep their allocation.
  %dyn = memref.alloc(%n) : memref<?xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %inner = memref.alloc() : memref<8xf32>
    func.call @use(%inner) : (memref<8xf32>) -> ()
  }
  return %res : memref<4x8xf32>
}
