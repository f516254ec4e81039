// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync" --split-input-file | FileCheck %s --check-prefix=CHECK-AUTO
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=wmma" --split-input-file | FileCheck %s --check-prefix=CHECK-AUTO
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync transpose-a=never" --split-input-file | FileCheck %s --check-prefix=CHECK-NEVER
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync transpose-a=always" --split-input-file | FileCheck %s --check-prefix=CHECK-ALWAYS

// transpose-a=auto transposes a row-major A on the device when that and
// the K-major reads of its kept rows move fewer bytes than the gather,
// which reads every 32-byte sector (16 rows of B) of a row of A that holds
// a kept row of the column tile. Per row of A, in elements: the
// transposition moves 2 x 256 at twice the weight of an L2 read (1024).

// Eight column tiles each keep one row of every sector: the gather reads
// 8 x 256 elements per row of A, the transposition and the K-major reads
// 1024 + 8 x 16.
// CHECK-AUTO-LABEL: func.func @scattered_over_every_sector
// CHECK-AUTO: gpu.launch_func @tsparse_kernels::@tsparse_transpose_f16
// CHECK-AUTO: gpu.launch_func @tsparse_kernels::@tsparse_{{.*}}_ak_
// CHECK-NEVER-LABEL: func.func @scattered_over_every_sector
// CHECK-NEVER-NOT: tsparse_transpose_f16
// CHECK-NEVER: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g32_u1_k256_m128_s3
// CHECK-ALWAYS-LABEL: func.func @scattered_over_every_sector
// CHECK-ALWAYS: gpu.launch_func @tsparse_kernels::@tsparse_transpose_f16
func.func @scattered_over_every_sector(%a: tensor<?x256xf16>, %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 16, 32, 48, 64, 80, 96, 112, 128]> : tensor<9xi32>,
    row_ids = dense<[0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240]> : tensor<128xi32>,
    values = dense<1.0> : tensor<4096xf16>
  } : !tsparse.matrix<256x256xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x256xf16>, !tsparse.matrix<256x256xf16, #tsparse.layout<tile_n = 32>> -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}

// -----

// The same number of kept rows, every other row of the first two sectors:
// the gather reads 8 x 32 elements per row of A, less than the
// transposition alone. A is gathered as it is, unless transpose-a=always.
// CHECK-AUTO-LABEL: func.func @scattered_over_two_sectors
// CHECK-AUTO-NOT: tsparse_transpose_f16
// CHECK-AUTO: gpu.launch_func @tsparse_kernels::@tsparse_{{[a-z_]*}}_f16_g32_u1_{{(k256_)?}}m
// CHECK-AUTO-NOT: tsparse_transpose_f16
// CHECK-NEVER-LABEL: func.func @scattered_over_two_sectors
// CHECK-NEVER-NOT: tsparse_transpose_f16
// CHECK-ALWAYS-LABEL: func.func @scattered_over_two_sectors
// CHECK-ALWAYS: gpu.launch_func @tsparse_kernels::@tsparse_transpose_f16
func.func @scattered_over_two_sectors(%a: tensor<?x256xf16>, %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 16, 32, 48, 64, 80, 96, 112, 128]> : tensor<9xi32>,
    row_ids = dense<[0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]> : tensor<128xi32>,
    values = dense<1.0> : tensor<4096xf16>
  } : !tsparse.matrix<256x256xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x256xf16>, !tsparse.matrix<256x256xf16, #tsparse.layout<tile_n = 32>> -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}

// -----

// A matrix known only at run time: its kept rows are unknown, so auto
// gathers A.
// CHECK-AUTO-LABEL: func.func @runtime_matrix
// CHECK-AUTO-NOT: tsparse_transpose_f16
// CHECK-AUTO: gpu.launch_func @tsparse_kernels::@tsparse_{{[a-z_]*}}_f16_g32_u1_{{(k256_)?}}m
// CHECK-AUTO-NOT: tsparse_transpose_f16
// CHECK-NEVER-LABEL: func.func @runtime_matrix
// CHECK-NEVER-NOT: tsparse_transpose_f16
// CHECK-NEVER: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g32_u1_k256_m128_s3
// CHECK-NEVER-NOT: tsparse_transpose_f16
// CHECK-ALWAYS-LABEL: func.func @runtime_matrix
// CHECK-ALWAYS: gpu.launch_func @tsparse_kernels::@tsparse_transpose_f16
func.func @runtime_matrix(%a: tensor<?x256xf16>, %w: tensor<256x256xf16>, %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %p = tsparse.pack %w : tensor<256x256xf16> -> !tsparse.matrix<256x256xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x256xf16, #tsparse.layout<tile_n = 32>> -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}
