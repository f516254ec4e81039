// RUN: tsparse-opt %s --tsparse-fuse-epilogues --split-input-file | FileCheck %s

#tw = #tsparse.layout<tile_n = 4>
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A bias add and a ReLU: the bias becomes an epilogue operand, the body
// moves into the epilogue and the generic's output is dropped.
// CHECK-LABEL: func.func @bias_relu
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[B:.*]]: !tsparse.matrix<8x12xf32, #{{.*}}>, %[[C:.*]]: tensor<?x12xf32>, %[[BIAS:.*]]: tensor<12xf32>)
// CHECK:      %[[R:.*]] = tsparse.matmul %[[A]], %[[B]], %[[C]] epilogue(%[[BIAS]] : tensor<12xf32>) {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32, %[[X:.*]]: f32):
// CHECK-NEXT:   %[[SUM:.*]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK-NEXT:   %[[MAX:.*]] = arith.maximumf %[[SUM]], %{{.*}} : f32
// CHECK-NEXT:   tsparse.yield %[[MAX]] : f32
// CHECK-NEXT: }
// CHECK-NOT:  linalg.generic
// CHECK:      return %[[R]]
func.func @bias_relu(%a: tensor<?x8xf32>, %b: !tsparse.matrix<8x12xf32, #tw>,
                     %c: tensor<?x12xf32>, %bias: tensor<12xf32>) -> tensor<?x12xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tsparse.matmul %a, %b, %c : tensor<?x8xf32>, !tsparse.matrix<8x12xf32, #tw> -> tensor<?x12xf32>
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p, %bias : tensor<?x12xf32>, tensor<12xf32>) outs(%c : tensor<?x12xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x12xf32>
  return %r : tensor<?x12xf32>
}

// -----

#tw = #tsparse.layout<tile_n = 4>
#id = affine_map<(d0, d1) -> (d0, d1)>
#scalar = affine_map<(d0, d1) -> ()>

// A consumer of a product that has an epilogue already: the epilogues
// compose, the new operand (a residual) comes after the old ones. A scalar
// input is used directly.
// CHECK-LABEL: func.func @compose
// CHECK-SAME: (%{{.*}}: tensor<2x8xf32>, %{{.*}}: !tsparse.matrix<8x12xf32, #{{.*}}>, %{{.*}}: tensor<2x12xf32>, %[[BIAS:.*]]: tensor<12xf32>, %[[RES:.*]]: tensor<2x12xf32>, %[[SCALE:.*]]: f32)
// CHECK:      tsparse.matmul {{.*}} epilogue(%[[BIAS]], %[[RES]] : tensor<12xf32>, tensor<2x12xf32>) {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32, %[[X:.*]]: f32, %[[Y:.*]]: f32):
// CHECK-NEXT:   %[[SUM:.*]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK-NEXT:   %[[SCALED:.*]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-NEXT:   %[[OUT:.*]] = arith.addf %[[SCALED]], %[[Y]] : f32
// CHECK-NEXT:   tsparse.yield %[[OUT]] : f32
// CHECK-NOT:  linalg.generic
func.func @compose(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x12xf32, #tw>, %c: tensor<2x12xf32>,
                   %bias: tensor<12xf32>, %res: tensor<2x12xf32>, %scale: f32) -> tensor<2x12xf32> {
  %p = tsparse.matmul %a, %b, %c epilogue(%bias : tensor<12xf32>) {
  ^bb0(%acc: f32, %x: f32):
    %s = arith.addf %acc, %x : f32
    tsparse.yield %s : f32
  } : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #tw> -> tensor<2x12xf32>
  %e = tensor.empty() : tensor<2x12xf32>
  %r = linalg.generic {indexing_maps = [#id, #scalar, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p, %scale, %res : tensor<2x12xf32>, f32, tensor<2x12xf32>) outs(%e : tensor<2x12xf32>) {
  ^bb0(%x: f32, %k: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %k : f32
    %t = arith.addf %m, %y : f32
    linalg.yield %t : f32
  } -> tensor<2x12xf32>
  return %r : tensor<2x12xf32>
}

// -----

#tw = #tsparse.layout<tile_n = 4>
#tew = #tsparse.layout<tile_n = 4, residual = csr>
#id = affine_map<(d0, d1) -> (d0, d1)>

// Left alone: a product with a second use, a residual layout (its elements
// are added after the tiles), a consumer that reads its output.
// CHECK-LABEL: func.func @not_fused
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: epilogue
func.func @not_fused(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x12xf32, #tw>,
                     %t: !tsparse.matrix<8x12xf32, #tew>, %c: tensor<2x12xf32>)
    -> (tensor<2x12xf32>, tensor<2x12xf32>, tensor<2x12xf32>, tensor<2x12xf32>) {
  %e = tensor.empty() : tensor<2x12xf32>
  %p = tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #tw> -> tensor<2x12xf32>
  %r0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<2x12xf32>) outs(%e : tensor<2x12xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<2x12xf32>
  %q = tsparse.matmul %a, %t, %c : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #tew> -> tensor<2x12xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%q : tensor<2x12xf32>) outs(%e : tensor<2x12xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<2x12xf32>
  %s = tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #tw> -> tensor<2x12xf32>
  %r2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<2x12xf32>) outs(%c : tensor<2x12xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.addf %x, %o : f32
    linalg.yield %n : f32
  } -> tensor<2x12xf32>
  return %p, %r0, %r1, %r2 : tensor<2x12xf32>, tensor<2x12xf32>, tensor<2x12xf32>, tensor<2x12xf32>
}

// -----

// A narrowing consumer fuses into a product accumulating in f32 when its C
// is a fill the narrow type holds: the fill is converted into the
// consumer's output and the epilogue takes the f32 accumulator.
#tw = #tsparse.layout<tile_n = 4>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @narrowing
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : bf16
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : bf16) outs(%[[OUT:.*]] : tensor<2x12xbf16>)
// CHECK: tsparse.matmul %{{.*}}, %{{.*}}, %[[FILL]] epilogue {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[N:.*]] = arith.truncf %[[ACC]] : f32 to bf16
// CHECK-NEXT:   tsparse.yield %[[N]] : bf16
// CHECK-NEXT: } : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #{{.*}}> -> tensor<2x12xbf16>
// CHECK-NOT: linalg.generic
func.func @narrowing(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x12xf32, #tw>,
                     %out: tensor<2x12xbf16>) -> tensor<2x12xbf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x12xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<2x12xf32>) -> tensor<2x12xf32>
  %p = tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #tw> -> tensor<2x12xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<2x12xf32>) outs(%out : tensor<2x12xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %n = arith.truncf %x : f32 to bf16
    linalg.yield %n : bf16
  } -> tensor<2x12xbf16>
  return %r : tensor<2x12xbf16>
}

