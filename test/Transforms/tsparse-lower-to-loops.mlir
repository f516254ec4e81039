// RUN: tsparse-opt %s --tsparse-lower-to-loops="micro-rows=4 micro-cols=4" --canonicalize --split-input-file --verify-diagnostics | FileCheck %s
// RUN: not tsparse-opt %s --split-input-file --tsparse-lower-to-loops="micro-cols=0" 2>&1 | FileCheck %s --check-prefix=BAD-OPTION

// BAD-OPTION: expected micro-cols to be in [1, 256] but got 0

// A constant matrix gets a static schedule: tile 1 is empty and absent from
// the work list, tile 2 (3 kept units) comes before tile 0 (1 kept unit).
// The row loop runs over tile_ptr[t] .. tile_ptr[t+1] only, reading row_ids;
// the micro-kernel broadcasts A and multiplies it with packed rows of B.
// CHECK-LABEL: func.func @matmul_tw1d_constant_static_schedule
// CHECK-SAME: (%[[A:.*]]: tensor<8x4xf32>, %[[C:.*]]: tensor<8x12xf32>)
// CHECK-DAG: %[[TILE_PTR:.*]] = arith.constant dense<[0, 1, 1, 4]> : tensor<4xi32>
// CHECK-DAG: %[[ROW_IDS:.*]] = arith.constant dense<[2, 0, 1, 3]> : tensor<4xi32>
// CHECK-DAG: %[[ORDER:.*]] = arith.constant dense<[2, 0]> : tensor<2xi32>
// CHECK-DAG: %[[VALUES:.*]] = arith.constant dense<{{.*}}> : tensor<16xf32>
// CHECK: scf.forall (%[[I:.*]]) in (2) shared_outs(%[[OUT:.*]] = %[[C]])
// CHECK:   %[[T:.*]] = tensor.extract %[[ORDER]][%[[I]]]
// CHECK:   %[[TILE:.*]] = arith.index_cast %[[T]]
// CHECK:   %[[P0_I32:.*]] = tensor.extract %[[TILE_PTR]][%[[TILE]]]
// CHECK:   %[[P0:.*]] = arith.index_cast %[[P0_I32]]
// CHECK:   %[[P1_I32:.*]] = tensor.extract %[[TILE_PTR]]
// CHECK:   %[[P1:.*]] = arith.index_cast %[[P1_I32]]
// CHECK:   tensor.extract_slice %[[OUT]]
// CHECK:   scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %c4
// CHECK:     scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %c4
// CHECK:       vector.create_mask
// CHECK:       vector.transfer_read {{.*}} : tensor<8x?xf32>, vector<1x4xf32>
// CHECK:       scf.for %[[P:.*]] = %[[P0]] to %[[P1]] step %c1 iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK:         %[[K_I32:.*]] = tensor.extract %[[ROW_IDS]][%[[P]]]
// CHECK:         %[[K:.*]] = arith.index_cast %[[K_I32]]
// CHECK:         %[[B:.*]] = vector.transfer_read %[[VALUES]]{{.*}} {in_bounds = [true]} : tensor<16xf32>, vector<4xf32>
// CHECK:         %[[AV:.*]] = tensor.extract %[[A]][%[[M]], %[[K]]]
// CHECK:         %[[BC:.*]] = vector.broadcast %[[AV]] : f32 to vector<4xf32>
// CHECK:         vector.fma %[[BC]], %[[B]]
// CHECK-COUNT-3: vector.fma
// CHECK:       vector.transfer_write {{.*}} : vector<1x4xf32>, tensor<8x?xf32>
// CHECK: scf.forall.in_parallel
// CHECK:   tensor.parallel_insert_slice
// CHECK-NOT: tsparse.
func.func @matmul_tw1d_constant_static_schedule(%a: tensor<8x4xf32>, %c: tensor<8x12xf32>) -> tensor<8x12xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<16xf32>
  } : !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c : tensor<8x4xf32>, !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>> -> tensor<8x12xf32>
  return %r : tensor<8x12xf32>
}

// -----

