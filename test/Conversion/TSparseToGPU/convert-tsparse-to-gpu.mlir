// RUN: tsparse-opt %s --convert-tsparse-to-gpu --canonicalize --split-input-file --verify-diagnostics | FileCheck %s

// One launch computes every column tile of a compile-time matrix. The work
// list is the static schedule: tile 2 (3 kept units) before tile 0 (1 unit);
// the empty tile 1 is absent. The kernel starts from zero fragments, stages
// 32 kept rows at a time (A gathered by row_ids, packed B rows with 16-byte
// vector loads for full tiles), runs two k-steps of 16x16x16 WMMA per stage,
// 2 x (64 / 32) fragments per warp, and adds its tile to C atomically.
// CHECK-LABEL: func.func @matmul_tw1d_static_schedule
// CHECK-DAG: %[[WORK_TILES:.*]] = arith.constant dense<[2, 0]> : tensor<2xi32>
// CHECK-DAG: %[[WORK_ROWS:.*]] = arith.constant dense<0> : tensor<2xi32>
// CHECK: %[[TILES_HOST:.*]] = bufferization.to_buffer %[[WORK_TILES]] read_only
// CHECK: %[[TILES_DEV:.*]] = gpu.alloc
// CHECK: gpu.memcpy %[[TILES_DEV]]
// CHECK: scf.if
// CHECK:   gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g64_u16_m64 blocks in (%{{.*}}, %c1, %c1) threads in (%c128, %c1, %c1)
// CHECK-SAME: %[[TILES_DEV]] : memref<?xi32>
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.memcpy
// CHECK: bufferization.to_tensor
// CHECK: gpu.module @tsparse_kernels
// CHECK:   gpu.func @tsparse_wmma_f16_g64_u16_m64({{.*}}) workgroup({{.*}} : memref<64x40xf16, #gpu.address_space<workgroup>>, {{.*}} : memref<32x64xf16, #gpu.address_space<workgroup>>, {{.*}} : memref<64x68xf32, #gpu.address_space<workgroup>>) kernel
// CHECK:     gpu.block_id x
// CHECK:     gpu.subgroup_mma_constant_matrix {{.*}} : !gpu.mma_matrix<16x16xf32, "COp">
// CHECK:     scf.for {{.*}} iter_args
// CHECK:       vector.load {{.*}} {alignment = 16 : i64} : memref<?xf16>, vector<8xf16>
// CHECK:       gpu.barrier
// CHECK-COUNT-2: gpu.subgroup_mma_load_matrix {{.*}}[%{{.*}}, %c0] {leadDimension = 40 : index} {{.*}} -> !gpu.mma_matrix<16x16xf16, "AOp">
// CHECK:       gpu.subgroup_mma_load_matrix {{.*}} -> !gpu.mma_matrix<16x16xf16, "BOp">
// CHECK:       gpu.subgroup_mma_compute
// CHECK-COUNT-2: gpu.subgroup_mma_load_matrix {{.*}}[%{{.*}}, %c16] {leadDimension = 40 : index} {{.*}} -> !gpu.mma_matrix<16x16xf16, "AOp">
// CHECK-COUNT-4: gpu.subgroup_mma_store_matrix
// CHECK:     memref.atomic_rmw addf
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

