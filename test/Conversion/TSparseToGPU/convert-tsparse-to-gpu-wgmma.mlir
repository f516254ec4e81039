// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=wgmma stages=4" --canonicalize --split-input-file | FileCheck %s

// The wgmma flavour: two warpgroups over a 128-row M tile, always on
// dynamic shared memory (four stages of 8 KB of A and 4 KB of B, plus 1024
// bytes to align them to the 128-byte swizzle's repeat). A row-major A
// whose kept rows are scattered (unit_k = 1) is transposed on the device
// first and read K-major. Stages of A (two blocks of 64 rows of A by 32 kept
// rows) and B (one block of 64 columns) are views from the aligned address.
// Each iteration waits for its stage (one younger group pending with four
// stages), fences the copies to the async proxy, synchronizes, issues the
// stage two ahead, then issues the stage's two k16 wgmma (A M-major:
// `col`, B K x N: `row`; 128-byte swizzle, stride 1024 bytes, leading 4096)
// as one group and waits until one group is left in flight. The
// accumulator is retired before the epilogue.
// CHECK-LABEL: func.func @matmul_tw1d
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_transpose_f16
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wgmma_f16_g64_u1_ak_m128_s4 blocks in (%{{.*}}, %c1, %c1) threads in (%c256, %c1, %c1) dynamic_shared_memory_size %c50176_i32
// CHECK: gpu.func @tsparse_wgmma_f16_g64_u1_ak_m128_s4({{[^)]*}}) kernel
// CHECK:   %[[SMEM:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK:   %[[ADDRESS:.*]] = memref.extract_aligned_pointer_as_index %[[SMEM]]
// CHECK:   %[[MISALIGNED:.*]] = arith.remui %[[ADDRESS]], %c1024
// CHECK:   %[[PAD0:.*]] = arith.subi %c1024, %[[MISALIGNED]]
// CHECK:   %[[PAD:.*]] = arith.remui %[[PAD0]], %c1024
// CHECK:   memref.view %[[SMEM]][%[[PAD]]][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x2x32x64xf16, #gpu.address_space<workgroup>>
// CHECK:   memref.view %[[SMEM]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x1x32x64xf16, #gpu.address_space<workgroup>>
// CHECK:   nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}}[%c0, %{{.*}}, %{{.*}}, %{{.*}}], 8, %{{.*}} {bypassL1} : memref<?x?xf16> to memref<4x2x32x64xf16, #gpu.address_space<workgroup>>
// CHECK:   nvgpu.device_async_create_group
// CHECK:   %[[GROUP:.*]] = nvgpu.device_async_create_group
// CHECK:   scf.for {{.*}} -> (!llvm.struct<(f32, {{.*}})>, index, index, index, index)
// CHECK:     nvgpu.device_async_wait %[[GROUP]] {numGroups = 1 : i32}
// CHECK:     nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK:     gpu.barrier
// CHECK:     nvgpu.device_async_copy
// CHECK:     nvgpu.device_async_create_group
// CHECK:     nvvm.wgmma.fence.aligned
// CHECK:     arith.ori %{{.*}}, %c4611686293322072064_i64 : i64
// CHECK-COUNT-2: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 64, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <col>], B[<f16>, <one>, <row>]
// CHECK:     nvvm.wgmma.commit.group.sync.aligned
// CHECK:     nvvm.wgmma.wait.group.sync.aligned 1
// CHECK:     scf.yield
// CHECK:   nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:   nvgpu.device_async_wait %[[GROUP]] {numGroups = 0 : i32}
// CHECK:   llvm.extractvalue
func.func @matmul_tw1d(%a: tensor<?x64xf16>, %c: tensor<?x192xf32>) -> tensor<?x192xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<256xf16>
  } : !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x64xf16>, !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x192xf32>
  return %r : tensor<?x192xf32>
}

// -----

// Kept rows in runs of 16: a row-major A is copied in 16-byte chunks along
// K into K-major stages of 64-byte rows (the 64-byte swizzle), read in
// place: no transposition. Its descriptors advance 32 bytes per k16 (stride
// 512 bytes between groups of 8 rows); A is `row`.
// CHECK-LABEL: func.func @matmul_bw_row_major_a
// CHECK-NOT: tsparse_transpose
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wgmma_f16_g128_u16_m128_s4 blocks in (%{{.*}}, %c1, %c1) threads in (%c256, %c1, %c1) dynamic_shared_memory_size %c66560_i32
// CHECK: gpu.func @tsparse_wgmma_f16_g128_u16_m128_s4
// CHECK:   memref.view %{{.*}} to memref<4x128x32xf16, #gpu.address_space<workgroup>>
// CHECK:   memref.view %{{.*}} to memref<4x2x32x64xf16, #gpu.address_space<workgroup>>
// CHECK:   nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}}[%c0, %{{.*}}, %{{.*}}], 8, %{{.*}} {bypassL1} : memref<?x?xf16> to memref<4x128x32xf16, #gpu.address_space<workgroup>>
// CHECK:   scf.for
// CHECK:     arith.ori %{{.*}}, %c-9223371899415756800_i64 : i64
// CHECK:     nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <row>]
func.func @matmul_bw_row_major_a(%a: tensor<?x64xf16>, %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 3]> : tensor<3xi32>,
    row_ids = dense<[2, 0, 1]> : tensor<3xi32>,
    values = dense<1.0> : tensor<6144xf16>
  } : !tsparse.matrix<64x256xf16, #tsparse.layout<tile_n = 128, unit_k = 16>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x64xf16>, !tsparse.matrix<64x256xf16, #tsparse.layout<tile_n = 128, unit_k = 16>> -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}