// A fully pruned matrix schedules no work: C is returned unchanged.
// CHECK-LABEL: func.func @matmul_all_pruned
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[C:.*]]: tensor<?x8xf32>)
// CHECK-NOT: vector.fma
// CHECK: return %[[C]]
func.func @matmul_all_pruned(%a: tensor<?x4xf32>, %c: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<0> : tensor<3xi32>,
    row_ids = dense<> : tensor<0xi32>,
    values = dense<> : tensor<0xf32>
  } : !tsparse.matrix<4x8xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x4xf32>, !tsparse.matrix<4x8xf32, #tsparse.layout<tile_n = 4>> -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// TW-2D computes on the kept columns: they are gathered from C by col_ids
// row by row, a vector of columns at a time, and scattered back after the
// tile loops. Its 2-column tiles get 2-lane vectors, and twice the rows.
// CHECK-LABEL: func.func @matmul_tw2d_f16
// CHECK-SAME: (%[[A:.*]]: tensor<?x2xf16>, %[[C:.*]]: tensor<?x6xf32>)
// CHECK-DAG: %[[COL_IDS:.*]] = arith.constant dense<[1, 3, 4]> : tensor<3xi32>
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x3xf32>
// CHECK: %[[GATHERED:.*]] = scf.for %[[ROW:[a-z0-9]+]] = {{.*}} iter_args(%[[G:.*]] = %[[EMPTY]]) -> (tensor<?x3xf32>)
// CHECK:   %[[IDS:.*]] = vector.transfer_read %[[COL_IDS]][%{{.*}}]
// CHECK:   %[[COLS:.*]] = arith.index_cast %[[IDS]] : vector<2xi32> to vector<2xindex>
// CHECK:   %[[V:.*]] = vector.gather %[[C]][%[[ROW]], %c0] [%[[COLS]]]
// CHECK:   %[[VR:.*]] = vector.shape_cast %[[V]]
// CHECK:   vector.transfer_write %[[VR]], %{{.*}}[%[[ROW]], %{{.*}}]
// CHECK: %[[TILES:.*]] = scf.forall {{.*}} shared_outs(%{{.*}} = %[[GATHERED]])
// CHECK:   scf.for {{.*}} -> (vector<2xf32>, vector<2xf32>, vector<2xf32>, vector<2xf32>, vector<2xf32>, vector<2xf32>, vector<2xf32>, vector<2xf32>)
// CHECK:   arith.extf {{.*}} : vector<2xf16> to vector<2xf32>
// CHECK:   arith.extf {{.*}} : f16 to f32
// CHECK: scf.for %[[ROW2:[a-z0-9]+]] = {{.*}} iter_args(%[[OUT:.*]] = %[[C]]) -> (tensor<?x6xf32>)
// CHECK:   %[[IDS2:.*]] = vector.transfer_read %[[COL_IDS]][%{{.*}}]
// CHECK:   %[[COLS2:.*]] = arith.index_cast %[[IDS2]]
// CHECK:   %[[ROWV:.*]] = vector.transfer_read %[[TILES]][%[[ROW2]], %{{.*}}]
// CHECK:   %[[W:.*]] = vector.shape_cast %[[ROWV]]
// CHECK:   vector.scatter %{{.*}}[%[[ROW2]], %c0] [%[[COLS2]]], %{{.*}}, %[[W]]
func.func @matmul_tw2d_f16(%a: tensor<?x2xf16>, %c: tensor<?x6xf32>) -> tensor<?x6xf32> {
  %w = tsparse.constant {
    col_ids = dense<[1, 3, 4]> : tensor<3xi32>,
    tile_ptr = dense<[0, 1, 2]> : tensor<3xi32>,
    row_ids = dense<[0, 1]> : tensor<2xi32>,
    values = dense<1.0> : tensor<3xf16>
  } : !tsparse.matrix<2x6xf16, #tsparse.layout<tile_n = 2, columns = compacted>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x2xf16>, !tsparse.matrix<2x6xf16, #tsparse.layout<tile_n = 2, columns = compacted>> -> tensor<?x6xf32>
  return %r : tensor<?x6xf32>
}

// -----

