// RUN: tsparse-opt %s | tsparse-opt | FileCheck %s
// RUN: tsparse-opt %s --mlir-print-op-generic | tsparse-opt | FileCheck %s

// Defaults are omitted when printed, except tile_n.
// CHECK-DAG: #[[$TW1D:.*]] = #tsparse.layout<>
// CHECK-DAG: #[[$TW2D:.*]] = #tsparse.layout<tile_n = 64, columns = compacted>
// CHECK-DAG: #[[$BW:.*]] = #tsparse.layout<tile_n = 64, unit_k = 32>
// CHECK-DAG: #[[$TEW:.*]] = #tsparse.layout<tile_n = 8, residual = csr>
// CHECK-DAG: #[[$SMALL:.*]] = #tsparse.layout<tile_n = 4>
// CHECK-DAG: #[[$SMALL2D:.*]] = #tsparse.layout<tile_n = 2, columns = compacted>
#tw1d = #tsparse.layout<>
#tw1d_explicit = #tsparse.layout<tile_n = 128, unit_k = 1, columns = original, residual = none>
#tw2d = #tsparse.layout<columns = compacted, tile_n = 64>
#bw = #tsparse.layout<tile_n = 64, unit_k = 32>
#tew = #tsparse.layout<tile_n = 8, residual = csr>
#small = #tsparse.layout<tile_n = 4>
#small2d = #tsparse.layout<tile_n = 2, columns = compacted>
#small_tew = #tsparse.layout<tile_n = 4, unit_k = 2, residual = csr>

// CHECK-LABEL: func.func @layouts_in_types
// CHECK-SAME: !tsparse.matrix<768x3072xf16, #[[$TW1D]]>
// CHECK-SAME: !tsparse.matrix<768x3072xbf16, #[[$TW1D]]>
// CHECK-SAME: !tsparse.matrix<256x100xf32, #[[$TW2D]]>
// CHECK-SAME: !tsparse.matrix<256x512xf16, #[[$BW]]>
// CHECK-SAME: !tsparse.matrix<16x20xf32, #[[$TEW]]>
func.func @layouts_in_types(
    %a: !tsparse.matrix<768x3072xf16, #tw1d>,
    %b: !tsparse.matrix<768x3072xbf16, #tw1d_explicit>,
    %c: !tsparse.matrix<256x100xf32, #tw2d>,
    %d: !tsparse.matrix<256x512xf16, #bw>,
    %e: !tsparse.matrix<16x20xf32, #tew>) {
  return
}

// CHECK-LABEL: func.func @pack_unpack_tw1d
// CHECK: %[[P:.*]] = tsparse.pack %{{.*}}, %{{.*}} : tensor<256x200xf16>, tensor<256x2xi1> -> !tsparse.matrix<256x200xf16, #[[$TW1D]]>
// CHECK: tsparse.unpack %[[P]] : !tsparse.matrix<256x200xf16, #[[$TW1D]]> -> tensor<256x200xf16>
func.func @pack_unpack_tw1d(%w: tensor<256x200xf16>, %m: tensor<256x2xi1>)
    -> tensor<256x200xf16> {
  %p = tsparse.pack %w, %m : tensor<256x200xf16>, tensor<256x2xi1>
      -> !tsparse.matrix<256x200xf16, #tw1d>
  %d = tsparse.unpack %p : !tsparse.matrix<256x200xf16, #tw1d>
      -> tensor<256x200xf16>
  return %d : tensor<256x200xf16>
}

// A compacted layout takes the column mask.
// CHECK-LABEL: func.func @pack_tw2d
// CHECK: tsparse.pack %{{.*}}, %{{.*}} columns %{{.*}} : tensor<256x100xf32>, tensor<256x2xi1>, tensor<100xi1> -> !tsparse.matrix<256x100xf32, #[[$TW2D]]>
func.func @pack_tw2d(%w: tensor<256x100xf32>, %m: tensor<256x2xi1>,
                     %cols: tensor<100xi1>)
    -> !tsparse.matrix<256x100xf32, #tw2d> {
  %p = tsparse.pack %w, %m columns %cols
      : tensor<256x100xf32>, tensor<256x2xi1>, tensor<100xi1>
      -> !tsparse.matrix<256x100xf32, #tw2d>
  return %p : !tsparse.matrix<256x100xf32, #tw2d>
}

// Without masks, the masks follow the zeros of the dense operand.
// CHECK-LABEL: func.func @pack_from_zeros
// CHECK: tsparse.pack %{{.*}} : tensor<256x100xf32> -> !tsparse.matrix<256x100xf32, #[[$TW2D]]>
func.func @pack_from_zeros(%w: tensor<256x100xf32>)
    -> !tsparse.matrix<256x100xf32, #tw2d> {
  %p = tsparse.pack %w : tensor<256x100xf32>
      -> !tsparse.matrix<256x100xf32, #tw2d>
  return %p : !tsparse.matrix<256x100xf32, #tw2d>
}

