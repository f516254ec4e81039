// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync stages=4" --canonicalize | FileCheck %s
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync stages=3" --canonicalize | FileCheck %s --check-prefix=STATIC

// Four stages of a 128 x 128 block take 64 KB of workgroup memory, more
// than a kernel may declare statically: the kernel views dynamic shared
// memory (A's stages, then B's) and the launch passes its size, for which
// the runtime opts the kernel in. Three stages (48 KB) stay static, one
// buffer of bytes that the stages (and the epilogue's staging of C) view.
// CHECK-LABEL: func.func @four_stages
// CHECK: gpu.launch_func  @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_k64_m128_s4 blocks in ({{.*}}) threads in (%c128, %c1, %c1) dynamic_shared_memory_size %c65536_i32
// CHECK: gpu.func @tsparse_mma_sync_f16_g128_u1_k64_m128_s4({{[^)]*}}) kernel
// CHECK: %[[SMEM:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: memref.view %[[SMEM]][%c0{{[_0-9]*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x32x128xf16, #gpu.address_space<workgroup>>
// CHECK: memref.view %[[SMEM]][%c32768{{[_0-9]*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x32x128xf16, #gpu.address_space<workgroup>>
// STATIC-LABEL: func.func @four_stages
// STATIC: gpu.launch_func  @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_k64_m128_s3 blocks in ({{.*}}) threads in (%c128, %c1, %c1)  args
// STATIC: gpu.func @tsparse_mma_sync_f16_g128_u1_k64_m128_s3({{[^)]*}}) workgroup({{.*}} : memref<49152xi8, #gpu.address_space<workgroup>>) kernel
// STATIC-NOT: gpu.dynamic_shared_memory
func.func @four_stages(%a: tensor<?x64xf16>, %w: tensor<64x128xf16>, %c: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %b = tsparse.pack %w : tensor<64x128xf16> -> !tsparse.matrix<64x128xf16, #tsparse.layout<tile_n = 128>>
  %r = tsparse.matmul %a, %b, %c : tensor<?x64xf16>, !tsparse.matrix<64x128xf16, #tsparse.layout<tile_n = 128>> -> tensor<?x128xf32>
  return %r : tensor<?x128xf32>
}
