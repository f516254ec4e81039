// A host function that reads device memory (for errors.test): what
// --tsparse-place-on-device must never leave behind.
func.func @forward(%x: memref<4xf32>) -> memref<4xf32> {
  %c0 = arith.constant 0 : index
  %d = gpu.alloc () : memref<4xf32>
  gpu.memcpy %d, %x : memref<4xf32>, memref<4xf32>
  %v = memref.load %d[%c0] : memref<4xf32>
  %r = memref.alloc() : memref<4xf32>
  memref.store %v, %r[%c0] : memref<4xf32>
  gpu.dealloc %d : memref<4xf32>
  return %r : memref<4xf32>
}
