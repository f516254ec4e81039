// A product inside a loop (a recurrent layer, say) goes through the whole GPU
// pipeline: its result is copied back into the loop's accumulator buffer and
// the per-iteration host temporaries are freed in the loop body, so one-shot
// bufferization accepts the loop and nothing leaks per iteration.
//
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="mma=mma-sync chip=sm_90" \
// RUN:   --mlir-print-ir-after=tsparse-deallocate-host-buffers -o %t.mlir 2> %t.host.mlir
// RUN: FileCheck %s --check-prefix=CHECK-HOST --input-file %t.host.mlir
// RUN: FileCheck %s --check-prefix=CHECK-LLVM --input-file %t.mlir

// CHECK-HOST-LABEL: func.func @recurrent
// CHECK-HOST: scf.for
// CHECK-HOST:   gpu.launch_func
// CHECK-HOST:   %[[BACK:.*]] = memref.alloc(%{{.*}}) : memref<?x64xf32>
// CHECK-HOST:   gpu.memcpy %[[BACK]]
// CHECK-HOST:   memref.copy %[[BACK]], %{{.*}}
// CHECK-HOST:   memref.dealloc %[[BACK]]
// CHECK-HOST-NEXT: }

// CHECK-LLVM: llvm.func @recurrent
// CHECK-LLVM: gpu.launch_func
// CHECK-LLVM: gpu.binary @tsparse_kernels
func.func @recurrent(%x: tensor<?x64xf16>, %w: tensor<64x64xf16>, %n: index) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = tensor.dim %x, %c0 : tensor<?x64xf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%m) : tensor<?x64xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<?x64xf32>) -> tensor<?x64xf32>
  %p = tsparse.pack %w : tensor<64x64xf16> -> !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %acc) -> tensor<?x64xf32> {
    %y = tsparse.matmul %x, %p, %a : tensor<?x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x64xf32>
    scf.yield %y : tensor<?x64xf32>
  }
  return %r : tensor<?x64xf32>
}
