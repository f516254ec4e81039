// A two-layer feed-forward block for the end-to-end GPU check, compiled with
// feature-major=1 by scripts/prepare-gpu-check.sh: the first product writes
// its result transposed, bias + ReLU + the cast to f16 run on the host on
// the transposed activations, and the second product reads them K-major.

#tw2d = #tsparse.layout<tile_n = 128, columns = compacted>
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

func.func @e2e_ffn(%x: tensor<?x512xf16>, %w1: tensor<512x1000xf16>,
                   %bias: tensor<1000xf32>, %w2: tensor<1000x512xf16>)
    -> tensor<?x512xf32> attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %x, %c0 : tensor<?x512xf16>
  %p1 = tsparse.pack %w1 : tensor<512x1000xf16> -> !tsparse.matrix<512x1000xf16, #tw2d>
  %e1 = tensor.empty(%m) : tensor<?x1000xf32>
  %c1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x1000xf32>) -> tensor<?x1000xf32>
  %h = tsparse.matmul %x, %p1, %c1
      : tensor<?x512xf16>, !tsparse.matrix<512x1000xf16, #tw2d> -> tensor<?x1000xf32>
  %ea = tensor.empty(%m) : tensor<?x1000xf16>
  %act = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %bias : tensor<?x1000xf32>, tensor<1000xf32>) outs(%ea : tensor<?x1000xf16>) {
  ^bb0(%v: f32, %b: f32, %out: f16):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    %t = arith.truncf %r : f32 to f16
    linalg.yield %t : f16
  } -> tensor<?x1000xf16>
  %p2 = tsparse.pack %w2 : tensor<1000x512xf16> -> !tsparse.matrix<1000x512xf16, #tw2d>
  %e2 = tensor.empty(%m) : tensor<?x512xf32>
  %c2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x512xf32>) -> tensor<?x512xf32>
  %y = tsparse.matmul %act, %p2, %c2
      : tensor<?x1000xf16>, !tsparse.matrix<1000x512xf16, #tw2d> -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}
