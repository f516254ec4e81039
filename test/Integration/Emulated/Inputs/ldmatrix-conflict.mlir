// A kernel with the signature of the fused tile-sparse kernels whose
// ldmatrix rows are 128 bytes apart without a swizzle, so that the 8 rows of
// every phase fall in the same banks; see ../memory-model.test.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @ldmatrix_conflict(%a: memref<?x?xf16>, %values: memref<?xf16>, %row_ids: memref<?xi32>, %tile_ptr: memref<?xi32>, %col_ids: memref<?xi32>, %work_tiles: memref<?xi32>, %work_rows: memref<?xi32>, %c: memref<?x?xf32>, %num_tiled: index, %num_m_tiles: index, %split_rows: index) workgroup(%smem16: memref<2048xf16, #gpu.address_space<workgroup>>) kernel attributes {known_block_size = array<i32: 32, 1, 1>} {
      %tid = gpu.thread_id x
      %c64 = arith.constant 64 : index
      %row = arith.muli %tid, %c64 : index
      %m = nvgpu.ldmatrix %smem16[%row] {numTiles = 4 : i32, transpose = false} : memref<2048xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
      %e = vector.extract %m[0, 0] : f16 from vector<4x2xf16>
      %f = arith.extf %e : f16 to f32
      %c0 = arith.constant 0 : index
      memref.store %f, %c[%c0, %tid] : memref<?x?xf32>
      gpu.return
    }
  }
}
