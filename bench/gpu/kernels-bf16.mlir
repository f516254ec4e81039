// The bf16 kernel variants scripts/gpu-check.sh loads directly; bf16 needs
// the mma-sync flavour.


func.func @tw2d_g128_bf16(%a: tensor<?x256xbf16>, %w: tensor<256x384xbf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xbf16> -> !tsparse.matrix<256x384xbf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xbf16>, !tsparse.matrix<256x384xbf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @tw2d_g128_bf16_k_major(%at: tensor<256x?xbf16>, %w: tensor<256x384xbf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xbf16> -> !tsparse.matrix<256x384xbf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<256x?xbf16>
  %e = tensor.empty(%m) : tensor<?x256xbf16>
  %a = linalg.transpose ins(%at : tensor<256x?xbf16>) outs(%e : tensor<?x256xbf16>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xbf16>, !tsparse.matrix<256x384xbf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @bw_32x128_bf16(%a: tensor<?x256xbf16>, %w: tensor<256x384xbf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xbf16> -> !tsparse.matrix<256x384xbf16, #tsparse.layout<tile_n = 128, unit_k = 32>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xbf16>, !tsparse.matrix<256x384xbf16, #tsparse.layout<tile_n = 128, unit_k = 32>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}
