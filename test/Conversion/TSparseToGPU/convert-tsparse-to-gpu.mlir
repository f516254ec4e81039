// RUN: tsparse-opt %s --convert-tsparse-to-gpu --canonicalize --split-input-file --verify-diagnostics | FileCheck %s

// One launch computes every column tile of a compile-time matrix. The work
// list is the static schedule: tile 2 (3 kept units) before tile 0 (1 unit);
// the empty tile 1 is absent. The kernel gathers A by row_ids, stages packed
// rows of B and the C tile in workgroup memory and multiplies 16x16 WMMA
// fragments, 2 x (64 / 32) per warp.
// CHECK-LABEL: func.func @matmul_tw1d_static_schedule
// CHECK-DAG: %[[ORDER:.*]] = arith.constant dense<[2, 0]> : tensor<2xi32>
// CHECK-DAG: %[[TILE_PTR:.*]] = arith.constant dense<[0, 1, 1, 4]> : tensor<4xi32>
// CHECK: %[[ORDER_HOST:.*]] = bufferization.to_buffer %[[ORDER]] read_only
// CHECK: %[[ORDER_DEV:.*]] = gpu.alloc
// CHECK: gpu.memcpy %[[ORDER_DEV]]
// CHECK: scf.if
// CHECK:   gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g64_u16_m64 blocks in (%{{.*}}, %c1, %c1) threads in (%c128, %c1, %c1)
// CHECK-SAME: %[[ORDER_DEV]] : memref<?xi32>
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.memcpy
// CHECK: bufferization.to_tensor
// CHECK: gpu.module @tsparse_kernels
// CHECK:   gpu.func @tsparse_wmma_f16_g64_u16_m64({{.*}}) workgroup({{.*}} : memref<64x16xf16, #gpu.address_space<workgroup>>, {{.*}} : memref<16x64xf16, #gpu.address_space<workgroup>>, {{.*}} : memref<64x64xf32, #gpu.address_space<workgroup>>) kernel
// CHECK:     gpu.block_id x
// CHECK:     memref.load %{{.*}} : memref<?xi32>
// CHECK-COUNT-4: gpu.subgroup_mma_load_matrix {{.*}} -> !gpu.mma_matrix<16x16xf32, "COp">
// CHECK:     scf.for {{.*}} iter_args
// CHECK:       gpu.barrier
// CHECK-COUNT-2: gpu.subgroup_mma_load_matrix {{.*}} -> !gpu.mma_matrix<16x16xf16, "AOp">
// CHECK:       gpu.subgroup_mma_load_matrix {{.*}} -> !gpu.mma_matrix<16x16xf16, "BOp">
// CHECK:       gpu.subgroup_mma_compute
// CHECK-COUNT-4: gpu.subgroup_mma_store_matrix
func.func @matmul_tw1d_static_schedule(%a: tensor<?x64xf16>, %c: tensor<?x192xf32>) -> tensor<?x192xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1, 1, 4]> : tensor<4xi32>,
    row_ids = dense<[2, 0, 1, 3]> : tensor<4xi32>,
    values = dense<1.0> : tensor<4096xf16>
  } : !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64, unit_k = 16>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x64xf16>, !tsparse.matrix<64x192xf16, #tsparse.layout<tile_n = 64, unit_k = 16>> -> tensor<?x192xf32>
  return %r : tensor<?x192xf32>
}

// -----

// A runtime matrix visits its tiles in index order; the kernel reads col_ids
// for the compacted layout.
// CHECK-LABEL: func.func @matmul_runtime_tw2d
// CHECK: %[[ORDER:.*]] = tensor.generate
// CHECK:   arith.index_cast %{{.*}} : index to i32
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g128_u1_c_m64
// CHECK: gpu.func @tsparse_wmma_f16_g128_u1_c_m64
func.func @matmul_runtime_tw2d(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

// -----

func.func @negative_f32_inputs(%a: tensor<4x64xf32>, %b: !tsparse.matrix<64x64xf32, #tsparse.layout<tile_n = 64>>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  // expected-error @+1 {{cannot be lowered to the GPU yet: expected f16 inputs but got 'f32'}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf32>, !tsparse.matrix<64x64xf32, #tsparse.layout<tile_n = 64>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

func.func @negative_f16_accumulator(%a: tensor<4x64xf16>, %b: !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>>, %c: tensor<4x64xf16>) -> tensor<4x64xf16> {
  // expected-error @+1 {{cannot be lowered to the GPU yet: expected an f32 accumulator but got 'f16'}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>> -> tensor<4x64xf16>
  return %r : tensor<4x64xf16>
}

// -----

func.func @negative_tile_width(%a: tensor<4x64xf16>, %b: !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 48>>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  // expected-error @+1 {{cannot be lowered to the GPU: expected tile_n to be a multiple of 32 up to 128 but got 48}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 48>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

func.func @negative_residual(%a: tensor<4x64xf16>, %b: !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64, residual = csr>>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  // expected-error @+1 {{cannot be lowered to the GPU yet: residual layouts (TEW) are not supported}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64, residual = csr>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}