// Block-wise units: an inner loop over the unit_k rows of each kept unit.
// CHECK-LABEL: func.func @matmul_bw
// CHECK: scf.for %[[P:.*]] = {{.*}} iter_args
// CHECK:   tensor.extract %{{.*}}[%[[P]]] : tensor<2xi32>
// CHECK:   scf.for %{{.*}} = %c0 to %c4 step %c1 iter_args
// CHECK:     vector.fma
func.func @matmul_bw(%a: tensor<4x8xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 2]> : tensor<2xi32>,
    row_ids = dense<[0, 1]> : tensor<2xi32>,
    values = dense<1.0> : tensor<32xf32>
  } : !tsparse.matrix<8x4xf32, #tsparse.layout<tile_n = 4, unit_k = 4>>
  %r = tsparse.matmul %a, %w, %c : tensor<4x8xf32>, !tsparse.matrix<8x4xf32, #tsparse.layout<tile_n = 4, unit_k = 4>> -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// TEW: after the tile loops (a single work item of one 3-row block here, so
// canonicalization drops the forall and the row loops), a loop nest over
// the CSR residual.
// CHECK-LABEL: func.func @matmul_tew
// CHECK-DAG: %[[RPTR:.*]] = arith.constant dense<[0, 1, 1]> : tensor<3xi32>
// CHECK: vector.fma
// CHECK: vector.transfer_write %{{.*}}[%c1, %c0]
// CHECK: %[[TILES:.*]] = vector.transfer_write %{{.*}}[%c2, %c0]
// CHECK-NOT: vector.fma
// CHECK: scf.for %[[K:.*]] = %c0 to %c2 step %c1 iter_args(%{{.*}} = %[[TILES]])
// CHECK:   tensor.extract %[[RPTR]][%[[K]]]
// CHECK:   scf.for
// CHECK:     scf.for
// CHECK:       arith.mulf
// CHECK:       arith.addf
// CHECK:       tensor.insert
func.func @matmul_tew(%a: tensor<3x2xf32>, %c: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1]> : tensor<2xi32>,
    row_ids = dense<[1]> : tensor<1xi32>,
    values = dense<1.0> : tensor<4xf32>,
    residual_ptr = dense<[0, 1, 1]> : tensor<3xi32>,
    residual_cols = dense<[2]> : tensor<1xi32>,
    residual_values = dense<5.0> : tensor<1xf32>
  } : !tsparse.matrix<2x4xf32, #tsparse.layout<tile_n = 4, residual = csr>>
  %r = tsparse.matmul %a, %w, %c : tensor<3x2xf32>, !tsparse.matrix<2x4xf32, #tsparse.layout<tile_n = 4, residual = csr>> -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// -----

// A runtime pack becomes loops that build the arrays, copying each kept row
// segment of a tile as one masked vector; the product reads them and visits
// every tile in order (no static schedule).
// CHECK-LABEL: func.func @matmul_runtime_pack
// CHECK: %[[TILE_PTR:.*]] = memref.alloc() : memref<3xi32>
// CHECK: %[[TILE_PTR_DYN:.*]] = memref.cast %[[TILE_PTR]]
// CHECK: %[[ROW_IDS:.*]] = memref.alloc(%{{.*}}) : memref<?xi32>
// CHECK: %[[VALUES:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: %[[ROW_MASK:.*]] = vector.create_mask %{{.*}}, %[[WIDTH:.*]] : vector<1x4xi1>
// CHECK: %[[SEGMENT:.*]] = vector.transfer_read %{{.*}}, %[[ROW_MASK]] {in_bounds = [true, false]} : tensor<8x6xf32>, vector<1x4xf32>
// CHECK: %[[FLAT:.*]] = vector.shape_cast %[[SEGMENT]]
// CHECK: %[[MASK:.*]] = vector.create_mask %[[WIDTH]] : vector<4xi1>
// CHECK: vector.transfer_write %[[FLAT]], %[[VALUES]][%{{.*}}], %[[MASK]] : vector<4xf32>, memref<?xf32>
// CHECK: %[[TP:.*]] = bufferization.to_tensor %[[TILE_PTR_DYN]] restrict writable
// CHECK: %[[RI:.*]] = bufferization.to_tensor %[[ROW_IDS]] restrict writable
// CHECK: %[[VA:.*]] = bufferization.to_tensor %[[VALUES]] restrict writable
// CHECK: scf.forall (%{{.*}}, %[[I:.*]]) in (%{{.*}}, 2)
// CHECK:   tensor.extract %[[TP]][%[[I]]]
// CHECK:   tensor.extract %[[RI]]
// CHECK:   vector.transfer_read %[[VA]]{{.*}} : tensor<?xf32>, vector<4xf32>
// CHECK-NOT: tsparse.
func.func @matmul_runtime_pack(%a: tensor<?x8xf32>, %w: tensor<8x6xf32>,
                               %m: tensor<8x2xi1>, %c: tensor<?x6xf32>) -> tensor<?x6xf32> {
  %p = tsparse.pack %w, %m : tensor<8x6xf32>, tensor<8x2xi1> -> !tsparse.matrix<8x6xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x8xf32>, !tsparse.matrix<8x6xf32, #tsparse.layout<tile_n = 4>> -> tensor<?x6xf32>
  return %r : tensor<?x6xf32>
}

