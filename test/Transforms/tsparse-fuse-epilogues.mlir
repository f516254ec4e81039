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
