// RUN: tsparse-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline="builtin.module(gpu.module(tsparse-convert-kernels-to-nvvm),reconcile-unrealized-casts)" \
// RUN:   | FileCheck %s
// RUN: tsparse-opt %s --split-input-file \
// RUN:   --pass-pipeline="builtin.module(gpu.module(tsparse-convert-kernels-to-nvvm{index-bitwidth=64}),reconcile-unrealized-casts)" \
// RUN:   | FileCheck %s --check-prefix=WIDE

// A kernel with memref and index arguments, shared memory filled by
// cp.async with a zero-filled tail and read by ldmatrix. The index
// arithmetic is 32-bit; the parameters keep the 64-bit layout of
// convert-gpu-to-nvvm (allocated and aligned pointers, then offset, sizes
// and strides), truncated on entry.
// CHECK-LABEL: llvm.func @copy_and_load(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[OFFSET:.*]]: i64, %{{.*}}: i64, %{{.*}}: i64, %[[STRIDE:.*]]: i64, %{{.*}}: i64, %[[N:.*]]: i64, %[[TAIL:.*]]: i64)
// CHECK-SAME: nvvm.kernel
// CHECK-DAG: llvm.trunc %[[OFFSET]] : i64 to i32
// CHECK-DAG: %[[N32:.*]] = llvm.trunc %[[N]] : i64 to i32
// CHECK-DAG: %[[TAIL32:.*]] = llvm.trunc %[[TAIL]] : i64 to i32
// CHECK-NOT: llvm.trunc %{{.*}} : i32 to i32
// CHECK: llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i32) -> !llvm.ptr, f16
// CHECK: %[[SRC:.*]] = llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i32) -> !llvm.ptr, f16
// CHECK: %[[GLOBAL:.*]] = llvm.addrspacecast %[[SRC]] : !llvm.ptr to !llvm.ptr<1>
// CHECK: %[[BITS:.*]] = llvm.mul %{{.*}}, %[[TAIL32]] : i32
// CHECK: %[[BYTES:.*]] = llvm.lshr %[[BITS]], %{{.*}} : i32
// CHECK: nvvm.cp.async.shared.global %{{.*}}, %[[GLOBAL]], 16, cache = cg, %[[BYTES]]
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: nvvm.ldmatrix %{{.*}} {{{.*}}num = 4 : i32{{.*}}} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32, i32, i32)>
// CHECK: llvm.mul %[[N32]], %{{.*}} overflow<nsw, nuw> : i32

// With 64-bit indices the lowering is convert-gpu-to-nvvm's.
// WIDE-LABEL: llvm.func @copy_and_load(
// WIDE-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64)
// WIDE-NOT: llvm.trunc %{{.*}} : i64 to i32
// WIDE: llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f16
// WIDE: nvvm.cp.async.shared.global
gpu.module @kernels {
  gpu.func @copy_and_load(%a: memref<?x?xf16, strided<[?, 1], offset: ?>>,
                          %n: index, %tail: index) workgroup(%tile: memref<8x8xf16, #gpu.address_space<workgroup>>) kernel {
    %c0 = arith.constant 0 : index
    %t = gpu.thread_id x
    %row = arith.remui %t, %n : index
    %token = nvgpu.device_async_copy %a[%t, %c0], %tile[%row, %c0], 8, %tail {bypassL1}
        : memref<?x?xf16, strided<[?, 1], offset: ?>> to memref<8x8xf16, #gpu.address_space<workgroup>>
    %group = nvgpu.device_async_create_group %token
    nvgpu.device_async_wait %group {numGroups = 0 : i32}
    %fragment = nvgpu.ldmatrix %tile[%row, %c0] {numTiles = 4 : i32, transpose = false}
        : memref<8x8xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
    %element = vector.extract %fragment[0, 0] : f16 from vector<4x2xf16>
    memref.store %element, %a[%n, %c0] : memref<?x?xf16, strided<[?, 1], offset: ?>>
    gpu.return
  }
}

// -----

// Memref arguments marked `noalias` and `readonly`, and `readonly` only:
// both pointers of a descriptor keep `readonly` (as in convert-gpu-to-nvvm);
// `noalias`, which upstream drops on descriptors, goes on the aligned
// pointer, through which the kernel reads, so that NVPTX may use the
// read-only data path. `readonly` alone does not imply it.
// CHECK-LABEL: llvm.func @read_only(
// CHECK-SAME: %{{.*}}: !llvm.ptr {llvm.readonly}, %{{.*}}: !llvm.ptr {llvm.noalias, llvm.readonly}, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr {llvm.readonly}, %{{.*}}: !llvm.ptr {llvm.readonly}, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64)
// WIDE-LABEL: llvm.func @read_only(
// WIDE-SAME: %{{.*}}: !llvm.ptr {llvm.readonly}, %{{.*}}: !llvm.ptr {llvm.noalias, llvm.readonly}, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr {llvm.readonly}, %{{.*}}: !llvm.ptr {llvm.readonly},
gpu.module @read_only {
  gpu.func @read_only(%in: memref<?xf32> {llvm.noalias, llvm.readonly}, %other: memref<?xf32> {llvm.readonly}, %out: memref<?xf32>) kernel {
    %t = gpu.thread_id x
    %v = memref.load %in[%t] : memref<?xf32>
    %w = memref.load %other[%t] : memref<?xf32>
    %s = arith.addf %v, %w : f32
    memref.store %s, %out[%t] : memref<?xf32>
    gpu.return
  }
}

// -----

// Device functions other than kernels take 32-bit indices as they are.
// CHECK-LABEL: llvm.func @helper(%{{.*}}: i32) -> i32
// CHECK-NOT: llvm.trunc
gpu.module @helpers {
  gpu.func @helper(%i: index) -> index {
    %c1 = arith.constant 1 : index
    %r = arith.addi %i, %c1 : index
    gpu.return %r : index
  }
}

// -----

// An unranked memref's descriptor is written by the host with 64-bit
// fields: narrow indices would misread it.
gpu.module @unranked {
  // expected-error @+1 {{'gpu.func' op takes an unranked memref, whose descriptor has 64-bit fields; lower it with index-bitwidth=64}}
  gpu.func @unranked(%a: memref<*xf32>) kernel {
    gpu.return
  }
}

// An index width other than 32 or 64 is rejected.
// RUN: not tsparse-opt %s --split-input-file \
// RUN:   --pass-pipeline="builtin.module(gpu.module(tsparse-convert-kernels-to-nvvm{index-bitwidth=16}))" \
// RUN:   2>&1 | FileCheck %s --check-prefix=WIDTH
// WIDTH: error: index-bitwidth must be 32 or 64
