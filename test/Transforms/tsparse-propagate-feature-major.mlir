// RUN: tsparse-opt %s --tsparse-propagate-feature-major --split-input-file | FileCheck %s

#tile = #tsparse.layout<tile_n = 8>

// A product feeding another directly: the producer's result is transposed
// and the consumer reads the transpose of that.
// CHECK-LABEL: func.func @direct_chain
// CHECK: %[[H:.*]] = tsparse.matmul %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xf32>
// CHECK: %[[HT:.*]] = linalg.transpose ins(%[[H]] : tensor<4x16xf32>) outs(%{{.*}} : tensor<16x4xf32>) permutation = [1, 0]
// CHECK: %[[A:.*]] = linalg.transpose ins(%[[HT]] : tensor<16x4xf32>) outs(%{{.*}} : tensor<4x16xf32>) permutation = [1, 0]
// CHECK: tsparse.matmul %[[A]]
func.func @direct_chain(%x: tensor<4x8xf32>, %w1: tensor<8x16xf32>, %w2: tensor<16x8xf32>,
                        %c1: tensor<4x16xf32>, %c2: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %p1 = tsparse.pack %w1 : tensor<8x16xf32> -> !tsparse.matrix<8x16xf32, #tile>
  %p2 = tsparse.pack %w2 : tensor<16x8xf32> -> !tsparse.matrix<16x8xf32, #tile>
  %h = tsparse.matmul %x, %p1, %c1 : tensor<4x8xf32>, !tsparse.matrix<8x16xf32, #tile> -> tensor<4x16xf32>
  %y = tsparse.matmul %h, %p2, %c2 : tensor<4x16xf32>, !tsparse.matrix<16x8xf32, #tile> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

#tile = #tsparse.layout<tile_n = 8>

// The activations have another use: the chain is left alone.
// CHECK-LABEL: func.func @negative_activations_used_twice
// CHECK-NOT: linalg.transpose
func.func @negative_activations_used_twice(%x: tensor<4x8xf32>, %w1: tensor<8x16xf32>, %w2: tensor<16x8xf32>,
                                           %c1: tensor<4x16xf32>, %c2: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x16xf32>) {
  %p1 = tsparse.pack %w1 : tensor<8x16xf32> -> !tsparse.matrix<8x16xf32, #tile>
  %p2 = tsparse.pack %w2 : tensor<16x8xf32> -> !tsparse.matrix<16x8xf32, #tile>
  %h = tsparse.matmul %x, %p1, %c1 : tensor<4x8xf32>, !tsparse.matrix<8x16xf32, #tile> -> tensor<4x16xf32>
  %y = tsparse.matmul %h, %p2, %c2 : tensor<4x16xf32>, !tsparse.matrix<16x8xf32, #tile> -> tensor<4x8xf32>
  return %y, %h : tensor<4x8xf32>, tensor<4x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#tile = #tsparse.layout<tile_n = 8>

// A generic that reads the loop indices would change meaning with its loops
// swapped: the chain is left alone.
// CHECK-LABEL: func.func @negative_generic_reads_index
// CHECK-NOT: linalg.transpose
func.func @negative_generic_reads_index(%x: tensor<4x8xf32>, %w1: tensor<8x16xf32>, %w2: tensor<16x8xf32>,
                                        %c1: tensor<4x16xf32>, %c2: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %p1 = tsparse.pack %w1 : tensor<8x16xf32> -> !tsparse.matrix<8x16xf32, #tile>
  %p2 = tsparse.pack %w2 : tensor<16x8xf32> -> !tsparse.matrix<16x8xf32, #tile>
  %h = tsparse.matmul %x, %p1, %c1 : tensor<4x8xf32>, !tsparse.matrix<8x16xf32, #tile> -> tensor<4x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %r = arith.addf %in, %f : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  %y = tsparse.matmul %g, %p2, %c2 : tensor<4x16xf32>, !tsparse.matrix<16x8xf32, #tile> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