// Long tiles are split into work items of at most 512 kept rows (split-K)
// when the product has fewer than 264 blocks at run time: tile 0 keeps 600
// rows, so it becomes two items starting at rows 0 and 512 (runs of 512);
// with M large enough it stays one item (runs of 2^31 - 1 rows).
// CHECK-LABEL: func.func @matmul_split_k
// CHECK-DAG: %[[SPLIT_TILES:.*]] = arith.constant dense<0> : tensor<2xi32>
// CHECK-DAG: %[[SPLIT_ROWS:.*]] = arith.constant dense<[0, 512]> : tensor<2xi32>
// CHECK-DAG: %[[WHOLE:.*]] = arith.constant dense<0> : tensor<1xi32>
// CHECK: %[[M_TILES:.*]] = arith.ceildivui %{{.*}}, %c64 : index
// CHECK: %[[USE_SPLIT:.*]] = arith.cmpi ult, %[[M_TILES]], %c264 : index
// CHECK: scf.if %[[USE_SPLIT]] -> (tensor<?xi32>, tensor<?xi32>)
// CHECK:   tensor.cast %[[SPLIT_TILES]]
// CHECK:   tensor.cast %[[SPLIT_ROWS]]
// CHECK: } else {
// CHECK:   tensor.cast %[[WHOLE]]
// CHECK: arith.select %[[USE_SPLIT]], %c2, %c1 : index
// CHECK: %[[ITEM_ROWS:.*]] = arith.select %[[USE_SPLIT]], %c512, %c2147483647 : index
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g32_u1_m64
// CHECK-SAME: %[[ITEM_ROWS]] : index)
func.func @matmul_split_k(%a: tensor<?x1024xf16>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %w = tsparse.constant {
    tile_ptr = dense<[0, 600]> : tensor<2xi32>,
    row_ids = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530, 531, 532, 533, 534, 535, 536, 537, 538, 539, 540, 541, 542, 543, 544, 545, 546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559, 560, 561, 562, 563, 564, 565, 566, 567, 568, 569, 570, 571, 572, 573, 574, 575, 576, 577, 578, 579, 580, 581, 582, 583, 584, 585, 586, 587, 588, 589, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599]> : tensor<600xi32>,
    values = dense<1.0> : tensor<19200xf16>
  } : !tsparse.matrix<1024x32xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %w, %c : tensor<?x1024xf16>, !tsparse.matrix<1024x32xf16, #tsparse.layout<tile_n = 32>> -> tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}

// -----

