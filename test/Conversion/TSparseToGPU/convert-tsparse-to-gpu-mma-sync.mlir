// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync" --canonicalize --split-input-file | FileCheck %s
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync m-tile=64 stages=4" --canonicalize --split-input-file | FileCheck %s --check-prefix=CHECK-S4
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync transpose-a=always" --canonicalize --split-input-file | FileCheck %s --check-prefix=CHECK-TA
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync" --canonicalize --split-input-file | FileCheck %s --check-prefix=STEADY
// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync persistent-blocks=264" --canonicalize --split-input-file | FileCheck %s --check-prefix=PERSISTENT

// The mma-sync flavour: one launch of 4 warps over a 128-row M tile, each
// warp a 64 x 32 tile of C. The prologue puts stages 0 and 1 in flight
// (cp.async of the packed rows of B, 16 bytes each, one group per stage); a
// row-major A with scattered kept rows is gathered through registers, and
// the kernel is specialized on its row length K (64: `_k64`, memref<?x64>).
// Every iteration waits for its stage (at most one younger group pending),
// synchronizes, issues the stage two ahead (its gathered column k read from
// row_ids an iteration earlier, carried through the loop), reads the next
// stage's k, then runs two k-steps of
// ldmatrix.trans + m16n8k16 mma.sync (4 x 4 accumulators per warp for
// tile_n = 64), and stores the gathered A of the stage ahead after the
// mma. The stages are views of one buffer of bytes. When the item is its
// whole tile, the accumulators go through a view of the same bytes (rows
// of C padded by 8 floats) and the block updates C 16 bytes at a time;
// otherwise they are added atomically.
// With vector copies the main loop runs in two parts: the steady part,
// whose iterations issue stages that have all their rows (the item's full
// stages less the ones in flight, rounded down to a multiple of the three
// buffers: a register gather runs the others in the tail loop, where other
// kernels peel them), is unrolled by the buffers, so that each is a
// constant; it
// copies B's rows without a branch and without a zero-filled size, and
// (the vector way being taken only by M tiles inside A) gathers A's
// elements without clamping or zeroing them. The rest checks that the
// stage exists and zero-fills rows past the item. The element-wise way
// (last M tile, narrow tile) stores its gathered A as it loads it.
// The operands before C are read-only and `noalias`; C is neither.
// With persistent-blocks, the launch has at most that many blocks (`_p`
// kernels), and block b walks work blocks b, b + grid, ... (M tiles of the
// longest-first work items), with a block barrier before the next one's
// copies reuse the workgroup memory: the first kernel gathers A through
// registers, the second copies A's chunks by cp.async.
// PERSISTENT: %[[GATHER_BLOCKS:.*]] = arith.minui %{{.*}}, %c264 : index
// PERSISTENT: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u1_k64_m128_s3_p blocks in (%[[GATHER_BLOCKS]], %c1, %c1)
// PERSISTENT-LABEL: gpu.func @tsparse_mma_sync_f16_g64_u1_k64_m128_s3_p(
// PERSISTENT: %[[GATHER_GRID:.*]] = gpu.grid_dim x
// PERSISTENT: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[GATHER_GRID]] {
// PERSISTENT: %[[BLOCKS:.*]] = arith.minui %{{.*}}, %c264 : index
// PERSISTENT: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u16_m128_s3_p blocks in (%[[BLOCKS]], %c1, %c1)
// PERSISTENT-LABEL: gpu.func @tsparse_mma_sync_f16_g64_u16_m128_s3_p
// PERSISTENT: %[[BLOCK:.*]] = gpu.block_id x
// PERSISTENT: %[[ITEMS:.*]] = memref.dim %arg5, %c0
// PERSISTENT: %[[WORK:.*]] = arith.muli %[[ITEMS]], %arg9
// PERSISTENT: %[[GRID:.*]] = gpu.grid_dim x
// PERSISTENT: scf.for %[[W:.*]] = %[[BLOCK]] to %[[WORK]] step %[[GRID]] {
// PERSISTENT-NEXT: arith.divui %[[W]], %arg9
// PERSISTENT-NEXT: arith.remui %[[W]], %arg9
// PERSISTENT: memref.atomic_rmw
// PERSISTENT: gpu.barrier
// PERSISTENT-NEXT: }
// PERSISTENT-NEXT: gpu.return
// STEADY-LABEL: gpu.func @tsparse_mma_sync_f16_g64_u1_k64_m128_s3
// STEADY-SAME: (%{{.*}}: memref<?x64xf16> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?xf16> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?xi32> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?xi32> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?xi32> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?xi32> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?xi32> {llvm.noalias, llvm.readonly}, %{{.*}}: memref<?x?xf32>, %{{.*}}: index,
// STEADY: nvgpu.device_async_create_group
// STEADY: nvgpu.device_async_create_group
// STEADY: %[[FULL:.*]] = arith.divui %{{.*}}, %c32
// STEADY: %[[LESS:.*]] = arith.subi %[[FULL]], %c2
// STEADY: %[[AHEAD:.*]] = arith.select %{{.*}}, %[[LESS]], %c0
// STEADY: %[[ROUNDS:.*]] = arith.divui %[[AHEAD]], %c3
// STEADY: %[[STEADY:.*]] = arith.muli %[[ROUNDS]], %c3 overflow<nsw>
// STEADY: %[[PART:.*]]:17 = scf.for %{{.*}} = %c0 to %[[STEADY]] step %c3 iter_args({{.*}}, %[[K:.*]] = %{{.*}}) ->
// STEADY-NOT: scf.if
// STEADY: nvgpu.device_async_copy %{{.*}}[%{{.*}}], %{{.*}}[%c2, %{{.*}}, %{{.*}}], 8 {bypassL1} : memref<?xf16> to memref<3x32x64xf16, #gpu.address_space<workgroup>>
// STEADY-NOT: arith.select
// STEADY-NOT: arith.minui
// STEADY: memref.load %{{.*}}[%{{.*}}, %[[K]]] : memref<?x64xf16>
// STEADY-NOT: arith.select
// STEADY: memref.load %{{.*}} : memref<?xi32>
// STEADY-NOT: memref.load
// STEADY: nvgpu.ldmatrix %{{.*}}[%c0, %{{.*}}, %{{.*}}] {{.*}} : memref<3x32x128xf16, #gpu.address_space<workgroup>>
// STEADY: nvgpu.mma.sync
// STEADY: vector.store %{{.*}}, %{{.*}}[%c2, %{{.*}}, %{{.*}}] {{.*}} : memref<3x32x128xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// STEADY: nvgpu.device_async_copy %{{.*}}[%{{.*}}], %{{.*}}[%c0, %{{.*}}, %{{.*}}], 8 {bypassL1}
// STEADY: nvgpu.ldmatrix %{{.*}}[%c1, %{{.*}}, %{{.*}}] {{.*}} : memref<3x32x128xf16, #gpu.address_space<workgroup>>
// STEADY: vector.store %{{.*}}, %{{.*}}[%c0, %{{.*}}, %{{.*}}] {{.*}} : memref<3x32x128xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// STEADY: nvgpu.device_async_copy %{{.*}}[%{{.*}}], %{{.*}}[%c1, %{{.*}}, %{{.*}}], 8 {bypassL1}
// STEADY: nvgpu.ldmatrix %{{.*}}[%c2, %{{.*}}, %{{.*}}] {{.*}} : memref<3x32x128xf16, #gpu.address_space<workgroup>>
// STEADY: vector.store %{{.*}}, %{{.*}}[%c1, %{{.*}}, %{{.*}}] {{.*}} : memref<3x32x128xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// STEADY-NOT: nvgpu.mma.sync
// STEADY: scf.yield
// STEADY: scf.for %{{.*}} = %[[STEADY]] to %{{.*}} step %c1 iter_args(%{{.*}} = %[[PART]]#0,
// STEADY: scf.if
// STEADY: %[[SIZE:.*]] = arith.select %{{.*}}, %c8, %c0 : index
// STEADY: nvgpu.device_async_copy %{{.*}}[%{{.*}}], %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], 8, %[[SIZE]] {bypassL1}
// STEADY: scf.for %{{.*}} = %c0 to %{{.*}} step %c1
// STEADY: scf.if
// STEADY: memref.load %{{.*}} : memref<?x64xf16>
// STEADY: vector.store %{{.*}} : memref<3x32x128xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// STEADY: nvgpu.device_async_create_group
// STEADY-NOT: vector.store
// STEADY: nvgpu.mma.sync
// STEADY-NOT: vector.store
// STEADY: scf.yield