// Block-wise units: the unit mask has K / unit_k rows.
// CHECK-LABEL: func.func @pack_bw
// CHECK: tsparse.pack %{{.*}}, %{{.*}} : tensor<256x512xf16>, tensor<8x8xi1> -> !tsparse.matrix<256x512xf16, #[[$BW]]>
func.func @pack_bw(%w: tensor<256x512xf16>, %m: tensor<8x8xi1>)
    -> !tsparse.matrix<256x512xf16, #bw> {
  %p = tsparse.pack %w, %m : tensor<256x512xf16>, tensor<8x8xi1>
      -> !tsparse.matrix<256x512xf16, #bw>
  return %p : !tsparse.matrix<256x512xf16, #bw>
}

// The last tile of a 4x6 matrix with 4-wide tiles is 2 columns wide:
// 1 * 4 + 2 * 2 = 8 values.
// CHECK-LABEL: func.func @constant_tw1d_partial_tile
// CHECK: tsparse.constant {row_ids = dense<[1, 0, 3]> : tensor<3xi32>, tile_ptr = dense<[0, 1, 3]> : tensor<3xi32>, values = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]> : tensor<8xf32>} : !tsparse.matrix<4x6xf32, #[[$SMALL]]>
func.func @constant_tw1d_partial_tile() -> !tsparse.matrix<4x6xf32, #small> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 3]> : tensor<3xi32>,
    row_ids = dense<[1, 0, 3]> : tensor<3xi32>,
    values = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  } : !tsparse.matrix<4x6xf32, #small>
  return %w : !tsparse.matrix<4x6xf32, #small>
}

// Three of five columns survive: two tiles of 2 and 1 kept columns.
// CHECK-LABEL: func.func @constant_tw2d
// CHECK: tsparse.constant {col_ids = dense<[0, 2, 4]> : tensor<3xi32>, row_ids = dense<[0, 2, 1]> : tensor<3xi32>
func.func @constant_tw2d() -> !tsparse.matrix<3x5xf16, #small2d> {
  %w = tsparse.constant {
    col_ids = dense<[0, 2, 4]> : tensor<3xi32>,
    tile_ptr = dense<[0, 2, 3]> : tensor<3xi32>,
    row_ids = dense<[0, 2, 1]> : tensor<3xi32>,
    values = dense<[1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<5xf16>
  } : !tsparse.matrix<3x5xf16, #small2d>
  return %w : !tsparse.matrix<3x5xf16, #small2d>
}

// Values may live in a resource blob (as torch-mlir emits weights).
// CHECK-LABEL: func.func @constant_dense_resource
// CHECK: values = dense_resource<packed_values> : tensor<4xf32>
func.func @constant_dense_resource() -> !tsparse.matrix<2x4xf32, #small> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1]> : tensor<2xi32>,
    row_ids = dense<[1]> : tensor<1xi32>,
    values = dense_resource<packed_values> : tensor<4xf32>
  } : !tsparse.matrix<2x4xf32, #small>
  return %w : !tsparse.matrix<2x4xf32, #small>
}

// A fully pruned matrix stores no values.
// CHECK-LABEL: func.func @constant_empty
// CHECK: values = dense<> : tensor<0xbf16>
func.func @constant_empty() -> !tsparse.matrix<2x4xbf16, #small> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 0]> : tensor<2xi32>,
    row_ids = dense<> : tensor<0xi32>,
    values = dense<> : tensor<0xbf16>
  } : !tsparse.matrix<2x4xbf16, #small>
  return %w : !tsparse.matrix<2x4xbf16, #small>
}

// TEW: unit (0, tile 0) plus a residual element at (3, 1).
// CHECK-LABEL: func.func @constant_tew
// CHECK: residual_cols = dense<1> : tensor<1xi32>, residual_ptr = dense<[0, 0, 0, 0, 1]> : tensor<5xi32>, residual_values = dense<9.000000e+00> : tensor<1xf32>
func.func @constant_tew() -> !tsparse.matrix<4x4xf32, #small_tew> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1]> : tensor<2xi32>,
    row_ids = dense<[0]> : tensor<1xi32>,
    values = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>,
    residual_ptr = dense<[0, 0, 0, 0, 1]> : tensor<5xi32>,
    residual_cols = dense<[1]> : tensor<1xi32>,
    residual_values = dense<[9.0]> : tensor<1xf32>
  } : !tsparse.matrix<4x4xf32, #small_tew>
  return %w : !tsparse.matrix<4x4xf32, #small_tew>
}

