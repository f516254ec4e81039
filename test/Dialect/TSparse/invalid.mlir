// RUN: tsparse-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{expected tile_n in [1, 2147483647] but got 4294967295}}
func.func private @layout_negative(!tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = -1>>)

// -----

// expected-error @+1 {{expected tile_n in [1, 2147483647] but got 0}}
func.func private @layout_zero_tile(!tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 0>>)

// -----

// expected-error @+1 {{expected unit_k in [1, 2147483647] but got 0}}
func.func private @layout_zero_unit(!tsparse.matrix<4x4xf32, #tsparse.layout<unit_k = 0>>)

// -----

// expected-error @+2 {{expected one of [original, compacted] for column mode, got: sorted}}
// expected-error @+1 {{failed to parse TSparse_LayoutAttr parameter 'columns'}}
func.func private @layout_bad_columns(!tsparse.matrix<4x4xf32, #tsparse.layout<columns = sorted>>)

// -----

// expected-error @+2 {{expected one of [none, csr] for residual kind, got: coo}}
// expected-error @+1 {{failed to parse TSparse_LayoutAttr parameter 'residual'}}
func.func private @layout_bad_residual(!tsparse.matrix<4x4xf32, #tsparse.layout<residual = coo>>)

// -----

// expected-error @+1 {{duplicate or unknown struct parameter name: tile_n}}
func.func private @layout_duplicate(!tsparse.matrix<4x4xf32, #tsparse.layout<tile_n = 4, tile_n = 8>>)

// -----

// expected-error @+1 {{duplicate or unknown struct parameter name: tile_m}}
func.func private @layout_unknown(!tsparse.matrix<4x4xf32, #tsparse.layout<tile_m = 4>>)

// -----

// expected-error @+1 {{expected a #tsparse.layout attribute but got 4 : i64}}
func.func private @type_not_a_layout(!tsparse.matrix<4x4xf32, 4>)

// -----

// expected-error @+1 {{expected a 2-D shape but got rank 3}}
func.func private @type_rank3(!tsparse.matrix<2x4x4xf32, #tsparse.layout<>>)

// -----

// expected-error @+1 {{expected positive static dimensions but got ?x64}}
func.func private @type_dynamic(!tsparse.matrix<?x64xf32, #tsparse.layout<>>)

// -----

// expected-error @+1 {{expected positive static dimensions but got 0x64}}
func.func private @type_empty(!tsparse.matrix<0x64xf32, #tsparse.layout<>>)

// -----

// expected-error @+1 {{expected f16, bf16 or f32 elements but got 'i32'}}
func.func private @type_int(!tsparse.matrix<4x4xi32, #tsparse.layout<>>)

// -----

// expected-error @+1 {{expected the number of rows to be a multiple of unit_k (32) but got 100}}
func.func private @type_rows_not_units(!tsparse.matrix<100x64xf16, #tsparse.layout<unit_k = 32>>)

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @pack_dense_shape(%w: tensor<8x4xf32>, %m: tensor<8x2xi1>) {
  // expected-error @+1 {{expected dense operand matching 'tensor<8x6xf32>' but got 'tensor<8x4xf32>'}}
  %p = tsparse.pack %w, %m : tensor<8x4xf32>, tensor<8x2xi1> -> !tsparse.matrix<8x6xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @pack_dense_element_type(%w: tensor<8x6xf16>, %m: tensor<8x2xi1>) {
  // expected-error @+1 {{expected dense operand matching 'tensor<8x6xf32>' but got 'tensor<8x6xf16>'}}
  %p = tsparse.pack %w, %m : tensor<8x6xf16>, tensor<8x2xi1> -> !tsparse.matrix<8x6xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @pack_unsupported_element_type(%w: tensor<8x6xi32>, %m: tensor<8x2xi1>) {
  // expected-error @+1 {{operand #0 must be 2D tensor of 16-bit float or bfloat16 type or 32-bit float values or 2D memref of 16-bit float or bfloat16 type or 32-bit float values, but got 'tensor<8x6xi32>'}}
  %p = tsparse.pack %w, %m : tensor<8x6xi32>, tensor<8x2xi1> -> !tsparse.matrix<8x6xf32, #tw>
  return
}

// -----

#bw = #tsparse.layout<tile_n = 4, unit_k = 2>
func.func @pack_unit_mask_shape(%w: tensor<8x6xf32>, %m: tensor<8x2xi1>) {
  // expected-error @+1 {{expected unit mask of type 'tensor<4x2xi1>' but got 'tensor<8x2xi1>'}}
  %p = tsparse.pack %w, %m : tensor<8x6xf32>, tensor<8x2xi1> -> !tsparse.matrix<8x6xf32, #bw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @pack_mask_not_i1(%w: tensor<8x6xf32>, %m: tensor<8x2xi8>) {
  // expected-error @+1 {{operand #1 must be 2D tensor of 1-bit signless integer values or 2D memref of 1-bit signless integer values, but got 'tensor<8x2xi8>'}}
  %p = tsparse.pack %w, %m : tensor<8x6xf32>, tensor<8x2xi8> -> !tsparse.matrix<8x6xf32, #tw>
  return
}

// -----

#tw2d = #tsparse.layout<tile_n = 4, columns = compacted>
func.func @pack_missing_column_mask(%w: tensor<8x6xf32>, %m: tensor<8x2xi1>) {
  // expected-error @+1 {{expected a column mask for layout #tsparse.layout<tile_n = 4, columns = compacted>}}
  %p = tsparse.pack %w, %m : tensor<8x6xf32>, tensor<8x2xi1> -> !tsparse.matrix<8x6xf32, #tw2d>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @pack_unexpected_column_mask(%w: tensor<8x6xf32>, %m: tensor<8x2xi1>, %c: tensor<6xi1>) {
  // expected-error @+1 {{expected no column mask for layout #tsparse.layout<tile_n = 4>, which does not compact columns, but got one}}
  %p = tsparse.pack %w, %m columns %c : tensor<8x6xf32>, tensor<8x2xi1>, tensor<6xi1> -> !tsparse.matrix<8x6xf32, #tw>
  return
}

// -----

#tw2d = #tsparse.layout<tile_n = 4, columns = compacted>
func.func @pack_column_mask_shape(%w: tensor<8x6xf32>, %m: tensor<8x2xi1>, %c: tensor<8xi1>) {
  // expected-error @+1 {{expected column mask of type 'tensor<6xi1>' but got 'tensor<8xi1>'}}
  %p = tsparse.pack %w, %m columns %c : tensor<8x6xf32>, tensor<8x2xi1>, tensor<8xi1> -> !tsparse.matrix<8x6xf32, #tw2d>
  return
}

// -----

// Only reachable in generic form: the custom form cannot spell it.
func.func @pack_column_mask_without_unit_mask(%w: tensor<8x6xf32>, %c: tensor<6xi1>) {
  // expected-error @+1 {{expected a unit mask with a column mask but got none}}
  %p = "tsparse.pack"(%w, %c) <{operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<8x6xf32>, tensor<6xi1>) -> !tsparse.matrix<8x6xf32, #tsparse.layout<tile_n = 4, columns = compacted>>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @unpack_result_type(%p: !tsparse.matrix<8x6xf32, #tw>) {
  // expected-error @+1 {{failed to verify that result is the dense tensor type of the matrix}}
  %d = tsparse.unpack %p : !tsparse.matrix<8x6xf32, #tw> -> tensor<6x8xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_unexpected_col_ids() {
  // expected-error @+1 {{expected col_ids only with a compacted layout but got layout #tsparse.layout<tile_n = 4>}}
  %w = tsparse.constant {col_ids = dense<[0]> : tensor<1xi32>, tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw2d = #tsparse.layout<tile_n = 4, columns = compacted>
func.func @constant_missing_col_ids() {
  // expected-error @+1 {{expected col_ids for compacted layout but got layout #tsparse.layout<tile_n = 4, columns = compacted>}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>} : !tsparse.matrix<2x4xf32, #tw2d>
  return
}

// -----

#tew = #tsparse.layout<tile_n = 4, residual = csr>
func.func @constant_missing_residual() {
  // expected-error @+1 {{expected residual_ptr, residual_cols and residual_values for residual layout but got layout #tsparse.layout<tile_n = 4, residual = csr>}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>, residual_ptr = dense<[0, 0, 0]> : tensor<3xi32>} : !tsparse.matrix<2x4xf32, #tew>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_unexpected_residual() {
  // expected-error @+1 {{expected residual_ptr, residual_cols and residual_values only with a residual layout but got layout #tsparse.layout<tile_n = 4>}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>, residual_cols = dense<> : tensor<0xi32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_index_array_rank() {
  // expected-error @+1 {{expected tile_ptr to be 1-D but got 'tensor<1x2xi32>'}}
  %w = tsparse.constant {tile_ptr = dense<[[0, 0]]> : tensor<1x2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_index_array_type() {
  // expected-error @+1 {{attribute 'row_ids' failed to satisfy constraint: 32-bit signless integer elements attribute}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi64>, values = dense<> : tensor<0xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_values_type() {
  // expected-error @+1 {{expected values of type 'tensor<?xf32>' but got 'tensor<4xf16>'}}
  %w = tsparse.constant {tile_ptr = dense<[0, 1]> : tensor<2xi32>, row_ids = dense<[0]> : tensor<1xi32>, values = dense<1.0> : tensor<4xf16>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_tile_ptr_size() {
  // expected-error @+1 {{expected tile_ptr to have 3 elements but got 2}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>} : !tsparse.matrix<2x6xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_tile_ptr_start() {
  // expected-error @+1 {{expected tile_ptr to start at 0 but got 1}}
  %w = tsparse.constant {tile_ptr = dense<[1, 1]> : tensor<2xi32>, row_ids = dense<[0]> : tensor<1xi32>, values = dense<> : tensor<0xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 2>
func.func @constant_tile_ptr_decreasing() {
  // expected-error @+1 {{expected tile_ptr to be non-decreasing but tile_ptr[2] = 0 < 1}}
  %w = tsparse.constant {tile_ptr = dense<[0, 1, 0]> : tensor<3xi32>, row_ids = dense<[0]> : tensor<1xi32>, values = dense<1.0> : tensor<2xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_tile_ptr_end() {
  // expected-error @+1 {{expected tile_ptr to end at 2 but got 1}}
  %w = tsparse.constant {tile_ptr = dense<[0, 1]> : tensor<2xi32>, row_ids = dense<[0, 1]> : tensor<2xi32>, values = dense<1.0> : tensor<4xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_row_out_of_range() {
  // expected-error @+1 {{expected row_ids[0] in [0, 2) but got 2}}
  %w = tsparse.constant {tile_ptr = dense<[0, 1]> : tensor<2xi32>, row_ids = dense<[2]> : tensor<1xi32>, values = dense<1.0> : tensor<4xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_rows_not_ascending() {
  // expected-error @+1 {{expected row_ids to be strictly ascending in segment 0 but got 1 then 0}}
  %w = tsparse.constant {tile_ptr = dense<[0, 2]> : tensor<2xi32>, row_ids = dense<[1, 0]> : tensor<2xi32>, values = dense<1.0> : tensor<8xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tw2d = #tsparse.layout<tile_n = 4, columns = compacted>
func.func @constant_col_out_of_range() {
  // expected-error @+1 {{expected col_ids[1] in [0, 4) but got 4}}
  %w = tsparse.constant {col_ids = dense<[0, 4]> : tensor<2xi32>, tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>} : !tsparse.matrix<2x4xf32, #tw2d>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @constant_values_count() {
  // expected-error @+1 {{expected 4 values but got 3}}
  %w = tsparse.constant {tile_ptr = dense<[0, 1]> : tensor<2xi32>, row_ids = dense<[0]> : tensor<1xi32>, values = dense<1.0> : tensor<3xf32>} : !tsparse.matrix<2x4xf32, #tw>
  return
}

// -----

#tew = #tsparse.layout<tile_n = 4, residual = csr>
func.func @constant_residual_ptr_size() {
  // expected-error @+1 {{expected residual_ptr to have 3 elements but got 2}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>, residual_ptr = dense<[0, 0]> : tensor<2xi32>, residual_cols = dense<> : tensor<0xi32>, residual_values = dense<> : tensor<0xf32>} : !tsparse.matrix<2x4xf32, #tew>
  return
}

// -----

#tew = #tsparse.layout<tile_n = 4, residual = csr>
func.func @constant_residual_col_out_of_range() {
  // expected-error @+1 {{expected residual_cols[0] in [0, 4) but got 7}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>, residual_ptr = dense<[0, 1, 1]> : tensor<3xi32>, residual_cols = dense<[7]> : tensor<1xi32>, residual_values = dense<1.0> : tensor<1xf32>} : !tsparse.matrix<2x4xf32, #tew>
  return
}

// -----

#tew = #tsparse.layout<tile_n = 4, residual = csr>
func.func @constant_residual_values_count() {
  // expected-error @+1 {{expected 1 residual values but got 2}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>, residual_ptr = dense<[0, 1, 1]> : tensor<3xi32>, residual_cols = dense<[3]> : tensor<1xi32>, residual_values = dense<1.0> : tensor<2xf32>} : !tsparse.matrix<2x4xf32, #tew>
  return
}

// -----

#tew = #tsparse.layout<tile_n = 4, residual = csr>
func.func @constant_residual_values_type() {
  // expected-error @+1 {{expected residual_values of type 'tensor<?xf32>' but got 'tensor<1xbf16>'}}
  %w = tsparse.constant {tile_ptr = dense<[0, 0]> : tensor<2xi32>, row_ids = dense<> : tensor<0xi32>, values = dense<> : tensor<0xf32>, residual_ptr = dense<[0, 1, 1]> : tensor<3xi32>, residual_cols = dense<[3]> : tensor<1xi32>, residual_values = dense<1.0> : tensor<1xbf16>} : !tsparse.matrix<2x4xf32, #tew>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @storage_missing_field(%p: !tsparse.matrix<8x6xf32, #tw>) {
  // expected-error @+1 {{expected a field of layout #tsparse.layout<tile_n = 4> but got col_ids}}
  %0 = tsparse.storage %p[col_ids] : !tsparse.matrix<8x6xf32, #tw> -> tensor<?xi32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @storage_residual_field(%p: !tsparse.matrix<8x6xf32, #tw>) {
  // expected-error @+1 {{expected a field of layout #tsparse.layout<tile_n = 4> but got residual_ptr}}
  %0 = tsparse.storage %p[residual_ptr] : !tsparse.matrix<8x6xf32, #tw> -> tensor<?xi32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @storage_index_type(%p: !tsparse.matrix<8x6xf32, #tw>) {
  // expected-error @+1 {{expected result element type 'i32' for row_ids but got 'f32'}}
  %0 = tsparse.storage %p[row_ids] : !tsparse.matrix<8x6xf32, #tw> -> tensor<?xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @storage_value_type(%p: !tsparse.matrix<8x6xf32, #tw>) {
  // expected-error @+1 {{expected result element type 'f32' for values but got 'f16'}}
  %0 = tsparse.storage %p[values] : !tsparse.matrix<8x6xf32, #tw> -> tensor<?xf16>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @storage_unknown_field(%p: !tsparse.matrix<8x6xf32, #tw>) {
  // expected-error @+1 {{expected one of col_ids, tile_ptr, row_ids, values, residual_ptr, residual_cols, residual_values but got 'indices'}}
  %0 = tsparse.storage %p[indices] : !tsparse.matrix<8x6xf32, #tw> -> tensor<?xi32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @matmul_lhs_element_type(%a: tensor<2x8xf16>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>) {
  // expected-error @+1 {{expected lhs element type 'f32' (the matrix element type) but got 'f16'}}
  %r = tsparse.matmul %a, %b, %c : tensor<2x8xf16>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @matmul_acc_element_type(%a: tensor<2x8xf16>, %b: !tsparse.matrix<8x6xf16, #tw>, %c: tensor<2x6xbf16>) {
  // expected-error @+1 {{expected accumulator element type f32 or 'f16' but got 'bf16'}}
  %r = tsparse.matmul %a, %b, %c : tensor<2x8xf16>, !tsparse.matrix<8x6xf16, #tw> -> tensor<2x6xbf16>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @matmul_lhs_k(%a: tensor<2x6xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>) {
  // expected-error @+1 {{expected lhs K dimension 8 but got 6}}
  %r = tsparse.matmul %a, %b, %c : tensor<2x6xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @matmul_lhs_dynamic_k(%a: tensor<2x?xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>) {
  // expected-error @+1 {{expected lhs K dimension 8 but got ?}}
  %r = tsparse.matmul %a, %b, %c : tensor<2x?xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @matmul_acc_n(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x8xf32>) {
  // expected-error @+1 {{expected accumulator N dimension 6 but got 8}}
  %r = tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x8xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @matmul_acc_m(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<3x6xf32>) {
  // expected-error @+1 {{expected accumulator M dimension 2 (as lhs) but got 3}}
  %r = tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<3x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @matmul_lhs_rank(%a: tensor<8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<3x6xf32>) {
  // expected-error @+1 {{operand #0 must be 2D tensor of 16-bit float or bfloat16 type or 32-bit float values or 2D memref of 16-bit float or bfloat16 type or 32-bit float values, but got 'tensor<8xf32>'}}
  %r = tsparse.matmul %a, %b, %c : tensor<8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<3x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @matmul_mixed_tensor_memref(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: memref<2x6xf32>) {
  // expected-error @+1 {{expected lhs and accumulator to be both tensors or both memrefs but got 'tensor<2x8xf32>' and 'memref<2x6xf32>'}}
  tsparse.matmul %a, %b, %c : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> memref<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @epilogue_operand_shape(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>, %bias: tensor<8xf32>) {
  // expected-error @+1 {{expected epilogue operand #0 to have 6 elements (one per column) or the accumulator's shape but got 'tensor<8xf32>'}}
  %r = tsparse.matmul %a, %b, %c epilogue(%bias : tensor<8xf32>) {
  ^bb0(%acc: f32, %x: f32):
    tsparse.yield %acc : f32
  } : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @epilogue_arguments(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>, %bias: tensor<6xf32>) {
  // expected-error @+1 {{expected 2 epilogue arguments (the accumulator, then one per epilogue operand) but got 1}}
  %r = tsparse.matmul %a, %b, %c epilogue(%bias : tensor<6xf32>) {
  ^bb0(%acc: f32):
    tsparse.yield %acc : f32
  } : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @epilogue_argument_type(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>, %bias: tensor<6xf16>) {
  // expected-error @+1 {{expected epilogue argument #1 of type 'f16' but got 'f32'}}
  %r = tsparse.matmul %a, %b, %c epilogue(%bias : tensor<6xf16>) {
  ^bb0(%acc: f32, %x: f32):
    tsparse.yield %acc : f32
  } : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @epilogue_yield_type(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>) {
  %r = tsparse.matmul %a, %b, %c epilogue {
  ^bb0(%acc: f32):
    %h = arith.truncf %acc : f32 to f16
    // expected-error @+1 {{expected a value of the accumulator's element type 'f32' but got 'f16'}}
    tsparse.yield %h : f16
  } : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

// Only f32 accumulates wider than C.
#tw = #tsparse.layout<tile_n = 4>
func.func @epilogue_accumulator_narrower(%a: tensor<2x8xf16>, %b: !tsparse.matrix<8x6xf16, #tw>, %c: tensor<2x6xf32>) {
  // expected-error @+1 {{expected epilogue argument #0 of the accumulator's element type 'f32' (or f32 over an f16 or bf16 accumulator) but got 'f16'}}
  %r = tsparse.matmul %a, %b, %c epilogue {
  ^bb0(%acc: f16):
    %w = arith.extf %acc : f16 to f32
    tsparse.yield %w : f32
  } : tensor<2x8xf16>, !tsparse.matrix<8x6xf16, #tw> -> tensor<2x6xf32>
  return
}

// -----

// A wider accumulator is still one the inputs allow.
#tw = #tsparse.layout<tile_n = 4>
func.func @epilogue_accumulator_f64(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>) {
  // expected-error @+1 {{expected accumulator element type f32 or 'f32' but got 'f64'}}
  %r = tsparse.matmul %a, %b, %c epilogue {
  ^bb0(%acc: f64):
    %n = arith.truncf %acc : f64 to f32
    tsparse.yield %n : f32
  } : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @epilogue_not_elementwise(%a: tensor<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: tensor<2x6xf32>, %t: tensor<4xf32>) {
  %r = tsparse.matmul %a, %b, %c epilogue {
  ^bb0(%acc: f32):
    %i = arith.constant 0 : index
    // expected-error @+1 {{'tensor.extract' op is not element-wise on scalars: a tsparse.matmul epilogue holds only elementwise-mappable ops and constants}}
    %x = tensor.extract %t[%i] : tensor<4xf32>
    tsparse.yield %x : f32
  } : tensor<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> tensor<2x6xf32>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @epilogue_operand_kind(%a: memref<2x8xf32>, %b: !tsparse.matrix<8x6xf32, #tw>, %c: memref<2x6xf32>, %bias: tensor<6xf32>) {
  // expected-error @+1 {{expected epilogue operand #0 to be a memref like the accumulator but got 'tensor<6xf32>'}}
  tsparse.matmul %a, %b, %c epilogue(%bias : tensor<6xf32>) {
  ^bb0(%acc: f32, %x: f32):
    tsparse.yield %acc : f32
  } : memref<2x8xf32>, !tsparse.matrix<8x6xf32, #tw> -> memref<2x6xf32>
  return
}

// -----

#tw2d = #tsparse.layout<tile_n = 4, columns = compacted>
func.func @assemble_missing_array(%tp: tensor<?xi32>, %ri: tensor<?xi32>, %v: tensor<?xf32>) {
  // expected-error @+1 {{expected 4 arrays for layout #tsparse.layout<tile_n = 4, columns = compacted> but got 3}}
  %m = tsparse.assemble %tp, %ri, %v : tensor<?xi32>, tensor<?xi32>, tensor<?xf32> -> !tsparse.matrix<8x6xf32, #tw2d>
  return
}

// -----

#tw = #tsparse.layout<tile_n = 4>
func.func @assemble_value_type(%tp: tensor<?xi32>, %ri: tensor<?xi32>, %v: tensor<?xf16>) {
  // expected-error @+1 {{expected values of element type 'f32' but got 'f16'}}
  %m = tsparse.assemble %tp, %ri, %v : tensor<?xi32>, tensor<?xi32>, tensor<?xf16> -> !tsparse.matrix<8x6xf32, #tw>
  return
}
