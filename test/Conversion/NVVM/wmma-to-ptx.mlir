// REQUIRES: ptxas
// RUN: tsparse-opt %s --pass-pipeline="builtin.module(nvvm-attach-target{chip=sm_80 features=+ptx80 O=3}, gpu.module(convert-scf-to-cf, convert-nvgpu-to-nvvm, expand-strided-metadata, lower-affine, convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=true}, reconcile-unrealized-casts), gpu-module-to-binary{format=isa})" -o %t.mlir
// RUN: %python %S/../Inputs/extract_ptx.py %t.mlir > %t.ptx
// RUN: FileCheck %s < %t.ptx
// RUN: %ptxas -arch=sm_80 %t.ptx -o %t.sm_80.cubin
// RUN: %ptxas -arch=sm_90 %t.ptx -o %t.sm_90.cubin

// The WMMA route of the GPU code generator must end in PTX that ptxas accepts
// for Ampere and Hopper. The accumulator is carried through an scf.for, the
// case the stock pipeline cannot lower without convert-scf-to-cf first.

// CHECK: .version 8.0
// CHECK: .target sm_80
// CHECK-LABEL: .entry wmma_f16_f32_16x16x64
// CHECK: wmma.load.a.sync.aligned.row.m16n16k16
// CHECK: wmma.mma.sync.aligned.row.row.m16n16k16.f32.f32
// CHECK: wmma.store.d.sync.aligned.row.m16n16k16.f32

module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @wmma_f16_f32_16x16x64(%a: memref<16x64xf16>,
                                    %b: memref<64x16xf16>,
                                    %c: memref<16x16xf32>) kernel {
      %c0 = arith.constant 0 : index
      %c16 = arith.constant 16 : index
      %c64 = arith.constant 64 : index
      %init = gpu.subgroup_mma_load_matrix %c[%c0, %c0] {leadDimension = 16 : index}
          : memref<16x16xf32> -> !gpu.mma_matrix<16x16xf32, "COp">
      %acc = scf.for %k = %c0 to %c64 step %c16
          iter_args(%sum = %init) -> (!gpu.mma_matrix<16x16xf32, "COp">) {
        %lhs = gpu.subgroup_mma_load_matrix %a[%c0, %k] {leadDimension = 64 : index}
            : memref<16x64xf16> -> !gpu.mma_matrix<16x16xf16, "AOp">
        %rhs = gpu.subgroup_mma_load_matrix %b[%k, %c0] {leadDimension = 16 : index}
            : memref<64x16xf16> -> !gpu.mma_matrix<16x16xf16, "BOp">
        %next = gpu.subgroup_mma_compute %lhs, %rhs, %sum
            : !gpu.mma_matrix<16x16xf16, "AOp">, !gpu.mma_matrix<16x16xf16, "BOp">
            -> !gpu.mma_matrix<16x16xf32, "COp">
        scf.yield %next : !gpu.mma_matrix<16x16xf32, "COp">
      }
      gpu.subgroup_mma_store_matrix %acc, %c[%c0, %c0] {leadDimension = 16 : index}
          : !gpu.mma_matrix<16x16xf32, "COp">, memref<16x16xf32>
      gpu.return
    }
  }
}