// -----

// A matrix passed in from outside the function has no storage to lower.
func.func @negative_matrix_argument(%a: tensor<2x8xf32>,
    %b: !tsparse.matrix<8x6xf32, #tsparse.layout<tile_n = 4>>, %c: tensor<2x6xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{cannot be lowered to loops: its packed matrix is not built in this function}}
  %r = tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tsparse.layout<tile_n = 4>> -> tensor<2x6xf32>
  return %r : tensor<2x6xf32>
}

// -----

// Unpacking a constant needs its values.
func.func @negative_unpack_elided_constant() -> tensor<64x64xf32> {
  // expected-error @+1 {{'tsparse.constant' op cannot be lowered to loops: the values of its constant matrix are not available}}
  %b = tsparse.constant {tile_ptr = dense<[0, 1, 2]> : tensor<3xi32>, row_ids = dense<[0, 1]> : tensor<2xi32>, values = dense_resource<__elided__> : tensor<2048xf32>} : !tsparse.matrix<64x64xf32, #tsparse.layout<tile_n = 32, unit_k = 32>>
  %d = tsparse.unpack %b : !tsparse.matrix<64x64xf32, #tsparse.layout<tile_n = 32, unit_k = 32>> -> tensor<64x64xf32>
  return %d : tensor<64x64xf32>
}

// -----

// The epilogue runs on the register rows: after the loop over kept units,
// the bias is read once at the tile's columns, each accumulator row gets it
// and the ReLU as vector ops, then is written once. With an epilogue, the empty
// tile 1 stays in the schedule (last) so that its columns get it too.
// CHECK-LABEL: func.func @matmul_epilogue_in_registers
// CHECK-SAME: (%[[A:.*]]: tensor<8x4xf32>, %[[C:.*]]: tensor<8x12xf32>, %[[BIAS:.*]]: tensor<12xf32>)
// CHECK-DAG: %[[ORDER:.*]] = arith.constant dense<[2, 0, 1]> : tensor<3xi32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK: scf.forall (%{{.*}}) in (3)
// CHECK:   %[[COL0:.*]] = arith.muli %{{.*}}, %c4
// CHECK:   scf.for %[[M:.*]] = %{{.*}} to %{{.*}} step %c4
// CHECK:     scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %c4
// CHECK:       %[[ACC:.*]]:4 = scf.for
// CHECK:         vector.fma
// CHECK:       %[[COL:.*]] = arith.addi %[[COL0]], %[[J]]
// CHECK:       %[[B:.*]] = vector.transfer_read %[[BIAS]][%[[COL]]], %{{.*}}, %{{.*}} : tensor<12xf32>, vector<4xf32>
// CHECK-NOT:   vector.transfer_read %[[BIAS]]
// CHECK:       %[[SUM:.*]] = arith.addf %[[ACC]]#0, %[[B]] : vector<4xf32>
// CHECK:       %[[RELU:.*]] = arith.maximumf %[[SUM]], %[[ZERO]] : vector<4xf32>
// CHECK-NOT:   vector.transfer_read %[[BIAS]]
// CHECK-COUNT-3: arith.maximumf {{.*}} : vector<4xf32>
// CHECK:       %[[ROW:.*]] = vector.shape_cast %[[RELU]] : vector<4xf32> to vector<1x4xf32>
// CHECK:       vector.transfer_write %[[ROW]]
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @matmul_epilogue_in_registers(%a: tensor<8x4xf32>, %c: tensor<8x12xf32>, %bias: tensor<12xf32>) -> tensor<8x12xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<16xf32>
  } : !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c epilogue(%bias : tensor<12xf32>) {
  ^bb0(%acc: f32, %b: f32):
    %zero = arith.constant 0.0 : f32
    %sum = arith.addf %acc, %b : f32
    %relu = arith.maximumf %sum, %zero : f32
    tsparse.yield %relu : f32
  } : tensor<8x4xf32>, !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>> -> tensor<8x12xf32>
  return %r : tensor<8x12xf32>
}

