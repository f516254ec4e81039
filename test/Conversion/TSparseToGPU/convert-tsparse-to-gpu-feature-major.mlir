// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync feature-major=1" --canonicalize --cse | FileCheck %s
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync" --canonicalize --cse | FileCheck %s --check-prefix=CHECK-ROW-MAJOR

// Two layers of an FFN with bias + ReLU between them. Feature-major, the
// first product writes its result transposed (128 x M), the element-wise
// op runs on it with its loops swapped (the bias indexed by d0), and the
// second product reads it as a K-major A: no transposition is left.
// CHECK-LABEL: func.func @ffn
// CHECK-NOT: linalg.transpose
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_ct_k64_m128_s3
// CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[ROW:.*]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<128x?xf32>, tensor<128xf32>) outs(%{{.*}} : tensor<128x?xf16>)
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u1_ak_m128_s3
// CHECK-NOT: linalg.transpose
// CHECK-ROW-MAJOR-LABEL: func.func @ffn
// CHECK-ROW-MAJOR: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_k64_m128_s3
// CHECK-ROW-MAJOR: linalg.generic
// CHECK-ROW-MAJOR-SAME: outs(%{{.*}} : tensor<?x128xf16>)
// CHECK-ROW-MAJOR: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u1_k128_m128_s3
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @ffn(%x: tensor<?x64xf16>, %w1_dense: tensor<64x128xf16>,
               %b1: tensor<128xf32>, %w2_dense: tensor<128x64xf16>)
    -> tensor<?x64xf32> {
  %w1 = tsparse.pack %w1_dense : tensor<64x128xf16> -> !tsparse.matrix<64x128xf16, #tsparse.layout<tile_n = 128>>
  %w2 = tsparse.pack %w2_dense : tensor<128x64xf16> -> !tsparse.matrix<128x64xf16, #tsparse.layout<tile_n = 64>>
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %x, %c0 : tensor<?x64xf16>
  %e1 = tensor.empty(%m) : tensor<?x128xf32>
  %c1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x128xf32>) -> tensor<?x128xf32>
  %h = tsparse.matmul %x, %w1, %c1 : tensor<?x64xf16>, !tsparse.matrix<64x128xf16, #tsparse.layout<tile_n = 128>> -> tensor<?x128xf32>
  %ea = tensor.empty(%m) : tensor<?x128xf16>
  %act = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %b1 : tensor<?x128xf32>, tensor<128xf32>) outs(%ea : tensor<?x128xf16>) {
  ^bb0(%v: f32, %bias: f32, %out: f16):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    %t = arith.truncf %r : f32 to f16
    linalg.yield %t : f16
  } -> tensor<?x128xf16>
  %e2 = tensor.empty(%m) : tensor<?x64xf32>
  %c2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x64xf32>) -> tensor<?x64xf32>
  %y = tsparse.matmul %act, %w2, %c2 : tensor<?x128xf16>, !tsparse.matrix<128x64xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// A payload that reads the loop indices would change meaning with its loops
// swapped: the chain stays row-major.
// CHECK-LABEL: func.func @index_dependent
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_k64_m128_s3
// CHECK: linalg.index 1
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u1_k128_m128_s3
func.func @index_dependent(%x: tensor<?x64xf16>, %w1_dense: tensor<64x128xf16>,
                           %w2_dense: tensor<128x64xf16>, %c1: tensor<?x128xf32>,
                           %c2: tensor<?x64xf32>, %ea: tensor<?x128xf16>) -> tensor<?x64xf32> {
  %w1 = tsparse.pack %w1_dense : tensor<64x128xf16> -> !tsparse.matrix<64x128xf16, #tsparse.layout<tile_n = 128>>
  %w2 = tsparse.pack %w2_dense : tensor<128x64xf16> -> !tsparse.matrix<128x64xf16, #tsparse.layout<tile_n = 64>>
  %h = tsparse.matmul %x, %w1, %c1 : tensor<?x64xf16>, !tsparse.matrix<64x128xf16, #tsparse.layout<tile_n = 128>> -> tensor<?x128xf32>
  %act = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<?x128xf32>) outs(%ea : tensor<?x128xf16>) {
  ^bb0(%v: f32, %out: f16):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i32
    %jf = arith.sitofp %ji : i32 to f32
    %s = arith.addf %v, %jf : f32
    %t = arith.truncf %s : f32 to f16
    linalg.yield %t : f16
  } -> tensor<?x128xf16>
  %y = tsparse.matmul %act, %w2, %c2 : tensor<?x128xf16>, !tsparse.matrix<128x64xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}
