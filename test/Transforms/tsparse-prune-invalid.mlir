// Every error leaves the IR unchanged: the pass checks all weights and
// options before it rewrites anything.
//
// Errors about weights are reported on the first matmul that reads them: a
// weight constant is often one source line of megabytes.
//
// RUN: tsparse-opt %s -split-input-file -verify-diagnostics \
// RUN:   --tsparse-prune="pattern=bw unit-k=16 tile-n=8"
//
// Bad options are reported on the module.
// RUN: not tsparse-opt %s --tsparse-prune="sparsity=1.5" 2>&1 | FileCheck %s --check-prefix=SPARSITY
// RUN: not tsparse-opt %s --tsparse-prune="sparsity=-0.1" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not tsparse-opt %s --tsparse-prune="tile-n=0" 2>&1 | FileCheck %s --check-prefix=TILE0
// RUN: not tsparse-opt %s --tsparse-prune="tile-n=12" 2>&1 | FileCheck %s --check-prefix=TILE12
// RUN: not tsparse-opt %s --tsparse-prune="pattern=bw unit-k=0" 2>&1 | FileCheck %s --check-prefix=UNITK
// RUN: not tsparse-opt %s --tsparse-prune="pattern=tew sparsity=0.9 delta=0.2" 2>&1 | FileCheck %s --check-prefix=DELTA
// RUN: not tsparse-opt %s --tsparse-prune="pattern=nm" 2>&1 | FileCheck %s --check-prefix=PATTERN
// SPARSITY: error: expected sparsity in [0, 1) but got 1.5
// NEGATIVE: error: expected sparsity in [0, 1) but got -0.1
// TILE0: error: expected tile-n to be a positive multiple of 8 but got 0
// TILE12: error: expected tile-n to be a positive multiple of 8 but got 12
// UNITK: error: expected unit-k to be positive but got 0
// DELTA: error: expected delta in [0, 1 - sparsity] but got 0.2
// PATTERN: expected one of 'tw2d', 'tw1d', 'bw', 'tew', 'ew', 'vw' but got 'nm'

// Only f32, f16 and bf16 weights can be pruned.
func.func @f64_weights(%x: tensor<2x16xf64>, %acc: tensor<2x8xf64>) -> tensor<2x8xf64> {
  // expected-error@+2 {{expected f32, f16 or bf16 weights but got 'f64'}}
  %w = arith.constant dense<1.0> : tensor<16x8xf64>
  %r = linalg.matmul ins(%x, %w : tensor<2x16xf64>, tensor<16x8xf64>) outs(%acc : tensor<2x8xf64>) -> tensor<2x8xf64>
  return %r : tensor<2x8xf64>
}

// -----

// An elided resource has no values to rank.
func.func @elided_weights(%x: tensor<2x16xbf16>, %acc: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error@+2 {{expected weights with available data but got an elided resource}}
  %w = arith.constant dense_resource<__elided__> : tensor<16x8xbf16>
  %r = linalg.matmul ins(%x, %w : tensor<2x16xbf16>, tensor<16x8xbf16>) outs(%acc : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// Blocks of unit-k rows must tile K (here through a transpose: K = 24).
func.func @bw_partial_block(%x: tensor<2x24xf32>, %acc: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error@+4 {{expected the K dimension of the weights to be a multiple of unit-k (16) but got 24}}
  %w = arith.constant dense<1.0> : tensor<8x24xf32>
  %init = tensor.empty() : tensor<24x8xf32>
  %wt = linalg.transpose ins(%w : tensor<8x24xf32>) outs(%init : tensor<24x8xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%x, %wt : tensor<2x24xf32>, tensor<24x8xf32>) outs(%acc : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// A square constant read as [K, N] by one matmul and as [N, K] by another
// has no single K axis to prune along.
func.func @weights_read_in_both_orders(%x: tensor<2x16xf32>, %acc: tensor<2x16xf32>) -> (tensor<2x16xf32>, tensor<2x16xf32>) {
  // expected-error@+3 {{expected every matmul to read these weights as [K, N] but got [N, K]}}
  %w = arith.constant dense<1.0> : tensor<16x16xf32>
  %r1 = linalg.matmul ins(%x, %w : tensor<2x16xf32>, tensor<16x16xf32>) outs(%acc : tensor<2x16xf32>) -> tensor<2x16xf32>
  %r2 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                       affine_map<(m, n, k) -> (n, k)>,
                                       affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<2x16xf32>, tensor<16x16xf32>) outs(%acc : tensor<2x16xf32>) -> tensor<2x16xf32>
  return %r1, %r2 : tensor<2x16xf32>, tensor<2x16xf32>
}

// -----

// Masks and packed storage index elements with 32-bit integers.
func.func @huge_weights(%x: tensor<4x65536xf16>, %acc: tensor<4x65536xf32>) -> tensor<4x65536xf32> {
  // expected-error @+2 {{expected at most 2^31 - 1 weights but got 4294967296}}
  %w = arith.constant dense<1.0> : tensor<65536x65536xf16>
  %r = linalg.matmul ins(%x, %w : tensor<4x65536xf16>, tensor<65536x65536xf16>) outs(%acc : tensor<4x65536xf32>) -> tensor<4x65536xf32>
  return %r : tensor<4x65536xf32>
}