// -----

// A compacted layout applies the epilogue to its kept columns in registers
// (the residual gathered to them like C), then to the dropped columns, a
// vector of them at a time, with gathers and scatters.
// CHECK-LABEL: func.func @matmul_epilogue_compacted
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[C:.*]]: tensor<?x6xf32>, %[[RES:.*]]: tensor<?x6xf32>)
// CHECK: %[[RES_KEPT:.*]] = scf.for {{.*}} -> (tensor<?x3xf32>)
// CHECK:   vector.gather %[[RES]]
// CHECK: scf.forall
// CHECK:   scf.for
// CHECK:     vector.fma
// CHECK:   vector.transfer_read %[[RES_KEPT]]
// CHECK:   arith.addf {{.*}} : vector<4xf32>
// CHECK: %[[DROPPED:.*]]:3 = scf.for {{.*}} -> (index, index, tensor<?xindex>)
// CHECK: scf.for %[[M:[a-z0-9]+]] =
// CHECK:   scf.for %[[J:[a-z0-9]+]] = {{.*}} step %c4
// CHECK:     %[[COLS:.*]] = vector.transfer_read %[[DROPPED]]#2[%[[J]]]
// CHECK:     %[[OLD:.*]] = vector.gather %{{.*}}[%[[M]], %c0] [%[[COLS]]]
// CHECK:     %[[R:.*]] = vector.gather %[[RES]][%[[M]], %c0] [%[[COLS]]]
// CHECK:     %[[NEW:.*]] = arith.addf %[[OLD]], %[[R]] : vector<4xf32>
// CHECK:     vector.scatter %{{.*}}[%[[M]], %c0] [%[[COLS]]], %{{.*}}, %[[NEW]]
func.func @matmul_epilogue_compacted(%a: tensor<?x4xf32>, %c: tensor<?x6xf32>, %res: tensor<?x6xf32>) -> tensor<?x6xf32> {
  %w = tsparse.constant {
    col_ids = dense<[0, 2, 5]> : tensor<3xi32>,
    tile_ptr = dense<[0, 2]> : tensor<2xi32>,
    row_ids = dense<[1, 3]> : tensor<2xi32>,
    values = dense<1.0> : tensor<6xf32>
  } : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4, columns = compacted>>
  %r = tsparse.matmul %a, %w, %c epilogue(%res : tensor<?x6xf32>) {
  ^bb0(%acc: f32, %x: f32):
    %sum = arith.addf %acc, %x : f32
    tsparse.yield %sum : f32
  } : tensor<?x4xf32>, !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4, columns = compacted>> -> tensor<?x6xf32>
  return %r : tensor<?x6xf32>
}

// -----