// CHECK-LABEL: func.func @matmul_tw1d_static_schedule
// CHECK-DAG: arith.constant dense<[2, 0]> : tensor<2xi32>
// CHECK: %[[A:.*]] = memref.cast %{{.*}} : memref<?x?xf16> to memref<?x64xf16>
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u1_k64_m128_s3 blocks in (%{{.*}}, %c1, %c1) threads in (%c128, %c1, %c1) args(%[[A]] : memref<?x64xf16>
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.func @tsparse_mma_sync_f16_g64_u1_k64_m128_s3({{.*}}) workgroup(%[[WG:.*]] : memref<36864xi8, #gpu.address_space<workgroup>>) kernel attributes {{{.*}}nvvm.minctasm = 1 : i32}
// CHECK:   memref.view %[[WG]][%c0{{[_0-9]*}}][] : memref<36864xi8, #gpu.address_space<workgroup>> to memref<3x32x128xf16, #gpu.address_space<workgroup>>
// CHECK:   memref.view %[[WG]][%c24576{{[_0-9]*}}][] : memref<36864xi8, #gpu.address_space<workgroup>> to memref<3x32x64xf16, #gpu.address_space<workgroup>>
// CHECK:   nvgpu.device_async_copy %{{.*}}[%{{.*}}], %{{.*}}[%c0, %{{.*}}, %{{.*}}], 8, %{{.*}} {bypassL1} : memref<?xf16> to memref<3x32x64xf16, #gpu.address_space<workgroup>>
// CHECK:   memref.load %{{.*}} : memref<?x64xf16>
// CHECK:   vector.store %{{.*}}, %{{.*}}[%c0, %{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<3x32x128xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK:   %[[GROUP0:.*]] = nvgpu.device_async_create_group
// CHECK:   nvgpu.device_async_copy %{{.*}}[%{{.*}}], %{{.*}}[%c1, %{{.*}}, %{{.*}}], 8
// CHECK:   %[[GROUP1:.*]] = nvgpu.device_async_create_group
// CHECK:   scf.for {{.*}} iter_args
// CHECK:     nvgpu.device_async_wait %[[GROUP1]] {numGroups = 1 : i32}
// CHECK:     gpu.barrier
// CHECK:     nvgpu.device_async_copy
// CHECK:     nvgpu.device_async_create_group
// CHECK-COUNT-4: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true} : memref<3x32x128xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true} : memref<3x32x64xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-COUNT-8: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true} : memref<3x32x64xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-COUNT-8: nvgpu.mma.sync
// CHECK:     vector.store {{.*}} : memref<3x32x128xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK:     scf.yield
// CHECK:   nvgpu.device_async_wait %[[GROUP1]] {numGroups = 0 : i32}
// CHECK:   scf.if
// CHECK:     %[[STAGED:.*]] = memref.view %[[WG]][%c0{{[_0-9]*}}][] : memref<36864xi8, #gpu.address_space<workgroup>> to memref<128x72xf32, #gpu.address_space<workgroup>>
// CHECK:     gpu.barrier
// CHECK-COUNT-32: vector.store %{{.*}}, %[[STAGED]][%{{.*}}, %{{.*}}] {alignment = 8 : i64} : memref<128x72xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// CHECK:     gpu.barrier
// CHECK:     vector.load %[[STAGED]][%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<128x72xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK:     vector.load %{{.*}} {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>
// CHECK:     vector.store %{{.*}} {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>
// CHECK:   } else {
// CHECK:     memref.atomic_rmw addf
// CHECK-S4-LABEL: func.func @matmul_tw1d_static_schedule
// CHECK-S4: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u1_k64_m64_s4 blocks in (%{{.*}}, %c1, %c1) threads in (%c64, %c1, %c1)
// CHECK-S4: gpu.func @tsparse_mma_sync_f16_g64_u1_k64_m64_s4({{.*}}) workgroup({{.*}} : memref<32768xi8, #gpu.address_space<workgroup>>) kernel
// CHECK-S4-COUNT-2: memref.view {{.*}} to memref<4x32x64xf16, #gpu.address_space<workgroup>>
// CHECK-S4-COUNT-3: nvgpu.device_async_create_group
// CHECK-S4: scf.for
// CHECK-S4:   nvgpu.device_async_wait %{{.*}} {numGroups = 2 : i32}
// With transpose-a=always a row-major A is transposed on the device (32 x 32
// tiles through workgroup memory, 256 threads) into a K x M buffer that the
// K-major kernel reads; both device buffers are freed.
// CHECK-TA-LABEL: func.func @matmul_tw1d_static_schedule
// CHECK-TA: %[[A:.*]] = gpu.alloc (%[[M:.*]], %c64) : memref<?x?xf16>
// CHECK-TA: %[[AT:.*]] = gpu.alloc (%c64, %[[M]]) : memref<?x?xf16>
// CHECK-TA: gpu.launch_func @tsparse_kernels::@tsparse_transpose_f16 blocks in (%{{.*}}, %c1, %c1) threads in (%c256, %c1, %c1) args(%[[A]] : memref<?x?xf16>, %[[AT]] : memref<?x?xf16>)
// CHECK-TA: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u1_ak_m128_s3 {{.*}} args(%[[AT]] : memref<?x?xf16>
// CHECK-TA-DAG: gpu.dealloc %[[A]]
// CHECK-TA-DAG: gpu.dealloc %[[AT]]
// CHECK-TA: gpu.func @tsparse_transpose_f16(%{{.*}}: memref<?x?xf16>, %{{.*}}: memref<?x?xf16>) workgroup(%{{.*}} : memref<32x33xf16, #gpu.address_space<workgroup>>) kernel
// CHECK-TA:   gpu.barrier
func.func @matmul_tw1d_static_schedule(%a: tensor<?x64xf16>, %c: tensor<?x192xf32>) -> tensor<?x192xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<256xf16>
  } : !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x64xf16>, !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x192xf32>
  return %r : tensor<?x192xf32>
}

