// Keeping the activations between two tile-sparse layers feature-major
// (bias + ReLU run on the transposed tensor) computes what the row-major
// program computes: both run through the reference pipeline on the CPU.
//
// RUN: tsparse-opt %s --tsparse-propagate-feature-major -o %t.fm.mlir
// RUN: FileCheck %s --input-file=%t.fm.mlir --check-prefix=CHECK-IR
// RUN: tsparse-opt %s --tsparse-reference-pipeline | \
// RUN:   mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | \
// RUN:   sed 's/base@ = 0x[0-9a-f]*//' > %t.row.out
// RUN: tsparse-opt %t.fm.mlir --tsparse-reference-pipeline | \
// RUN:   mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils | \
// RUN:   sed 's/base@ = 0x[0-9a-f]*//' > %t.fm.out
// RUN: diff %t.row.out %t.fm.out
// RUN: FileCheck %s --input-file=%t.fm.out --check-prefix=CHECK-OUT

// CHECK-IR-LABEL: func.func @ffn
// CHECK-IR: %[[H:.*]] = tsparse.matmul
// CHECK-IR: %[[HT:.*]] = linalg.transpose ins(%[[H]] : tensor<3x16xf32>) outs(%{{.*}} : tensor<16x3xf32>)
// CHECK-IR: %[[ACT:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[BIAS:.*]], #{{.*}}],
// CHECK-IR-SAME: ins(%[[HT]], %{{.*}} : tensor<16x3xf32>, tensor<16xf32>)
// CHECK-IR: %[[A:.*]] = linalg.transpose ins(%[[ACT]] : tensor<16x3xf32>) outs(%{{.*}} : tensor<3x16xf32>)
// CHECK-IR: tsparse.matmul %[[A]]
// CHECK-OUT: sizes = [3, 8]

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#tile = #tsparse.layout<tile_n = 8>

/// An M x N matrix with values (i * 3 + j * 5) % 7 - 3 (times `scale`).
func.func @pattern(%init: tensor<?x?xf32>, %scale: f32) -> tensor<?x?xf32> {
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%init : tensor<?x?xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c3 = arith.constant 3 : index
    %c5 = arith.constant 5 : index
    %c7 = arith.constant 7 : index
    %i3 = arith.muli %i, %c3 : index
    %j5 = arith.muli %j, %c5 : index
    %s = arith.addi %i3, %j5 : index
    %m = arith.remui %s, %c7 : index
    %v = arith.index_cast %m : index to i32
    %f = arith.sitofp %v : i32 to f32
    %three = arith.constant 3.0 : f32
    %d = arith.subf %f, %three : f32
    %y = arith.mulf %d, %scale : f32
    linalg.yield %y : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

func.func @ffn(%x: tensor<3x8xf32>, %w1: tensor<8x16xf32>, %bias: tensor<16xf32>,
               %w2: tensor<16x8xf32>) -> tensor<3x8xf32> {
  %zero = arith.constant 0.0 : f32
  %p1 = tsparse.pack %w1 : tensor<8x16xf32> -> !tsparse.matrix<8x16xf32, #tile>
  %e1 = tensor.empty() : tensor<3x16xf32>
  %c1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<3x16xf32>) -> tensor<3x16xf32>
  %h = tsparse.matmul %x, %p1, %c1 : tensor<3x8xf32>, !tsparse.matrix<8x16xf32, #tile> -> tensor<3x16xf32>
  %ea = tensor.empty() : tensor<3x16xf32>
  %act = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %bias : tensor<3x16xf32>, tensor<16xf32>) outs(%ea : tensor<3x16xf32>) {
  ^bb0(%v: f32, %b: f32, %out: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<3x16xf32>
  %p2 = tsparse.pack %w2 : tensor<16x8xf32> -> !tsparse.matrix<16x8xf32, #tile>
  %e2 = tensor.empty() : tensor<3x8xf32>
  %c2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<3x8xf32>) -> tensor<3x8xf32>
  %y = tsparse.matmul %act, %p2, %c2 : tensor<3x16xf32>, !tsparse.matrix<16x8xf32, #tile> -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %one = arith.constant 1.0 : f32
  %half = arith.constant 0.5 : f32
  %ex = tensor.empty() : tensor<3x8xf32>
  %x0 = tensor.cast %ex : tensor<3x8xf32> to tensor<?x?xf32>
  %x1 = call @pattern(%x0, %one) : (tensor<?x?xf32>, f32) -> tensor<?x?xf32>
  %x = tensor.cast %x1 : tensor<?x?xf32> to tensor<3x8xf32>
  %ew1 = tensor.empty() : tensor<8x16xf32>
  %w10 = tensor.cast %ew1 : tensor<8x16xf32> to tensor<?x?xf32>
  %w11 = call @pattern(%w10, %half) : (tensor<?x?xf32>, f32) -> tensor<?x?xf32>
  %w1 = tensor.cast %w11 : tensor<?x?xf32> to tensor<8x16xf32>
  %ew2 = tensor.empty() : tensor<16x8xf32>
  %w20 = tensor.cast %ew2 : tensor<16x8xf32> to tensor<?x?xf32>
  %w21 = call @pattern(%w20, %one) : (tensor<?x?xf32>, f32) -> tensor<?x?xf32>
  %w2 = tensor.cast %w21 : tensor<?x?xf32> to tensor<16x8xf32>
  // A bias that differs along the features: a wrong index shows.
  %bias = arith.constant dense<[-2.0, 1.0, 0.5, 3.0, -1.0, 2.0, 0.0, 1.5, -0.5, 2.5, -3.0, 1.0, 0.25, -1.5, 2.0, 0.75]> : tensor<16xf32>
  %y = call @ffn(%x, %w1, %bias, %w2) : (tensor<3x8xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<16x8xf32>) -> tensor<3x8xf32>
  %u = tensor.cast %y : tensor<3x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