// Constant values are rearranged in panels of micro-cols columns, each
// panel's rows contiguous: a tile of 16 columns holds columns 0-3 of both
// its rows, then columns 4-7, and so on. The packed rows are then read without a
// mask, at the panel's offset plus one panel row per kept row.
// CHECK-LABEL: func.func @matmul_panels
// CHECK-DAG: %[[VALUES:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 1.600000e+01, 1.700000e+01, 1.800000e+01, 1.900000e+01, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 2.000000e+01, 2.100000e+01, 2.200000e+01, 2.300000e+01, 8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 2.400000e+01, 2.500000e+01, 2.600000e+01, 2.700000e+01, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01, 2.800000e+01, 2.900000e+01, 3.000000e+01, 3.100000e+01]> : tensor<32xf32>
// CHECK: vector.transfer_read %[[VALUES]][%{{.*}}], %{{[^,]*}} {in_bounds = [true]} : tensor<32xf32>, vector<4xf32>
func.func @matmul_panels(%a: tensor<4x2xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 2]> : tensor<2xi32>,
    row_ids = dense<[0, 1]> : tensor<2xi32>,
    values = dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0,
                    16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]> : tensor<32xf32>
  } : !tsparse.matrix<2x16xf32, #tsparse.layout<tile_n = 16>>
  %r = tsparse.matmul %a, %w, %c : tensor<4x2xf32>, !tsparse.matrix<2x16xf32, #tsparse.layout<tile_n = 16>> -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// A C filled with zeros costs no memset: the product writes into an empty
// tensor, every tile (the empty tile 1 too) starting its accumulators from
// the fill value.
// CHECK-LABEL: func.func @matmul_filled_c
// CHECK-DAG: %[[ORDER:.*]] = arith.constant dense<[2, 0, 1]> : tensor<3xi32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x12xf32>
// CHECK: scf.forall (%{{.*}}) in (%{{.*}}, 3) shared_outs(%{{.*}} = %[[EMPTY]])
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]])
// CHECK-NOT: linalg.fill
// CHECK: return
func.func @matmul_filled_c(%a: tensor<?x4xf32>) -> tensor<?x12xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x12xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<?x12xf32>) -> tensor<?x12xf32>
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<16xf32>
  } : !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x4xf32>, !tsparse.matrix<4x12xf32, #tsparse.layout<tile_n = 4>> -> tensor<?x12xf32>
  return %r : tensor<?x12xf32>
}

// -----

// A filled C of a compacted layout is not filled either: each row of the
// fill's tensor (rows in parallel) is written whole, a vector at a time,
// expanded from the kept columns (vector.expandload through the kept-before
// counts of the columns) with the fill value in the dropped ones (1, 3, 4).
// Nothing is scattered.
// CHECK-LABEL: func.func @matmul_filled_c_compacted
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[DEST:.*]] = tensor.empty(%{{.*}}) : tensor<?x6xf32>
// CHECK: %[[KEPT:.*]] = tensor.empty(%{{.*}}) : tensor<?x3xf32>
// CHECK: %[[TILES:.*]] = scf.forall {{.*}} shared_outs(%{{.*}} = %[[KEPT]])
// CHECK: %[[BEFORE:.*]]:2 = scf.for {{.*}} -> (index, tensor<?xindex>)
// CHECK: %[[ROWS:.*]] = bufferization.to_buffer %[[TILES]] read_only
// CHECK: scf.forall (%[[M:.*]]) in ({{.*}}) shared_outs(%{{.*}} = %[[DEST]])
// CHECK:   %[[FIRST:.*]] = tensor.extract %[[BEFORE]]#1[%{{.*}}]
// CHECK:   %[[KEPT_MASK:.*]] = arith.cmpi ult
// CHECK:   vector.expandload %{{.*}}[%[[M]], %[[FIRST]]], %[[KEPT_MASK]], %[[ZERO]]
// CHECK:   vector.transfer_write
// CHECK-NOT: vector.scatter
// CHECK-NOT: linalg.fill
func.func @matmul_filled_c_compacted(%a: tensor<?x4xf32>) -> tensor<?x6xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x6xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<?x6xf32>) -> tensor<?x6xf32>
  %w = tsparse.constant {
    col_ids = dense<[0, 2, 5]> : tensor<3xi32>,
    tile_ptr = dense<[0, 2]> : tensor<2xi32>,
    row_ids = dense<[1, 3]> : tensor<2xi32>,
    values = dense<1.0> : tensor<6xf32>
  } : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4, columns = compacted>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x4xf32>, !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4, columns = compacted>> -> tensor<?x6xf32>
  return %r : tensor<?x6xf32>
}
