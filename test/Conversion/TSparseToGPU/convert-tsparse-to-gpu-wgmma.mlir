// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=wgmma stages=4" --canonicalize --split-input-file | FileCheck %s

// The wgmma flavour: two consumer warpgroups over a 128-row M tile and a
// producer warpgroup (384 threads), always on dynamic shared memory (four
// stages of 64 kept rows: 16 KB of A and 8 KB of B, plus 1024 bytes to
// align them to the 128-byte swizzle's repeat). A row-major A whose kept
// rows are scattered (unit_k = 1) is transposed on the device first and
// read K-major. B's full tiles are loaded by TMA: the host views the packed
// values as rows of tile_n and passes their tensor map (boxes of 64 x 64,
// 128-byte swizzle) as the last argument, an !llvm.ptr. Stages of A (two
// blocks of 64 rows of A by 64 kept rows) and B (one block of 64 columns)
// are views from the aligned address. Each buffer has a `full` mbarrier
// (128 producer arrivals and the first producer thread's arrive.expect_tx
// of B's bytes) and an `empty` one (256 consumer arrivals). The roles run
// their own loops and meet only on the mbarriers, the consumers with 200
// registers and the producer with 104 (setmaxnreg, back to 168 after).
// Consumers: wait for the stage's full mbarrier, build its descriptors once
// (advancing them 16 rows, 128 in 16-byte units, per k16), issue its four
// k16 wgmma (A M-major: `col`, B K x N: `row`; 128-byte swizzle, stride
// 1024 bytes, leading 8192) as one group, wait until one group is left in
// flight and release the buffer of the stage before (from the second
// stage on). Producer: the first three stages in flight, then per stage
// wait for the write buffer's empty mbarrier, issue the stage three ahead
// (B by TMA, A by cp.async), wait for the next stage's copies, fence them
// to the async proxy and arrive on its full mbarrier. As with mma.sync, the
// iterations whose stage ahead is full run in a first loop, unrolled by the
// 4 buffers (consumer iteration u waits on full mbarrier u; producer
// iteration u waits on empty mbarrier (u + 3) % 4 and loads that buffer),
// the iterations past its last round peeled, each under a uniform branch;
// every group retires before the accumulator passes to the second loop,
// and again before the epilogue. Items with a narrower last tile or
// unaligned A copy B by cp.async instead (the kernel's second way).
// CHECK-LABEL: func.func @matmul_tw1d
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_transpose_f16
// CHECK: %[[ROWS:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [4, 64], strides: [64, 1] : memref<?xf16> to memref<4x64xf16, strided<[64, 1]>>
// CHECK: %[[UNRANKED:.*]] = memref.cast %[[ROWS]] : memref<4x64xf16, strided<[64, 1]>> to memref<*xf16>
// CHECK: %[[MAP:.*]] = nvgpu.tma.create.descriptor %[[UNRANKED]] box[%c64, %c64] : memref<*xf16> -> <tensor = memref<64x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
// CHECK: %[[POINTER:.*]] = builtin.unrealized_conversion_cast %[[MAP]] : {{.*}} to !llvm.ptr
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wgmma_f16_g64_u1_ak_m128_s4 blocks in (%{{.*}}, %c1, %c1) threads in (%c384, %c1, %c1) dynamic_shared_memory_size %c99328_i32 args({{.*}}, %[[POINTER]] : !llvm.ptr)
// CHECK: gpu.func @tsparse_wgmma_f16_g64_u1_ak_m128_s4({{[^)]*}}, %[[MAPARG:.*]]: !llvm.ptr) {{.*}}kernel attributes {{{.*}}nvvm.minctasm = 1 : i32}
// CHECK:   %[[SMEM:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK:   %[[ADDRESS:.*]] = memref.extract_aligned_pointer_as_index %[[SMEM]]
// CHECK:   %[[MISALIGNED:.*]] = arith.remui %[[ADDRESS]], %c1024
// CHECK:   %[[PAD0:.*]] = arith.subi %c1024, %[[MISALIGNED]]
// CHECK:   %[[PAD:.*]] = arith.remui %[[PAD0]], %c1024
// CHECK:   memref.view %[[SMEM]][%[[PAD]]][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x2x64x64xf16, #gpu.address_space<workgroup>>
// CHECK:   memref.view %[[SMEM]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x1x64x64xf16, #gpu.address_space<workgroup>>
// CHECK:   %[[FULL:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 4>
// CHECK:   %[[EMPTY:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 4>
// CHECK:   %[[TMAP:.*]] = builtin.unrealized_conversion_cast %[[MAPARG]] : !llvm.ptr to
// CHECK:   nvgpu.mbarrier.init %[[FULL]][%c0], %c129
// CHECK:   nvgpu.mbarrier.init %[[EMPTY]][%c0], %c256
// CHECK:   gpu.barrier
// CHECK:   %[[CONSUMER:.*]] = arith.cmpi ult, %thread_id_x, %c256
// CHECK:   scf.if %[[CONSUMER]] -> (!llvm.struct<(f32, {{.*}})>) {
// CHECK:     nvvm.setmaxregister  increase 200
// CHECK:     %[[ROUNDS:.*]] = arith.divui %[[STEADYFULL:.*]], %c4 : index
// CHECK:     %[[STEADY:.*]] = arith.muli %[[ROUNDS]], %c4 overflow<nsw> : index
// CHECK:     scf.for %{{.*}} = %c0 to %[[STEADY]] step %c4 iter_args({{.*}}) -> (!llvm.struct<(f32, {{.*}})>, index)
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[FULL]][%c0], %{{.*}}, %c10000000
// CHECK:       arith.ori %{{.*}}, %c4611686293338849280_i64 : i64
// CHECK:       nvvm.wgmma.fence.aligned
// CHECK:       nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 64, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <col>], B[<f16>, <one>, <row>]
// CHECK-COUNT-2: arith.addi %{{.*}}, %c128_i64 : i64
// CHECK:       nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 64, k = 16>
// CHECK-COUNT-2: arith.addi %{{.*}}, %c256_i64 : i64
// CHECK:       nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 64, k = 16>
// CHECK-COUNT-2: arith.addi %{{.*}}, %c384_i64 : i64
// CHECK:       nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 64, k = 16>
// CHECK:       nvvm.wgmma.commit.group.sync.aligned
// CHECK:       nvvm.wgmma.wait.group.sync.aligned 1
// CHECK:       scf.if
// CHECK:         nvgpu.mbarrier.arrive %[[EMPTY]][%c3]
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[FULL]][%c1]
// CHECK:         nvgpu.mbarrier.arrive %[[EMPTY]][%c0]
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[FULL]][%c2]
// CHECK:         nvgpu.mbarrier.arrive %[[EMPTY]][%c1]
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[FULL]][%c3]
// CHECK:         nvgpu.mbarrier.arrive %[[EMPTY]][%c2]
// CHECK:       scf.yield
// CHECK:     scf.if %{{.*}} -> (!llvm.struct<(f32, {{.*}})>) {
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[FULL]][%c0]
// CHECK:     nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:     scf.for %{{.*}} = %[[STEADYFULL]] to
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[FULL]][%{{.*}}]
// CHECK:       nvvm.wgmma.wait.group.sync.aligned 1
// CHECK:     nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:     nvvm.setmaxregister  decrease 168
// CHECK:   } else {
// CHECK:     nvvm.setmaxregister  decrease 104
// CHECK:     nvgpu.mbarrier.arrive.expect_tx %[[FULL]][%c0], %c8192
// CHECK:     nvgpu.tma.async.load %[[TMAP]][%c0, %{{.*}}], %[[FULL]][%c0] to %{{.*}} : {{.*}} -> memref<64x64xf16, #gpu.address_space<workgroup>>
// CHECK:     nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}}[%c0, %{{.*}}, %{{.*}}, %{{.*}}], 8, %{{.*}} {bypassL1} : memref<?x?xf16> to memref<4x2x64x64xf16, #gpu.address_space<workgroup>>
// CHECK:     nvgpu.tma.async.load %[[TMAP]][%c0, %{{.*}}], %[[FULL]][%c2]
// CHECK:     %[[GROUP:.*]] = nvgpu.device_async_create_group
// CHECK:     nvgpu.device_async_wait %[[GROUP]] {numGroups = 2 : i32}
// CHECK:     nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK:     nvgpu.mbarrier.arrive %[[FULL]][%c0]
// CHECK:     scf.for %{{.*}} = %c0 to %{{.*}} step %c4 iter_args(%{{.*}} = %c1) -> (index)
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[EMPTY]][%c3], %{{.*}}, %c10000000
// CHECK:       nvgpu.tma.async.load %{{.*}}[%c0, %{{.*}}], %[[FULL]][%c3] to
// CHECK:       nvgpu.device_async_copy
// CHECK:       nvgpu.device_async_wait %{{.*}} {numGroups = 2 : i32}
// CHECK:       nvvm.fence.proxy
// CHECK:       nvgpu.mbarrier.arrive %[[FULL]][%c1]
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[EMPTY]][%c0]
// CHECK:       nvgpu.mbarrier.arrive %[[FULL]][%c2]
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[EMPTY]][%c1]
// CHECK:       nvgpu.mbarrier.arrive %[[FULL]][%c3]
// CHECK:       nvgpu.mbarrier.try_wait.parity %[[EMPTY]][%c2]
// CHECK:       nvgpu.mbarrier.arrive %[[FULL]][%c0]
// CHECK:     nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// CHECK:     nvvm.setmaxregister  increase 168
// CHECK:   } else {
// CHECK:   scf.for
// CHECK-NOT: nvgpu.tma.async.load
// CHECK:     nvvm.wgmma.mma_async
// CHECK:   llvm.extractvalue
func.func @matmul_tw1d(%a: tensor<?x64xf16>, %c: tensor<?x192xf32>) -> tensor<?x192xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<256xf16>
  } : !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x64xf16>, !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x192xf32>
  return %r : tensor<?x192xf32>
}

