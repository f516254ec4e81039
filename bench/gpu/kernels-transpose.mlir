// The device transposition kernel that transpose-a=always inserts before a
// product on a row-major A; prepare-gpu-check.sh compiles this with
// mma=mma-sync transpose-a=always so that gpu_bench can time the pair.

func.func @tw2d_g128_transpose_a(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}