// -----

// Not fused: a fill bf16 cannot hold, a C that is not a fill, an f16
// accumulator (only f32 accumulates wider than C).
#tw = #tsparse.layout<tile_n = 4>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @narrowing_not_fused
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: epilogue
func.func @narrowing_not_fused(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x12xf32, #tw>,
                               %a16: tensor<2x8xf16>, %b16: !tsparse.matrix<8x12xf16, #tw>,
                               %c: tensor<2x12xf32>, %out: tensor<2x12xbf16>)
    -> (tensor<2x12xbf16>, tensor<2x12xbf16>, tensor<2x12xbf16>) {
  %tenth = arith.constant 0.1 : f32
  %e = tensor.empty() : tensor<2x12xf32>
  %fill = linalg.fill ins(%tenth : f32) outs(%e : tensor<2x12xf32>) -> tensor<2x12xf32>
  %p = tsparse.matmul %a, %b, %fill : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #tw> -> tensor<2x12xf32>
  %r0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<2x12xf32>) outs(%out : tensor<2x12xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %n = arith.truncf %x : f32 to bf16
    linalg.yield %n : bf16
  } -> tensor<2x12xbf16>
  %q = tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #tw> -> tensor<2x12xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%q : tensor<2x12xf32>) outs(%out : tensor<2x12xbf16>) {
  ^bb0(%x: f32, %o: bf16):
    %n = arith.truncf %x : f32 to bf16
    linalg.yield %n : bf16
  } -> tensor<2x12xbf16>
  %zero16 = arith.constant 0.0 : f16
  %e16 = tensor.empty() : tensor<2x12xf16>
  %c16 = linalg.fill ins(%zero16 : f16) outs(%e16 : tensor<2x12xf16>) -> tensor<2x12xf16>
  %s = tsparse.matmul %a16, %b16, %c16 : tensor<2x8xf16>, !tsparse.matrix<8x12xf16, #tw> -> tensor<2x12xf16>
  %r2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<2x12xf16>) outs(%out : tensor<2x12xbf16>) {
  ^bb0(%x: f16, %o: bf16):
    %w = arith.extf %x : f16 to f32
    %n = arith.truncf %w : f32 to bf16
    linalg.yield %n : bf16
  } -> tensor<2x12xbf16>
  return %r0, %r1, %r2 : tensor<2x12xbf16>, tensor<2x12xbf16>, tensor<2x12xbf16>
}

// -----

// Not fused: a consumer storing integers (a quantizing cast).
#tw = #tsparse.layout<tile_n = 4>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @quantizing_not_fused
// CHECK: tsparse.matmul
// CHECK-NOT: epilogue
// CHECK: arith.fptosi
func.func @quantizing_not_fused(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x12xf32, #tw>,
                                %out: tensor<2x12xi8>) -> tensor<2x12xi8> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x12xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<2x12xf32>) -> tensor<2x12xf32>
  %p = tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x12xf32, #tw> -> tensor<2x12xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<2x12xf32>) outs(%out : tensor<2x12xi8>) {
  ^bb0(%x: f32, %o: i8):
    %q = arith.fptosi %x : f32 to i8
    linalg.yield %q : i8
  } -> tensor<2x12xi8>
  return %r : tensor<2x12xi8>
}
