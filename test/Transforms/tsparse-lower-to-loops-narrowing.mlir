// RUN: tsparse-opt %s --tsparse-lower-to-loops="micro-rows=2 micro-cols=4 k-chunk=1" --canonicalize --split-input-file | FileCheck %s

// A narrowing epilogue: C's bf16 rows are read and extended, the kept rows
// accumulate in f32 registers in one pass (no chunks, whatever k-chunk
// says: C could not hold f32 partial sums) and each row is narrowed by the
// epilogue before its single store.
// CHECK-LABEL: func.func @narrowing_epilogue
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[C:.*]]: tensor<?x12xbf16>)
// CHECK: scf.forall
// CHECK-NOT: arith.maxsi
// CHECK: %[[ROW:.*]] = vector.transfer_read {{.*}} : tensor<?x?xbf16>, vector<1x4xbf16>
// CHECK: %[[ROW1:.*]] = vector.shape_cast %[[ROW]] : vector<1x4xbf16> to vector<4xbf16>
// CHECK: arith.extf %[[ROW1]] : vector<4xbf16> to vector<4xf32>
// CHECK: scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>)
// CHECK:   vector.fma {{.*}} : vector<4xf32>
// CHECK: arith.truncf {{.*}} : vector<4xf32> to vector<4xbf16>
// CHECK: vector.transfer_write {{.*}} : vector<1x4xbf16>, tensor<?x?xbf16>
func.func @narrowing_epilogue(%a: tensor<?x4xf32>, %c: tensor<?x12xbf16>) -> tensor<?x12xbf16> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<16xf32>
  } : !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c epilogue {
  ^bb0(%acc: f32):
    %n = arith.truncf %acc : f32 to bf16
    tsparse.yield %n : bf16
  } : tensor<?x4xf32>, !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>> -> tensor<?x12xbf16>
  return %r : tensor<?x12xbf16>
}

// -----

// A C filled by a linalg.generic (a generalized linalg.fill) costs no
// memset either: the accumulators start from the extended scalar.
// CHECK-LABEL: func.func @generalized_fill
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x12xbf16>
// CHECK: scf.forall {{.*}} shared_outs(%{{.*}} = %[[EMPTY]])
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]])
// CHECK-NOT: linalg.generic
// CHECK: return
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @generalized_fill(%a: tensor<?x4xf32>) -> tensor<?x12xbf16> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : bf16
  %m = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x12xbf16>
  %c = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<?x12xbf16>) {
  ^bb0(%o: bf16):
    linalg.yield %zero : bf16
  } -> tensor<?x12xbf16>
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<16xf32>
  } : !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c epilogue {
  ^bb0(%acc: f32):
    %n = arith.truncf %acc : f32 to bf16
    tsparse.yield %n : bf16
  } : tensor<?x4xf32>, !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>> -> tensor<?x12xbf16>
  return %r : tensor<?x12xbf16>
}