// A runtime matrix visits its tiles in index order, each whole; the kernel
// reads col_ids for the compacted layout.
// CHECK-LABEL: func.func @matmul_runtime_tw2d
// CHECK: tensor.generate
// CHECK:   arith.index_cast %{{.*}} : index to i32
// CHECK: tensor.generate
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g128_u1_c_m64
// CHECK: gpu.func @tsparse_wmma_f16_g128_u1_c_m64
func.func @matmul_runtime_tw2d(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

// -----

func.func @negative_f32_inputs(%a: tensor<4x64xf32>, %b: !tsparse.matrix<64x64xf32, #tsparse.layout<tile_n = 64>>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  // expected-error @+1 {{cannot be lowered to the GPU: expected f16 inputs (bf16 needs mma=mma-sync) but got 'f32' (compute-type=f16 or bf16 of the GPU pipeline, or --tsparse-narrow-products, rounds them)}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf32>, !tsparse.matrix<64x64xf32, #tsparse.layout<tile_n = 64>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

// The kernels handle tile_n a multiple of 32 up to 128 and no residual. A
// runtime matrix in another layout is unpacked and packed again, without
// masks, in the closest kernel layout (48 -> 64 columns).
// CHECK-LABEL: func.func @repack_runtime_tile_width
// CHECK: %[[DENSE:.*]] = memref.alloc() : memref<64x64xf16>
// CHECK: linalg.fill ins(%{{.*}} : f16) outs(%[[DENSE]] : memref<64x64xf16>)
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g64_u1_m64
func.func @repack_runtime_tile_width(%a: tensor<4x64xf16>, %w: tensor<64x64xf16>, %units: tensor<64x2xi1>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %b = tsparse.pack %w, %units : tensor<64x64xf16>, tensor<64x2xi1> -> !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 48>>
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 48>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

// A residual pack represents its operand exactly, so that is packed again
// directly, without a residual.
// CHECK-LABEL: func.func @repack_runtime_residual
// CHECK-NOT: memref<64x64xf16>
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g64_u1_m64
func.func @repack_runtime_residual(%a: tensor<4x64xf16>, %w: tensor<64x64xf16>, %units: tensor<64x1xi1>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %b = tsparse.pack %w, %units : tensor<64x64xf16>, tensor<64x1xi1> -> !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64, residual = csr>>
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64, residual = csr>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

// A constant whose values are not available cannot be repacked.
func.func @negative_elided_constant(%a: tensor<4x64xf16>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %b = tsparse.constant {tile_ptr = dense<[0, 1, 2, 3, 4]> : tensor<5xi32>, row_ids = dense<[0, 1, 0, 1]> : tensor<4xi32>, values = dense_resource<__elided__> : tensor<2048xf16>} : !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 16, unit_k = 32>>
  // expected-error @+1 {{cannot be lowered to the GPU: expected tile_n to be a multiple of 32 up to 128 and no residual, or constant values to repack, but got #tsparse.layout<tile_n = 16, unit_k = 32>}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 16, unit_k = 32>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

// Packed matrices do not cross function boundaries.
func.func @negative_matrix_argument(%a: tensor<4x64xf16>, %b: !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  // expected-error @+1 {{'tsparse.storage' op cannot be lowered to the GPU: its packed matrix is not built in this function (packed matrices cannot cross function boundaries)}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

// A compile-time matrix in 8-column tiles is repacked into the kernel layout
// that leaves the least work: here one compacted tile of the five columns
// with nonzeros (0, 1, 7, 14, 15) and their two kept rows.
// CHECK-LABEL: func.func @repack_narrow_tiles
// CHECK-DAG: arith.constant dense<[0, 1, 7, 14, 15]> : tensor<5xi32>
// CHECK-DAG: arith.constant dense<[0, 2]> : tensor<2xi32>
// CHECK-DAG: arith.constant dense<[1, 6]> : tensor<2xi32>
// CHECK-DAG: arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 4.000000e+00, 5.000000e+00]> : tensor<10xf16>
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g32_u1_c_m64
func.func @repack_narrow_tiles(%a: tensor<4x8xf16>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %b = tsparse.constant {tile_ptr = dense<[0, 1, 2]> : tensor<3xi32>, row_ids = dense<[1, 6]> : tensor<2xi32>, values = dense<[1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 5.0]> : tensor<16xf16>} : !tsparse.matrix<8x16xf16, #tsparse.layout<tile_n = 8>>
  %r = tsparse.matmul %a, %b, %c : tensor<4x8xf16>, !tsparse.matrix<8x16xf16, #tsparse.layout<tile_n = 8>> -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// A compile-time TEW matrix is repacked without its residual: the residual
// element (row 4, column 40) becomes a kept row of its tile, which is cheaper
// in 32-column tiles than in the original 64-column ones.
// CHECK-LABEL: func.func @repack_residual
// CHECK-DAG: arith.constant dense<[0, 2, 5]> : tensor<3xi32>
// CHECK-DAG: arith.constant dense<[0, 3, 0, 3, 4]> : tensor<5xi32>
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g32_u1_m64
func.func @repack_residual(%a: tensor<4x8xf16>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %b = tsparse.constant {tile_ptr = dense<[0, 2]> : tensor<2xi32>, row_ids = dense<[0, 3]> : tensor<2xi32>, values = dense<1.0> : tensor<128xf16>, residual_ptr = dense<[0, 0, 0, 0, 0, 1, 1, 1, 1]> : tensor<9xi32>, residual_cols = dense<[40]> : tensor<1xi32>, residual_values = dense<2.0> : tensor<1xf16>} : !tsparse.matrix<8x64xf16, #tsparse.layout<tile_n = 64, residual = csr>>
  %r = tsparse.matmul %a, %b, %c : tensor<4x8xf16>, !tsparse.matrix<8x64xf16, #tsparse.layout<tile_n = 64, residual = csr>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

func.func @negative_bf16_wmma(%a: tensor<4x64xbf16>, %b: !tsparse.matrix<64x64xbf16, #tsparse.layout<tile_n = 64>>, %c: tensor<4x64xf32>) -> tensor<4x64xf32> {
  // expected-error @+1 {{cannot be lowered to the GPU: expected f16 inputs (bf16 needs mma=mma-sync) but got 'bf16'}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xbf16>, !tsparse.matrix<64x64xbf16, #tsparse.layout<tile_n = 64>> -> tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// -----

// WMMA reads a K-major A too (threads walk along its kept rows) and writes a
// transposed C (threads walk along M).
// CHECK-LABEL: func.func @matmul_k_major_transposed
// CHECK-NOT: linalg.transpose
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g32_u1_ak_ct_m64
// CHECK: gpu.func @tsparse_wmma_f16_g32_u1_ak_ct_m64
// CHECK:   memref.dim %{{.*}}, %c1 : memref<?x?xf16>
func.func @matmul_k_major_transposed(%at: tensor<64x?xf16>, %b_dense: tensor<64x32xf16>, %m: index) -> tensor<32x?xf32> {
  %b = tsparse.pack %b_dense : tensor<64x32xf16> -> !tsparse.matrix<64x32xf16, #tsparse.layout<tile_n = 32>>
  %e = tensor.empty(%m) : tensor<?x64xf16>
  %a = linalg.transpose ins(%at : tensor<64x?xf16>) outs(%e : tensor<?x64xf16>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %ce = tensor.empty(%m) : tensor<?x32xf32>
  %c = linalg.fill ins(%zero : f32) outs(%ce : tensor<?x32xf32>) -> tensor<?x32xf32>
  %r = tsparse.matmul %a, %b, %c : tensor<?x64xf16>, !tsparse.matrix<64x32xf16, #tsparse.layout<tile_n = 32>> -> tensor<?x32xf32>
  %e2 = tensor.empty(%m) : tensor<32x?xf32>
  %rt = linalg.transpose ins(%r : tensor<?x32xf32>) outs(%e2 : tensor<32x?xf32>) permutation = [1, 0]
  return %rt : tensor<32x?xf32>
}

// -----

// A product yielded by a loop is copied back into its accumulator, so that
// the loop keeps one buffer.
// CHECK-LABEL: func.func @matmul_in_loop
// CHECK: scf.for
// CHECK: gpu.launch_func
// CHECK: %[[R:.*]] = bufferization.materialize_in_destination %{{.*}} in %{{.*}} : (tensor<?x64xf32>, tensor<?x64xf32>) -> tensor<?x64xf32>
// CHECK: scf.yield %[[R]]
func.func @matmul_in_loop(%x: tensor<?x64xf16>, %w: tensor<64x64xf16>, %acc: tensor<?x64xf32>, %n: index) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %p = tsparse.pack %w : tensor<64x64xf16> -> !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %acc) -> tensor<?x64xf32> {
    %y = tsparse.matmul %x, %p, %a : tensor<?x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x64xf32>
    scf.yield %y : tensor<?x64xf32>
  }
  return %r : tensor<?x64xf32>
}

// -----

// A product of a compile-time matrix applies its epilogue in the kernel as
// it stores whole tiles, here a narrowing one (f32 sums into an f16 C): the
// kernel takes the dropped columns, the number of tiles and the epilogue's
// operands after the usual arguments, and nothing runs after it. Its work
// list writes every element of C once, so the zero C is neither filled nor
// copied, only allocated, and the kernel (`_z`) stores without reading it.
// CHECK-LABEL: func.func @matmul_narrowing_epilogue
// Nine copies in (A, the four storage arrays, the two work arrays, the
// dropped columns, the bias), none of C.
// CHECK-NOT: linalg.fill
// CHECK-COUNT-9: gpu.memcpy
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g64_u16_z_outf16_m64_e{{[0-9A-F]+}}
// CHECK-SAME: %[[C:[a-z0-9_]+]] : memref<?x?xf16>, %{{[a-z0-9_]+}} : index, %{{[a-z0-9_]+}} : index, %{{[a-z0-9_]+}} : index, %{{[a-z0-9_]+}} : memref<?xi32>, %{{[a-z0-9_]+}} : index, %{{[a-z0-9_]+}} : memref<?xf32>)
// CHECK: gpu.memcpy %{{.*}}, %[[C]] :
// CHECK-NOT: linalg.generic
// CHECK: return
// CHECK: gpu.func @tsparse_wmma_f16_g64_u16_z_outf16_m64_e
// CHECK-NOT: memref.load %arg7
// CHECK: arith.truncf {{.*}} : f32 to f16
// CHECK: memref.store {{.*}}, %arg7
// CHECK: gpu.return
func.func @matmul_narrowing_epilogue(%a: tensor<?x64xf16>, %bias: tensor<64xf32>) -> tensor<?x64xf16> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f16
  %m = tensor.dim %a, %c0 : tensor<?x64xf16>
  %e = tensor.empty(%m) : tensor<?x64xf16>
  %c = linalg.fill ins(%zero : f16) outs(%e : tensor<?x64xf16>) -> tensor<?x64xf16>
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1]> : tensor<2xi32>,
    row_ids = dense<[1]> : tensor<1xi32>,
    values = dense<1.0> : tensor<1024xf16>
  } : !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64, unit_k = 16>>
  %r = tsparse.matmul %a, %w, %c epilogue(%bias : tensor<64xf32>) {
  ^bb0(%acc: f32, %b: f32):
    %s = arith.addf %acc, %b : f32
    %n = arith.truncf %s : f32 to f16
    tsparse.yield %n : f16
  } : tensor<?x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64, unit_k = 16>> -> tensor<?x64xf16>
  return %r : tensor<?x64xf16>
}

// -----

// A C filled with anything but zero is filled, copied and read as usual.
// CHECK-LABEL: func.func @matmul_epilogue_nonzero_c
// CHECK: linalg.fill
// CHECK-COUNT-10: gpu.memcpy
// CHECK-NOT: gpu.memcpy
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g64_u16_outf16_m64_e{{[0-9A-F]+}}
// CHECK: gpu.func @tsparse_wmma_f16_g64_u16_outf16_m64_e
// CHECK: memref.load %arg7
func.func @matmul_epilogue_nonzero_c(%a: tensor<?x64xf16>, %bias: tensor<64xf32>) -> tensor<?x64xf16> {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f16
  %m = tensor.dim %a, %c0 : tensor<?x64xf16>
  %e = tensor.empty(%m) : tensor<?x64xf16>
  %c = linalg.fill ins(%one : f16) outs(%e : tensor<?x64xf16>) -> tensor<?x64xf16>
  %w = tsparse.constant {
    tile_ptr = dense<[0, 1]> : tensor<2xi32>,
    row_ids = dense<[1]> : tensor<1xi32>,
    values = dense<1.0> : tensor<1024xf16>
  } : !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64, unit_k = 16>>
  %r = tsparse.matmul %a, %w, %c epilogue(%bias : tensor<64xf32>) {
  ^bb0(%acc: f32, %b: f32):
    %s = arith.addf %acc, %b : f32
    %n = arith.truncf %s : f32 to f16
    tsparse.yield %n : f16
  } : tensor<?x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64, unit_k = 16>> -> tensor<?x64xf16>
  return %r : tensor<?x64xf16>
}

// -----

// A runtime matrix may be split into partial tiles at run time: its
// epilogue runs after the product, as an element-wise op. A narrowing one
// runs the kernel on an f32 copy of C (a fill of the extended zero) and
// narrows into C.
// CHECK-LABEL: func.func @matmul_runtime_epilogue
// CHECK: %[[C:.*]] = linalg.fill ins(%{{.*}} : f16) outs(%{{.*}} : tensor<?x64xf16>)
// CHECK: %[[WIDE:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x64xf32>)
// CHECK: gpu.launch_func @tsparse_kernels::@tsparse_wmma_f16_g64_u1_m64 
// CHECK-SAME: memref<?x?xf32>
// CHECK: %[[PRODUCT:.*]] = bufferization.to_tensor
// CHECK: linalg.generic {{.*}} ins(%[[PRODUCT]], %{{.*}} : tensor<?x64xf32>, tensor<64xf32>) outs(%[[C]] : tensor<?x64xf16>)
// CHECK:   arith.truncf {{.*}} : f32 to f16
func.func @matmul_runtime_epilogue(%a: tensor<?x64xf16>, %w: tensor<64x64xf16>, %bias: tensor<64xf32>) -> tensor<?x64xf16> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f16
  %m = tensor.dim %a, %c0 : tensor<?x64xf16>
  %e = tensor.empty(%m) : tensor<?x64xf16>
  %c = linalg.fill ins(%zero : f16) outs(%e : tensor<?x64xf16>) -> tensor<?x64xf16>
  %p = tsparse.pack %w : tensor<64x64xf16> -> !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>>
  %r = tsparse.matmul %a, %p, %c epilogue(%bias : tensor<64xf32>) {
  ^bb0(%acc: f32, %b: f32):
    %s = arith.addf %acc, %b : f32
    %n = arith.truncf %s : f32 to f16
    tsparse.yield %n : f16
  } : tensor<?x64xf16>, !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x64xf16>
  return %r : tensor<?x64xf16>
}
