// RUN: tsparse-opt %s --gpu-lower-to-nvvm-pipeline="cubin-chip=sm_80 cubin-features=+ptx80 cubin-format=isa" \
// RUN:   | mlir-runner -e main -entry-point-result=i32 \
// RUN:       -shared-libs=%tsparse_cuda_runtime \
// RUN:   | FileCheck %s

// Drives every runtime entry point a tsparse GPU program uses on a real
// device: PTX JIT loading, host registration, allocation, copies in both
// directions, 32-bit memset and a launch with 64 KiB of dynamic shared memory,
// which fails unless the runtime opts the kernel in to more than 48 KiB.
// main returns the number of wrong elements of out = 2 * in + 1.

// CHECK: 0

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @twice_plus_one(%in: memref<256xf32>, %out: memref<256xf32>) kernel {
      %tid = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %last = arith.constant 16383 : index
      %smem = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
      %tile = memref.view %smem[%c0][] : memref<?xi8, #gpu.address_space<workgroup>>
          to memref<16384xf32, #gpu.address_space<workgroup>>
      %x = memref.load %in[%tid] : memref<256xf32>
      %y = arith.addf %x, %x : f32
      // Touch the last word of the 64 KiB so an undersized launch shows.
      memref.store %y, %tile[%last] : memref<16384xf32, #gpu.address_space<workgroup>>
      memref.store %y, %tile[%tid] : memref<16384xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %z = memref.load %tile[%tid] : memref<16384xf32, #gpu.address_space<workgroup>>
      %acc = memref.load %out[%tid] : memref<256xf32>
      %r = arith.addf %z, %acc : f32
      memref.store %r, %out[%tid] : memref<256xf32>
      gpu.return
    }
  }

  func.func @main() -> i32 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c256 = arith.constant 256 : index
    %smem = arith.constant 65536 : i32
    %one = arith.constant 1.0 : f32
    %in = memref.alloc() : memref<256xf32>
    %out = memref.alloc() : memref<256xf32>
    scf.for %i = %c0 to %c256 step %c1 {
      %ii = arith.index_cast %i : index to i32
      %f = arith.sitofp %ii : i32 to f32
      memref.store %f, %in[%i] : memref<256xf32>
    }
    %in_unranked = memref.cast %in : memref<256xf32> to memref<*xf32>
    gpu.host_register %in_unranked : memref<*xf32>

    %t0 = gpu.wait async
    %din, %t1 = gpu.alloc async [%t0] () : memref<256xf32>
    %dout, %t2 = gpu.alloc async [%t1] () : memref<256xf32>
    %t3 = gpu.memcpy async [%t2] %din, %in : memref<256xf32>, memref<256xf32>
    %t4 = gpu.memset async [%t3] %dout, %one : memref<256xf32>, f32
    %t5 = gpu.launch_func async [%t4] @kernels::@twice_plus_one
        blocks in (%c1, %c1, %c1) threads in (%c256, %c1, %c1)
        dynamic_shared_memory_size %smem
        args(%din : memref<256xf32>, %dout : memref<256xf32>)
    %t6 = gpu.memcpy async [%t5] %out, %dout : memref<256xf32>, memref<256xf32>
    %t7 = gpu.dealloc async [%t6] %din : memref<256xf32>
    %t8 = gpu.dealloc async [%t7] %dout : memref<256xf32>
    gpu.wait [%t8]
    gpu.host_unregister %in_unranked : memref<*xf32>

    %zero = arith.constant 0 : i32
    %errors = scf.for %i = %c0 to %c256 step %c1 iter_args(%n = %zero) -> (i32) {
      %x = memref.load %in[%i] : memref<256xf32>
      %y = memref.load %out[%i] : memref<256xf32>
      %twice = arith.addf %x, %x : f32
      %want = arith.addf %twice, %one : f32
      %ok = arith.cmpf oeq, %y, %want : f32
      %wrong = arith.constant 1 : i32
      %inc = arith.select %ok, %zero, %wrong : i32
      %next = arith.addi %n, %inc : i32
      scf.yield %next : i32
    }
    memref.dealloc %in : memref<256xf32>
    memref.dealloc %out : memref<256xf32>
    return %errors : i32
  }
}