// Storage arrays computed at run time become a matrix again.
// CHECK-LABEL: func.func @assemble
// CHECK: tsparse.assemble %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?xi32>, tensor<?xi32>, tensor<?xi32>, tensor<?xf32> -> !tsparse.matrix<256x100xf32, #[[$TW2D]]>
func.func @assemble(%ci: tensor<?xi32>, %tp: tensor<?xi32>, %ri: tensor<?xi32>, %v: tensor<?xf32>) -> !tsparse.matrix<256x100xf32, #tw2d> {
  %m = tsparse.assemble %ci, %tp, %ri, %v : tensor<?xi32>, tensor<?xi32>, tensor<?xi32>, tensor<?xf32> -> !tsparse.matrix<256x100xf32, #tw2d>
  return %m : !tsparse.matrix<256x100xf32, #tw2d>
}

// CHECK-LABEL: func.func @storage_fields
// CHECK: tsparse.storage %{{.*}}[col_ids] : !tsparse.matrix<256x100xf32, #[[$TW2D]]> -> tensor<?xi32>
// CHECK: tsparse.storage %{{.*}}[tile_ptr] : {{.*}} -> tensor<?xi32>
// CHECK: tsparse.storage %{{.*}}[row_ids] : {{.*}} -> tensor<?xi32>
// CHECK: tsparse.storage %{{.*}}[values] : {{.*}} -> tensor<?xf32>
// CHECK: tsparse.storage %{{.*}}[residual_ptr] : !tsparse.matrix<16x20xf32, #[[$TEW]]> -> tensor<17xi32>
// CHECK: tsparse.storage %{{.*}}[residual_cols] : {{.*}} -> tensor<?xi32>
// CHECK: tsparse.storage %{{.*}}[residual_values] : {{.*}} -> tensor<?xf32>
func.func @storage_fields(%m: !tsparse.matrix<256x100xf32, #tw2d>,
                          %r: !tsparse.matrix<16x20xf32, #tew>) {
  %0 = tsparse.storage %m[col_ids] : !tsparse.matrix<256x100xf32, #tw2d> -> tensor<?xi32>
  %1 = tsparse.storage %m[tile_ptr] : !tsparse.matrix<256x100xf32, #tw2d> -> tensor<?xi32>
  %2 = tsparse.storage %m[row_ids] : !tsparse.matrix<256x100xf32, #tw2d> -> tensor<?xi32>
  %3 = tsparse.storage %m[values] : !tsparse.matrix<256x100xf32, #tw2d> -> tensor<?xf32>
  %4 = tsparse.storage %r[residual_ptr] : !tsparse.matrix<16x20xf32, #tew> -> tensor<17xi32>
  %5 = tsparse.storage %r[residual_cols] : !tsparse.matrix<16x20xf32, #tew> -> tensor<?xi32>
  %6 = tsparse.storage %r[residual_values] : !tsparse.matrix<16x20xf32, #tew> -> tensor<?xf32>
  return
}

// Dynamic M; f16 inputs accumulate into f32.
// CHECK-LABEL: func.func @matmul_tw1d_f16_dynamic_m
// CHECK: tsparse.matmul %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x768xf16>, !tsparse.matrix<768x3072xf16, #[[$TW1D]]> -> tensor<?x3072xf32>
func.func @matmul_tw1d_f16_dynamic_m(
    %a: tensor<?x768xf16>, %b: !tsparse.matrix<768x3072xf16, #tw1d>,
    %c: tensor<?x3072xf32>) -> tensor<?x3072xf32> {
  %r = tsparse.matmul %a, %b, %c
      : tensor<?x768xf16>, !tsparse.matrix<768x3072xf16, #tw1d>
      -> tensor<?x3072xf32>
  return %r : tensor<?x3072xf32>
}

// The accumulator may also have the input element type.
// CHECK-LABEL: func.func @matmul_bw_bf16_acc_bf16
// CHECK: tsparse.matmul {{.*}} -> tensor<16x512xbf16>
func.func @matmul_bw_bf16_acc_bf16(
    %a: tensor<16x256xbf16>, %b: !tsparse.matrix<256x512xbf16, #bw>,
    %c: tensor<16x512xbf16>) -> tensor<16x512xbf16> {
  %r = tsparse.matmul %a, %b, %c
      : tensor<16x256xbf16>, !tsparse.matrix<256x512xbf16, #bw>
      -> tensor<16x512xbf16>
  return %r : tensor<16x512xbf16>
}

