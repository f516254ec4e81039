// RUN: tsparse-opt %s --cse --split-input-file | FileCheck %s

// A pack of a tensor has no memory effects: CSE merges two of them.
// CHECK-LABEL: func.func @pack_tensors_merge
// CHECK-COUNT-1: tsparse.pack
// CHECK-NOT: tsparse.pack
func.func @pack_tensors_merge(%w: tensor<32x32xf16>) -> (!tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>, !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>) {
  %a = tsparse.pack %w : tensor<32x32xf16> -> !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>
  %b = tsparse.pack %w : tensor<32x32xf16> -> !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>
  return %a, %b : !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>, !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>
}

// -----

// A pack of a buffer reads it: a write in between keeps both packs.
// CHECK-LABEL: func.func @pack_buffer_across_write
// CHECK: tsparse.pack
// CHECK: memref.store
// CHECK: tsparse.pack
func.func @pack_buffer_across_write(%w: memref<32x32xf16>, %v: f16, %i: index) -> (!tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>, !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>) {
  %a = tsparse.pack %w : memref<32x32xf16> -> !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>
  memref.store %v, %w[%i, %i] : memref<32x32xf16>
  %b = tsparse.pack %w : memref<32x32xf16> -> !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>
  return %a, %b : !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>, !tsparse.matrix<32x32xf16, #tsparse.layout<tile_n = 32>>
}
