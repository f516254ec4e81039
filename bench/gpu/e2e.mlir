// End-to-end GPU programs for scripts/gpu-check.sh: the host code packs the
// weights at run time (masks from their zeros), copies everything to the
// device through the mgpu* runtime, launches the fused kernel and copies C
// back. Compiled ahead of time by scripts/prepare-gpu-check.sh.

#tw2d = #tsparse.layout<tile_n = 128, columns = compacted>
#bw = #tsparse.layout<tile_n = 64, unit_k = 16>

func.func @e2e_tw2d(%a: tensor<?x512xf16>, %w: tensor<512x1000xf16>,
                    %c: tensor<?x1000xf32>) -> tensor<?x1000xf32>
    attributes {llvm.emit_c_interface} {
  %p = tsparse.pack %w : tensor<512x1000xf16> -> !tsparse.matrix<512x1000xf16, #tw2d>
  %r = tsparse.matmul %a, %p, %c
      : tensor<?x512xf16>, !tsparse.matrix<512x1000xf16, #tw2d> -> tensor<?x1000xf32>
  return %r : tensor<?x1000xf32>
}

func.func @e2e_bw(%a: tensor<?x512xf16>, %w: tensor<512x1000xf16>,
                  %c: tensor<?x1000xf32>) -> tensor<?x1000xf32>
    attributes {llvm.emit_c_interface} {
  %p = tsparse.pack %w : tensor<512x1000xf16> -> !tsparse.matrix<512x1000xf16, #bw>
  %r = tsparse.matmul %a, %p, %c
      : tensor<?x512xf16>, !tsparse.matrix<512x1000xf16, #bw> -> tensor<?x1000xf32>
  return %r : tensor<?x1000xf32>
}

// Feature-major activations: A arrives K x M and C leaves (and arrives)
// N x M; the conversion folds all three transpositions.
func.func @e2e_tw2d_feature_major(%at: tensor<512x?xf16>, %w: tensor<512x1000xf16>,
                                  %ct: tensor<1000x?xf32>) -> tensor<1000x?xf32>
    attributes {llvm.emit_c_interface} {
  %p = tsparse.pack %w : tensor<512x1000xf16> -> !tsparse.matrix<512x1000xf16, #tw2d>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<512x?xf16>
  %a_init = tensor.empty(%m) : tensor<?x512xf16>
  %a = linalg.transpose ins(%at : tensor<512x?xf16>) outs(%a_init : tensor<?x512xf16>) permutation = [1, 0]
  %c_init = tensor.empty(%m) : tensor<?x1000xf32>
  %c = linalg.transpose ins(%ct : tensor<1000x?xf32>) outs(%c_init : tensor<?x1000xf32>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c
      : tensor<?x512xf16>, !tsparse.matrix<512x1000xf16, #tw2d> -> tensor<?x1000xf32>
  %r_init = tensor.empty(%m) : tensor<1000x?xf32>
  %rt = linalg.transpose ins(%r : tensor<?x1000xf32>) outs(%r_init : tensor<1000x?xf32>) permutation = [1, 0]
  return %rt : tensor<1000x?xf32>
}
