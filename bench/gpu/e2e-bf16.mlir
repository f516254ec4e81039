// The end-to-end GPU program of e2e.mlir in bf16, which needs the
// mma-sync flavour. Compiled ahead of time by scripts/prepare-gpu-check.sh.

#tw2d = #tsparse.layout<tile_n = 128, columns = compacted>

func.func @e2e_bf16_tw2d(%a: tensor<?x512xbf16>, %w: tensor<512x1000xbf16>,
                         %c: tensor<?x1000xf32>) -> tensor<?x1000xf32>
    attributes {llvm.emit_c_interface} {
  %p = tsparse.pack %w : tensor<512x1000xbf16> -> !tsparse.matrix<512x1000xbf16, #tw2d>
  %r = tsparse.matmul %a, %p, %c
      : tensor<?x512xbf16>, !tsparse.matrix<512x1000xbf16, #tw2d> -> tensor<?x1000xf32>
  return %r : tensor<?x1000xf32>
}