// Epilogues: bias broadcast along M, a residual of C's shape, captured and
// local constants; one without operands.
// CHECK-LABEL: func.func @matmul_epilogue
// CHECK: tsparse.matmul %{{.*}}, %{{.*}}, %{{.*}} epilogue(%{{.*}}, %{{.*}} : tensor<64xf32>, tensor<?x64xf32>) {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32, %[[BIAS:.*]]: f32, %[[RES:.*]]: f32):
// CHECK-NEXT:   %[[SUM:.*]] = arith.addf %[[ACC]], %[[BIAS]] : f32
// CHECK-NEXT:   %[[MAX:.*]] = arith.maximumf %[[SUM]], %{{.*}} : f32
// CHECK-NEXT:   %[[OUT:.*]] = arith.addf %[[MAX]], %[[RES]] : f32
// CHECK-NEXT:   tsparse.yield %[[OUT]] : f32
// CHECK-NEXT: } : tensor<?x32xf32>, !tsparse.matrix<32x64xf32, #[[$TW1D]]> -> tensor<?x64xf32>
// CHECK: tsparse.matmul %{{.*}}, %{{.*}}, %{{.*}} epilogue {
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32):
// CHECK-NEXT:   %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT:   %[[Y:.*]] = arith.mulf %[[X]], %[[HALF]] : f32
// CHECK-NEXT:   tsparse.yield %[[Y]] : f32
// CHECK-NEXT: } : tensor<?x32xf32>
func.func @matmul_epilogue(
    %a: tensor<?x32xf32>, %b: !tsparse.matrix<32x64xf32, #tw1d>,
    %c: tensor<?x64xf32>, %bias: tensor<64xf32>, %res: tensor<?x64xf32>)
    -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %r = tsparse.matmul %a, %b, %c epilogue(%bias, %res : tensor<64xf32>, tensor<?x64xf32>) {
  ^bb0(%acc: f32, %bias_n: f32, %res_mn: f32):
    %sum = arith.addf %acc, %bias_n : f32
    %max = arith.maximumf %sum, %zero : f32
    %out = arith.addf %max, %res_mn : f32
    tsparse.yield %out : f32
  } : tensor<?x32xf32>, !tsparse.matrix<32x64xf32, #tw1d> -> tensor<?x64xf32>
  %h = tsparse.matmul %a, %b, %c epilogue {
  ^bb0(%x: f32):
    %half = arith.constant 0.5 : f32
    %y = arith.mulf %x, %half : f32
    tsparse.yield %y : f32
  } : tensor<?x32xf32>, !tsparse.matrix<32x64xf32, #tw1d> -> tensor<?x64xf32>
  return %r, %h : tensor<?x64xf32>, tensor<?x64xf32>
}

// An epilogue accumulating in f32 over a bf16 C narrows in its body.
// CHECK-LABEL: func.func @matmul_epilogue_narrowing
// CHECK: tsparse.matmul %{{.*}}, %{{.*}}, %{{.*}} epilogue {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[N:.*]] = arith.truncf %[[ACC]] : f32 to bf16
// CHECK-NEXT:   tsparse.yield %[[N]] : bf16
// CHECK-NEXT: } : tensor<?x32xbf16>, !tsparse.matrix<32x64xbf16, #[[$TW1D]]> -> tensor<?x64xbf16>
func.func @matmul_epilogue_narrowing(
    %a: tensor<?x32xbf16>, %b: !tsparse.matrix<32x64xbf16, #tw1d>,
    %c: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %r = tsparse.matmul %a, %b, %c epilogue {
  ^bb0(%acc: f32):
    %n = arith.truncf %acc : f32 to bf16
    tsparse.yield %n : bf16
  } : tensor<?x32xbf16>, !tsparse.matrix<32x64xbf16, #tw1d> -> tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// After bufferization: packing reads buffers, the product updates C in place.
// CHECK-LABEL: func.func @buffers
// CHECK: %[[P:.*]] = tsparse.pack %{{.*}}, %{{.*}} : memref<256x200xf16>, memref<256x2xi1> -> !tsparse.matrix<256x200xf16, #[[$TW1D]]>
// CHECK: tsparse.matmul %{{.*}}, %[[P]], %{{.*}} : memref<?x256xf16>, !tsparse.matrix<256x200xf16, #[[$TW1D]]> -> memref<?x200xf32>
func.func @buffers(%w: memref<256x200xf16>, %m: memref<256x2xi1>,
                   %a: memref<?x256xf16>, %c: memref<?x200xf32>) {
  %p = tsparse.pack %w, %m : memref<256x200xf16>, memref<256x2xi1>
      -> !tsparse.matrix<256x200xf16, #tw1d>
  tsparse.matmul %a, %p, %c
      : memref<?x256xf16>, !tsparse.matrix<256x200xf16, #tw1d> -> memref<?x200xf32>
  return
}

{-#
  dialect_resources: {
    builtin: {
      packed_values: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
