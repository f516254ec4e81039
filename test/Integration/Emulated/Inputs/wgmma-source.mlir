// A product whose wgmma kernel (K-major A, so that it is the module's first
// kernel) errors.test mutates.
func.func @product(%at: tensor<64x?xf16>, %w: tensor<64x64xf16>, %m: index) -> tensor<?x64xf32> {
  %p = tsparse.pack %w : tensor<64x64xf16> -> !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>>
  %e = tensor.empty(%m) : tensor<?x64xf16>
  %a = linalg.transpose ins(%at : tensor<64x?xf16>) outs(%e : tensor<?x64xf16>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %ce = tensor.empty(%m) : tensor<?x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%ce : tensor<?x64xf32>) -> tensor<?x64xf32>
  %r = tsparse.matmul %a, %p, %c : tensor<?x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}
