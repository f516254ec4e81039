// An f32 model reaches the tensor-core kernels with compute-type=f16 (or
// bf16 with mma-sync): its products take rounded inputs and keep
// accumulating in f32. Without the option the f32 product is diagnosed.
//
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="compute-type=f16 chip=sm_90" | FileCheck %s --check-prefix=CHECK-F16
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="compute-type=bf16 mma=mma-sync chip=sm_90" | FileCheck %s --check-prefix=CHECK-BF16
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline 2>&1 | FileCheck %s --check-prefix=CHECK-NONE

// CHECK-F16: gpu.launch_func <%{{.*}} : !llvm.ptr> @tsparse_kernels::@tsparse_wmma_f16_g128_u1_m64
// CHECK-BF16: gpu.launch_func <%{{.*}} : !llvm.ptr> @tsparse_kernels::@tsparse_mma_sync_bf16_g128_u1_k256_m128_s3
// CHECK-NONE: error: 'tsparse.matmul' op cannot be lowered to the GPU: expected f16 inputs (bf16 needs mma=mma-sync) but got 'f32' (compute-type=f16 or bf16 of the GPU pipeline, or --tsparse-narrow-products, rounds them)
func.func @linear_f32(%a: tensor<?x256xf32>, %w: tensor<256x128xf32>, %c: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %b = tsparse.pack %w : tensor<256x128xf32> -> !tsparse.matrix<256x128xf32, #tsparse.layout<tile_n = 128>>
  %r = tsparse.matmul %a, %b, %c : tensor<?x256xf32>, !tsparse.matrix<256x128xf32, #tsparse.layout<tile_n = 128>> -> tensor<?x128xf32>
  return %r : tensor<?x128xf32>
}