// -----

// Kept rows in runs of 16: a row-major A is copied in 16-byte chunks along
// K into K-major stages of 128-byte rows (the 128-byte swizzle), read in
// place: no transposition. Its descriptors advance 32 bytes per k16 (stride
// 1024 bytes between groups of 8 rows); A is `row`. 128-column tiles of B
// load as two boxes of 64 columns (16 KB a stage).
// CHECK-LABEL: func.func @matmul_bw_row_major_a
// CHECK-NOT: tsparse_transpose
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wgmma_f16_g128_u16_m128_s4 blocks in (%{{.*}}, %c1, %c1) threads in (%c384, %c1, %c1) dynamic_shared_memory_size %c132096_i32
// CHECK: gpu.func @tsparse_wgmma_f16_g128_u16_m128_s4
// CHECK:   memref.view %{{.*}} to memref<4x128x64xf16, #gpu.address_space<workgroup>>
// CHECK:   memref.view %{{.*}} to memref<4x2x64x64xf16, #gpu.address_space<workgroup>>
// CHECK:   nvgpu.mbarrier.arrive.expect_tx %{{.*}}[%c0], %c16384
// CHECK-COUNT-2: nvgpu.tma.async.load
// CHECK:   nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}], %{{.*}}[%c0, %{{.*}}, %{{.*}}], 8, %{{.*}} {bypassL1} : memref<?x?xf16> to memref<4x128x64xf16, #gpu.address_space<workgroup>>
// CHECK:   scf.for
// CHECK:     arith.ori %{{.*}}, %c4611686293305360384_i64 : i64
// CHECK:     nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <row>]
func.func @matmul_bw_row_major_a(%a: tensor<?x64xf16>, %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 3]> : tensor<3xi32>,
    row_ids = dense<[2, 0, 1]> : tensor<3xi32>,
    values = dense<1.0> : tensor<6144xf16>
  } : !tsparse.matrix<64x256xf16, #tsparse.layout<tile_n = 128, unit_k = 16>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x64xf16>, !tsparse.matrix<64x256xf16, #tsparse.layout<tile_n = 128, unit_k = 16>> -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}