// -----

// Kept rows in runs of 16 (unit_k = 16): 8 gathered elements of a row of a
// row-major A are contiguous, so A is copied by cp.async too, 16 bytes
// along K, into M-major stages (rows of 32 elements) that ldmatrix reads
// without .trans; 64-row warp tiles, 4 warps.
// CHECK-LABEL: func.func @matmul_bw_row_major_a
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g64_u16_m128_s3 blocks in (%{{.*}}, %c1, %c1) threads in (%c128, %c1, %c1)
// CHECK: gpu.func @tsparse_mma_sync_f16_g64_u16_m128_s3({{.*}}) workgroup(%{{.*}} : memref<36864xi8, #gpu.address_space<workgroup>>) kernel
// CHECK:   memref.view {{.*}} to memref<3x128x32xf16, #gpu.address_space<workgroup>>
// CHECK:   memref.view {{.*}} to memref<3x32x64xf16, #gpu.address_space<workgroup>>
// CHECK:   nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}}[%c0, %{{.*}}, %{{.*}}], 8, %{{.*}} {bypassL1} : memref<?x?xf16> to memref<3x128x32xf16, #gpu.address_space<workgroup>>
// CHECK:   scf.for
// CHECK-NOT: memref.load %{{.*}} : memref<?x?xf16>
// CHECK:     nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<3x128x32xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK:     nvgpu.mma.sync
// CHECK:     scf.yield
func.func @matmul_bw_row_major_a(%a: tensor<?x64xf16>, %c: tensor<?x192xf32>) -> tensor<?x192xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<4096xf16>
  } : !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64, unit_k = 16>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x64xf16>, !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64, unit_k = 16>> -> tensor<?x192xf32>
  return %r : tensor<?x192xf32>
}

