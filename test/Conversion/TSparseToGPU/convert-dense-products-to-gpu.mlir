// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync" --canonicalize --split-input-file | FileCheck %s
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=wmma" --canonicalize --split-input-file | FileCheck %s --check-prefix=WMMA

// Attention's QK^T for 12 heads: one launch of the kernel reading B in
// place. A and C stack the heads along M (1536 rows), B is one flat array,
// and the 12 x 1 (M tile, column tile) blocks take M = 128 per head after
// the usual arguments. row_ids, tile_ptr and col_ids share one dummy. The
// zero C is only allocated: the kernel (`_z`) writes all of it.
// CHECK-LABEL: func.func @attention_scores
// CHECK-NOT: linalg.fill
// CHECK-DAG: %[[A:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<12x128x64xf16> into tensor<1536x64xf16>
// CHECK-DAG: %[[B:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<12x64x128xf16> into tensor<98304xf16>
// CHECK: %[[DUMMY:.*]] = gpu.alloc  (%c1) : memref<?xi32>
// CHECK: gpu.launch_func  @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_dense_z_m128_s3 blocks in (%c12, %c1, %c1) threads in (%c128, %c1, %c1)  args(%{{.*}} : memref<?x?xf16>, %{{.*}} : memref<?xf16>, %[[DUMMY]] : memref<?xi32>, %[[DUMMY]] : memref<?xi32>, %[[DUMMY]] : memref<?xi32>, %{{.*}} : memref<?xi32>, %{{.*}} : memref<?xi32>, %{{.*}} : memref<?x?xf32>, %c128 : index, %c12 : index, %c2147483647 : index, %c128 : index)
// CHECK: %[[RESULT:.*]] = bufferization.to_tensor %{{.*}} : memref<1536x128xf32> to tensor<1536x128xf32>
// CHECK: %[[EXPANDED:.*]] = tensor.expand_shape %[[RESULT]] {{\[\[}}0, 1], [2]] output_shape [12, 128, 128]
// CHECK: return %[[EXPANDED]]
//
// The kernel reads neither row_ids nor tile_ptr (arguments 2 and 3): its
// work item is the column tile of the list and the M tile of a batch.
// CHECK: gpu.func @tsparse_mma_sync_f16_g128_u1_dense_z_m128_s3(%[[KA:.*]]: memref<?x?xf16> {llvm.noalias, llvm.readonly}, %[[KB:.*]]: memref<?xf16> {llvm.noalias, llvm.readonly}, %[[ROWIDS:.*]]: memref<?xi32> {llvm.noalias, llvm.readonly}, %[[TILEPTR:.*]]: memref<?xi32> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?xi32> {llvm.noalias, llvm.readonly}, %[[TILES:.*]]: memref<?xi32> {llvm.noalias, llvm.readonly}, %[[ROWS:.*]]: memref<?xi32> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?x?xf32>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[BATCHROWS:.*]]: index)
// CHECK-NOT: memref.load %[[ROWIDS]]
// CHECK-NOT: memref.load %[[TILEPTR]]
// CHECK: memref.load %[[TILES]]
// CHECK-NOT: memref.load %[[ROWIDS]]
// CHECK-NOT: memref.load %[[TILEPTR]]
// CHECK: nvgpu.device_async_copy %[[KB]]
// CHECK-NOT: memref.load %[[ROWIDS]]
// CHECK-NOT: memref.load %[[TILEPTR]]
// CHECK: gpu.return
// WMMA-LABEL: func.func @attention_scores
// WMMA: gpu.launch_func  @tsparse_kernels::@tsparse_wmma_f16_g128_u1_dense_z_m64 blocks in (%c24, %c1, %c1) threads in (%c128, %c1, %c1)
func.func @attention_scores(%q: tensor<12x128x64xf16>, %kt: tensor<12x64x128xf16>) -> tensor<12x128x128xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<12x128x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<12x128x128xf32>) -> tensor<12x128x128xf32>
  %r = linalg.batch_matmul ins(%q, %kt : tensor<12x128x64xf16>, tensor<12x64x128xf16>) outs(%c : tensor<12x128x128xf32>) -> tensor<12x128x128xf32>
  return %r : tensor<12x128x128xf32>
}

// -----

// Attention's PV (N = 64 columns: one tile of 64).
// CHECK-LABEL: func.func @attention_context
// CHECK: gpu.launch_func  @tsparse_kernels::@tsparse_mma_sync_bf16_g64_u1_dense_m128_s3 blocks in (%c8, %c1, %c1)
// WMMA-LABEL: func.func @attention_context
// WMMA-NOT: gpu.launch_func
// WMMA: linalg.batch_matmul
func.func @attention_context(%p: tensor<8x100x100xbf16>, %v: tensor<8x100x64xbf16>, %c: tensor<8x100x64xf32>) -> tensor<8x100x64xf32> {
  %r = linalg.batch_matmul ins(%p, %v : tensor<8x100x100xbf16>, tensor<8x100x64xbf16>) outs(%c : tensor<8x100x64xf32>) -> tensor<8x100x64xf32>
  return %r : tensor<8x100x64xf32>
}

// -----

