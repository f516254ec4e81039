// RUN: tsparse-opt %s --convert-linalg-to-parallel-loops \
// RUN:   --tsparse-parallel-loops-to-gpu=block-size=128 --gpu-kernel-outlining \
// RUN:   --canonicalize | FileCheck %s
// RUN: not tsparse-opt %s --tsparse-parallel-loops-to-gpu=block-size=0 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD

// BAD: expected block-size to be in [1, 1024] but got 0

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// An element-wise op on a 64 x 96 buffer: one kernel on a 1-D grid, its two
// dimensions collapsed into one and tiled by the block size (6144 elements,
// 48 blocks of 128 threads); the thread recovers its row and column.
// CHECK-LABEL: func.func @elementwise
// CHECK: gpu.launch_func @elementwise_kernel::@elementwise_kernel blocks in (%c48, %c1, %c1) threads in (%c128, %c1, %c1)
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.func @elementwise_kernel
// CHECK: gpu.block_id x
// CHECK: gpu.thread_id x
// CHECK: arith.remsi
// CHECK: arith.divsi
// CHECK: math.exp
func.func @elementwise(%a: memref<64x96xf32>, %b: memref<64x96xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<64x96xf32>) outs(%b : memref<64x96xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  }
  return
}

// A row reduction: the rows are the threads (a partial block of 8 here),
// each sums its row in a sequential loop inside the kernel.
// CHECK-LABEL: func.func @row_sums
// CHECK: gpu.launch_func @row_sums_kernel::@row_sums_kernel blocks in (%c1, %c1, %c1) threads in (%c8, %c1, %c1)
// CHECK: gpu.func @row_sums_kernel
// CHECK: scf.for
// CHECK: arith.addf
func.func @row_sums(%a: memref<8x96xf32>, %s: memref<8xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<8x96xf32>) outs(%s : memref<8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %sum = arith.addf %x, %acc : f32
    linalg.yield %sum : f32
  }
  return
}

// A parallel loop with results (scf.reduce) stays on the host.
// CHECK-LABEL: func.func @reduce_results
// CHECK-NOT: gpu.launch_func
// CHECK: scf.parallel
// CHECK: scf.reduce
func.func @reduce_results(%a: memref<64xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %r = scf.parallel (%i) = (%c0) to (%c64) step (%c1) init (%zero) -> f32 {
    %x = memref.load %a[%i] : memref<64xf32>
    scf.reduce(%x : f32) {
    ^bb0(%l: f32, %r: f32):
      %s = arith.addf %l, %r : f32
      scf.reduce.return %s : f32
    }
  }
  return %r : f32
}