// -----

// A K-major A (the transpose of a K x M tensor) is read in place: its kept
// rows are contiguous, so cp.async gathers them too (when M % 8 == 0;
// element-wise otherwise). A result that is only transposed is computed
// transposed: C's fill is rebuilt N x M and the kernel writes C[n][m]. No
// linalg.transpose remains. bf16 goes through nvvm.mma.sync.
// CHECK-LABEL: func.func @matmul_k_major_transposed_bf16
// CHECK-NOT: linalg.transpose
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<96x?xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<96x?xf32>)
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_bf16_g32_u1_ak_ct_m128_s3
// CHECK-SAME: args(%{{.*}} : memref<?x?xbf16>
// CHECK-NOT: linalg.transpose
// CHECK: return %{{.*}} : tensor<96x?xf32>
// CHECK: gpu.func @tsparse_mma_sync_bf16_g32_u1_ak_ct_m128_s3
// CHECK:   memref.dim %{{.*}}, %c1 : memref<?x?xbf16>
// CHECK:   nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}}[%c0, %{{.*}}, %{{.*}}], 8, %{{.*}} {bypassL1} : memref<?x?xbf16> to memref<3x32x128xbf16, #gpu.address_space<workgroup>>
// CHECK:   } else {
// CHECK:     vector.from_elements {{.*}} : vector<8xbf16>
// CHECK:   scf.for
// CHECK:     nvgpu.ldmatrix {{.*}} -> vector<4x2xbf16>
// CHECK:     nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK:   memref.store %{{.*}}, %{{.*}}[%[[N:.*]], %[[M:.*]]] : memref<?x?xf32>
func.func @matmul_k_major_transposed_bf16(%at: tensor<64x?xbf16>, %w: tensor<64x96xbf16>, %m: index) -> tensor<96x?xf32> {
  %p = tsparse.pack %w : tensor<64x96xbf16> -> !tsparse.matrix<64x96xbf16, #tsparse.layout<tile_n = 32>>
  %e = tensor.empty(%m) : tensor<?x64xbf16>
  %a = linalg.transpose ins(%at : tensor<64x?xbf16>) outs(%e : tensor<?x64xbf16>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %ce = tensor.empty(%m) : tensor<?x96xf32>
  %c = linalg.fill ins(%zero : f32) outs(%ce : tensor<?x96xf32>) -> tensor<?x96xf32>
  %r = tsparse.matmul %a, %p, %c : tensor<?x64xbf16>, !tsparse.matrix<64x96xbf16, #tsparse.layout<tile_n = 32>> -> tensor<?x96xf32>
  %e2 = tensor.empty(%m) : tensor<96x?xf32>
  %rt = linalg.transpose ins(%r : tensor<?x96xf32>) outs(%e2 : tensor<96x?xf32>) permutation = [1, 0]
  return %rt : tensor<96x?xf32>
}

// -----

// A result used as it is stays row-major; an arbitrary C is transposed on
// the host only when the result is.
// CHECK-LABEL: func.func @matmul_result_used_directly
// CHECK-NOT: linalg.transpose
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g32_u1_k64_m128_s3
// CHECK-LABEL: func.func @matmul_general_c_transposed
// CHECK: linalg.transpose ins(%{{.*}} : tensor<4x32xf32>) outs(%{{.*}} : tensor<32x4xf32>) permutation = [1, 0]
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g32_u1_ct_k64_m128_s3
func.func @matmul_result_used_directly(%a: tensor<4x64xf16>, %b_dense: tensor<64x32xf16>, %c: tensor<4x32xf32>) -> (tensor<4x32xf32>, tensor<32x4xf32>) {
  %b = tsparse.pack %b_dense : tensor<64x32xf16> -> !tsparse.matrix<64x32xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x32xf16, #tsparse.layout<tile_n = 32>> -> tensor<4x32xf32>
  %e = tensor.empty() : tensor<32x4xf32>
  %t = linalg.transpose ins(%r : tensor<4x32xf32>) outs(%e : tensor<32x4xf32>) permutation = [1, 0]
  return %r, %t : tensor<4x32xf32>, tensor<32x4xf32>
}
func.func @matmul_general_c_transposed(%a: tensor<4x64xf16>, %b_dense: tensor<64x32xf16>, %c: tensor<4x32xf32>) -> tensor<32x4xf32> {
  %b = tsparse.pack %b_dense : tensor<64x32xf16> -> !tsparse.matrix<64x32xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x32xf16, #tsparse.layout<tile_n = 32>> -> tensor<4x32xf32>
  %e = tensor.empty() : tensor<32x4xf32>
  %t = linalg.transpose ins(%r : tensor<4x32xf32>) outs(%e : tensor<32x4xf32>) permutation = [1, 0]
  return %t : tensor<32x4xf32>
}

// -----

// A narrow C (f16, as f16 models produce) still accumulates in f32 and is
// rounded once per update: plainly after an f32 sum, or by an f16 atomic
// add of the rounded partial product.
// CHECK-LABEL: func.func @matmul_f16_accumulator
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_mma_sync_f16_g32_u1_outf16_k64_m128_s3
// CHECK-SAME: memref<?x?xf16>, %{{.*}} : index, %{{.*}} : index, %{{.*}} : index)
// CHECK: gpu.func @tsparse_mma_sync_f16_g32_u1_outf16_k64_m128_s3
// CHECK:   scf.for
// CHECK:     nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK:   memref.load %{{.*}} : memref<?x?xf16>
// CHECK:   arith.extf %{{.*}} : f16 to f32
// CHECK:   arith.addf %{{.*}} : f32
// CHECK:   arith.truncf %{{.*}} : f32 to f16
// CHECK:   memref.store %{{.*}} : memref<?x?xf16>
// CHECK:   arith.truncf %{{.*}} : f32 to f16
// CHECK:   memref.atomic_rmw addf %{{.*}} : (f16, memref<?x?xf16>) -> f16
func.func @matmul_f16_accumulator(%a: tensor<4x64xf16>, %b_dense: tensor<64x32xf16>, %c: tensor<4x32xf16>) -> tensor<4x32xf16> {
  %b = tsparse.pack %b_dense : tensor<64x32xf16> -> !tsparse.matrix<64x32xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x32xf16, #tsparse.layout<tile_n = 32>> -> tensor<4x32xf16>
  return %r : tensor<4x32xf16>
}