// Dynamic sizes: the work list (every column tile of 128, in order) is
// generated at run time, the blocks are batches x M tiles x column tiles.
// CHECK-LABEL: func.func @dynamic
// CHECK-DAG: %[[M:.*]] = tensor.dim %arg2, %c1
// CHECK-DAG: %[[N:.*]] = tensor.dim %arg2, %c2
// CHECK-DAG: %[[BATCHES:.*]] = tensor.dim %arg2, %c0
// CHECK: %[[TILES:.*]] = arith.ceildivui %[[N]], %c128
// CHECK: tensor.generate %[[TILES]]
// CHECK: arith.index_cast
// CHECK: tensor.generate %[[TILES]]
// CHECK: %[[MTILES:.*]] = arith.ceildivui %[[M]], %c128
// CHECK: %[[STACKED:.*]] = arith.muli %[[BATCHES]], %[[MTILES]]
// CHECK: %[[BLOCKS:.*]] = arith.muli %[[STACKED]], %[[TILES]]
// CHECK: scf.if
// CHECK: gpu.launch_func  @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_dense_m128_s3 blocks in (%[[BLOCKS]], %c1, %c1) {{.*}} %[[N]] : index, %[[STACKED]] : index, %c2147483647 : index, %[[M]] : index)
func.func @dynamic(%a: tensor<?x?x?xf16>, %b: tensor<?x?x?xf16>, %c: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<?x?x?xf16>, tensor<?x?x?xf16>) outs(%c : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  return %r : tensor<?x?x?xf32>
}

// -----

// A linalg.matmul of runtime operands: one batch; N = 200 has no tile
// width dividing it, so tiles of 128 (the last one 72 wide).
// CHECK-LABEL: func.func @runtime_weights
// CHECK: gpu.launch_func  @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_dense_outf16_m128_s3 blocks in (%c2, %c1, %c1) {{.*}} %c200 : index, %c1 : index, %c2147483647 : index, %c33 : index)
func.func @runtime_weights(%a: tensor<33x64xf16>, %b: tensor<64x200xf16>, %c: tensor<33x200xf16>) -> tensor<33x200xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<33x64xf16>, tensor<64x200xf16>) outs(%c : tensor<33x200xf16>) -> tensor<33x200xf16>
  return %r : tensor<33x200xf16>
}

// -----

// Transposed operands, as frontends write `Q K^T` or `A^T B` with maps: the
// operand is transposed back by a linalg.transpose (an element-wise kernel
// later), and the product reads it as usual.
// CHECK-LABEL: func.func @transposed_operands
// CHECK: %[[BT:.*]] = linalg.transpose ins(%arg1 : tensor<12x128x64xf16>) outs(%{{.*}} : tensor<12x64x128xf16>) permutation = [0, 2, 1]
// CHECK: tensor.collapse_shape %[[BT]] {{\[\[}}0, 1, 2]] : tensor<12x64x128xf16> into tensor<98304xf16>
// CHECK: gpu.launch_func  @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_dense_z_m128_s3 blocks in (%c12, %c1, %c1)
// CHECK: %[[AT:.*]] = linalg.transpose ins(%arg0 : tensor<12x64x128xf16>) outs(%{{.*}} : tensor<12x128x64xf16>) permutation = [0, 2, 1]
// CHECK: tensor.collapse_shape %[[AT]] {{\[\[}}0, 1], [2]] : tensor<12x128x64xf16> into tensor<1536x64xf16>
// CHECK: gpu.launch_func  @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_dense_z_m128_s3 blocks in (%c12, %c1, %c1)
func.func @transposed_operands(%at: tensor<12x64x128xf16>, %k: tensor<12x128x64xf16>, %q: tensor<12x128x64xf16>) -> (tensor<12x128x128xf32>, tensor<12x128x128xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<12x128x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<12x128x128xf32>) -> tensor<12x128x128xf32>
  // Q K^T with B = K given N x K.
  %s = linalg.batch_matmul indexing_maps = [
      affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>,
      affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>,
      affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
      ins(%q, %k : tensor<12x128x64xf16>, tensor<12x128x64xf16>) outs(%c : tensor<12x128x128xf32>) -> tensor<12x128x128xf32>
  // A^T B with A given K x M.
  %p = linalg.batch_matmul indexing_maps = [
      affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>,
      affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>,
      affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
      ins(%at, %at : tensor<12x64x128xf16>, tensor<12x64x128xf16>) outs(%c : tensor<12x128x128xf32>) -> tensor<12x128x128xf32>
  return %s, %p : tensor<12x128x128xf32>, tensor<12x128x128xf32>
}

// -----

// Left alone: f32 inputs (tensor cores need f16 or bf16;
// --tsparse-narrow-products rounds them), mixed input types, and maps that
// are no transposition of the default ones (C transposed).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: gpu.launch_func
// CHECK: linalg.batch_matmul
// CHECK: linalg.matmul
// CHECK: linalg.matmul
func.func @left_alone(%a: tensor<2x8x16xf32>, %b: tensor<2x16x8xf32>, %c: tensor<2x8x8xf32>,
                      %d: tensor<8x16xf16>, %e: tensor<16x8xbf16>, %f: tensor<8x8xf32>,
                      %g: tensor<16x8xf16>) -> (tensor<2x8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x8x16xf32>, tensor<2x16x8xf32>) outs(%c : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %s = linalg.matmul ins(%d, %e : tensor<8x16xf16>, tensor<16x8xbf16>) outs(%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  %t = linalg.matmul indexing_maps = [
      affine_map<(d0, d1, d2) -> (d0, d2)>,
      affine_map<(d0, d1, d2) -> (d2, d1)>,
      affine_map<(d0, d1, d2) -> (d1, d0)>]
      ins(%d, %g : tensor<8x16xf16>, tensor<16x8xf16>) outs(%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r, %s, %t : tensor<2x8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
}
