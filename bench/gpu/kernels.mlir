// The f16 kernel variants scripts/gpu-check.sh loads directly, compiled
// once per flavour (mma=wmma and mma=mma-sync) by prepare-gpu-check.sh: one
// fused kernel per layout for a row-major A and for a K-major A (a
// linalg.transpose the conversion folds), and one computing the result
// transposed (feature-major activations in and out).


func.func @tw2d_g128(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw2d_g128_k_major(%at: tensor<256x?xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<256x?xf16>
  %e = tensor.empty(%m) : tensor<?x256xf16>
  %a = linalg.transpose ins(%at : tensor<256x?xf16>) outs(%e : tensor<?x256xf16>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw2d_g64(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 64, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 64, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw2d_g64_k_major(%at: tensor<256x?xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 64, columns = compacted>>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<256x?xf16>
  %e = tensor.empty(%m) : tensor<?x256xf16>
  %a = linalg.transpose ins(%at : tensor<256x?xf16>) outs(%e : tensor<?x256xf16>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 64, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw1d_g128(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw1d_g128_k_major(%at: tensor<256x?xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128>>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<256x?xf16>
  %e = tensor.empty(%m) : tensor<?x256xf16>
  %a = linalg.transpose ins(%at : tensor<256x?xf16>) outs(%e : tensor<?x256xf16>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw1d_g64(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 64>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw1d_g64_k_major(%at: tensor<256x?xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 64>>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<256x?xf16>
  %e = tensor.empty(%m) : tensor<?x256xf16>
  %a = linalg.transpose ins(%at : tensor<256x?xf16>) outs(%e : tensor<?x256xf16>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @bw_32x128(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, unit_k = 32>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, unit_k = 32>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @bw_32x128_k_major(%at: tensor<256x?xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, unit_k = 32>>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<256x?xf16>
  %e = tensor.empty(%m) : tensor<?x256xf16>
  %a = linalg.transpose ins(%at : tensor<256x?xf16>) outs(%e : tensor<?x256xf16>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, unit_k = 32>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw2d_g128_feature_major(%at: tensor<256x?xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<384x?xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<256x?xf16>
  %e = tensor.empty(%m) : tensor<?x256xf16>
  %a = linalg.transpose ins(%at : tensor<256x?xf16>) outs(%e : tensor<?x256xf16>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  %et = tensor.empty(%m) : tensor<384x?xf32>
  %rt = linalg.transpose ins(%r : tensor<?x384xf32>) outs(%et : tensor<384x?xf32>) permutation = [1, 0]
  return %rt : tensor<384x?xf32>
}

// An f16 result, as f16 models produce (accumulated in f32, rounded once).
func.func @tw2d_g128_f16_out(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf16>) -> tensor<?x384xf16> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf16>
  return %r : tensor<?x384xf16>
}
