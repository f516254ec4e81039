// RUN: tsparse-opt %s --tsparse-place-on-device -verify-diagnostics

// A kernel given a strided view of a buffer the host touches cannot get a
// device copy of it with one gpu.memcpy.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @scale(%buf: memref<4xf32, strided<[2]>>) kernel {
      gpu.return
    }
  }

  func.func @strided_host_view(%v: f32) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %h = memref.alloc() : memref<8xf32>
    memref.store %v, %h[%c0] : memref<8xf32>
    %view = memref.subview %h[0] [4] [2] : memref<8xf32> to memref<4xf32, strided<[2]>>
    // expected-error @+1 {{'gpu.launch_func' op expected a contiguous host buffer to copy to the device for kernel operand 0 but got 'memref<4xf32, strided<[2]>>'}}
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1)
        threads in (%c1, %c1, %c1) args(%view : memref<4xf32, strided<[2]>>)
    memref.dealloc %h : memref<8xf32>
    return
  }
}
