// RUN: tsparse-opt %s --tsparse-place-on-device --split-input-file | FileCheck %s

// Kernels: @copy reads its first argument and writes its second; @scale
// reads and writes its only one.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @copy(%in: memref<16xf32>, %out: memref<16xf32>) kernel {
      %i = gpu.thread_id x
      %v = memref.load %in[%i] : memref<16xf32>
      memref.store %v, %out[%i] : memref<16xf32>
      gpu.return
    }
    gpu.func @scale(%buf: memref<16xf32>) kernel {
      %i = gpu.thread_id x
      %v = memref.load %buf[%i] : memref<16xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %buf[%i] : memref<16xf32>
      gpu.return
    }
  }

  // An argument only read by kernels is copied in once, a temporary is
  // allocated on the device, and the result is copied out at the return:
  // two copies in all. The static result buffer is allocated first, so
  // that nothing waits for it between GPU ops.
  // CHECK-LABEL: func.func @in_and_out
  // CHECK-SAME: (%[[X:.*]]: memref<16xf32>)
  // CHECK: %[[HOST:.*]] = memref.alloc() : memref<16xf32>
  // CHECK: %[[DX:.*]] = gpu.alloc () : memref<16xf32>
  // CHECK: gpu.memcpy %[[DX]], %[[X]]
  // CHECK: %[[T:.*]] = gpu.alloc () : memref<16xf32>
  // CHECK: gpu.launch_func @kernels::@copy {{.*}} args(%[[DX]] : memref<16xf32>, %[[T]] : memref<16xf32>)
  // CHECK: gpu.launch_func @kernels::@scale {{.*}} args(%[[T]] : memref<16xf32>)
  // CHECK-NOT: gpu.memcpy %[[X]]
  // CHECK: gpu.dealloc %[[DX]]
  // CHECK: gpu.memcpy %[[HOST]], %[[T]]
  // CHECK: gpu.dealloc %[[T]]
  // CHECK: return %[[HOST]]
  func.func @in_and_out(%x: memref<16xf32>) -> memref<16xf32> {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %t = memref.alloc() : memref<16xf32>
    gpu.launch_func @kernels::@copy blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%x : memref<16xf32>, %t : memref<16xf32>)
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%t : memref<16xf32>)
    return %t : memref<16xf32>
  }

  // An argument a kernel writes is copied back at the return.
  // CHECK-LABEL: func.func @written_argument
  // CHECK-SAME: (%[[X:.*]]: memref<16xf32>)
  // CHECK: %[[DX:.*]] = gpu.alloc () : memref<16xf32>
  // CHECK: gpu.memcpy %[[DX]], %[[X]]
  // CHECK: gpu.launch_func @kernels::@scale {{.*}} args(%[[DX]] : memref<16xf32>)
  // CHECK: gpu.memcpy %[[X]], %[[DX]]
  // CHECK: gpu.dealloc %[[DX]]
  func.func @written_argument(%x: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%x : memref<16xf32>)
    return
  }

  // A constant read by kernels comes from the runtime's resident copy,
  // looked up at the entry; the device buffer staging it for the kernel is
  // forwarded away.
  // CHECK-LABEL: func.func @resident_constant
  // CHECK-NEXT: %[[W:.*]] = memref.get_global @weights
  // CHECK-NEXT: %[[U:.*]] = memref.cast %[[W]] : memref<16xf32> to memref<*xf32>
  // CHECK-NEXT: %[[R:.*]] = call @tsparseResident_f32(%[[U]]) : (memref<*xf32>) -> memref<*xf32>
  // CHECK-NEXT: %[[D:.*]] = memref.cast %[[R]] : memref<*xf32> to memref<16xf32>
  // CHECK-NOT: gpu.memcpy {{.*}}, %[[D]]
  // CHECK: gpu.launch_func @kernels::@copy {{.*}} args(%[[D]] : memref<16xf32>,
  memref.global "private" constant @weights : memref<16xf32> = dense<1.0>
  func.func @resident_constant(%out: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %w = memref.get_global @weights : memref<16xf32>
    %staged = gpu.alloc () : memref<16xf32>
    gpu.memcpy %staged, %w : memref<16xf32>, memref<16xf32>
    gpu.launch_func @kernels::@copy blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%staged : memref<16xf32>, %out : memref<16xf32>)
    gpu.dealloc %staged : memref<16xf32>
    return
  }

  // A buffer the host writes stays on the host; the kernel gets a device
  // copy around its launch, copied back since the kernel writes it.
  // CHECK-LABEL: func.func @host_touched
  // CHECK: %[[H:.*]] = memref.alloc() : memref<16xf32>
  // CHECK: memref.store %{{.*}}, %[[H]]
  // CHECK: %[[D:.*]] = gpu.alloc () : memref<16xf32>
  // CHECK: gpu.memcpy %[[D]], %[[H]]
  // CHECK: gpu.launch_func @kernels::@scale {{.*}} args(%[[D]] : memref<16xf32>)
  // CHECK: gpu.memcpy %[[H]], %[[D]]
  // CHECK: gpu.dealloc %[[D]]
  func.func @host_touched(%v: f32) -> f32 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %h = memref.alloc() : memref<16xf32>
    memref.store %v, %h[%c0] : memref<16xf32>
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%h : memref<16xf32>)
    %r = memref.load %h[%c0] : memref<16xf32>
    memref.dealloc %h : memref<16xf32>
    return %r : f32
  }

  // A function of several blocks is not analyzed; its kernels still get
  // device copies of the host buffers they use.
  // CHECK-LABEL: func.func @several_blocks
  // CHECK: ^bb1:
  // CHECK: %[[D:.*]] = gpu.alloc () : memref<16xf32>
  // CHECK: gpu.memcpy %[[D]], %[[X:.*]] : memref<16xf32>, memref<16xf32>
  // CHECK: gpu.launch_func @kernels::@scale {{.*}} args(%[[D]] : memref<16xf32>)
  // CHECK: gpu.memcpy %[[X]], %[[D]]
  // CHECK: gpu.dealloc %[[D]]
  func.func @several_blocks(%x: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    cf.br ^bb1
  ^bb1:
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%x : memref<16xf32>)
    return
  }

  // A device copy of a buffer that dies with it becomes that buffer.
  // CHECK-LABEL: func.func @copy_of_dying_buffer
  // CHECK: gpu.launch_func @kernels::@scale {{.*}} args(%[[A:.*]] : memref<16xf32>)
  // CHECK-NOT: gpu.memcpy {{.*}}, %[[A]]
  // CHECK: gpu.launch_func @kernels::@copy {{.*}} args(%[[A]] : memref<16xf32>,
  // CHECK: gpu.dealloc %[[A]]
  // CHECK-NOT: gpu.dealloc %[[A]]
  func.func @copy_of_dying_buffer(%out: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %a = gpu.alloc () : memref<16xf32>
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    %b = gpu.alloc () : memref<16xf32>
    gpu.memcpy %b, %a : memref<16xf32>, memref<16xf32>
    gpu.dealloc %a : memref<16xf32>
    gpu.launch_func @kernels::@copy blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%b : memref<16xf32>, %out : memref<16xf32>)
    gpu.dealloc %b : memref<16xf32>
    return
  }

  // A device copy of a buffer that is written again before the copy's last
  // read is kept.
  // CHECK-LABEL: func.func @copy_kept
  // CHECK: gpu.launch_func @kernels::@scale {{.*}} args(%[[A:.*]] : memref<16xf32>)
  // CHECK: %[[B:.*]] = gpu.alloc () : memref<16xf32>
  // CHECK: gpu.memcpy %[[B]], %[[A]]
  // CHECK: gpu.launch_func @kernels::@scale {{.*}} args(%[[A]] : memref<16xf32>)
  // CHECK: gpu.launch_func @kernels::@copy {{.*}} args(%[[B]] : memref<16xf32>,
  func.func @copy_kept(%out: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %a = gpu.alloc () : memref<16xf32>
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    %b = gpu.alloc () : memref<16xf32>
    gpu.memcpy %b, %a : memref<16xf32>, memref<16xf32>
    gpu.launch_func @kernels::@scale blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    gpu.launch_func @kernels::@copy blocks in (%c1, %c1, %c1)
        threads in (%c16, %c1, %c1) args(%b : memref<16xf32>, %out : memref<16xf32>)
    gpu.dealloc %a : memref<16xf32>
    gpu.dealloc %b : memref<16xf32>
    return
  }
}
