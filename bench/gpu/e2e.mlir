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
