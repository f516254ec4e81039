// A kernel with the signature of the fused tile-sparse kernels that the
// emulator must reject; see ../errors.test.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @blocks_race(%a: memref<?x?xf16>, %values: memref<?xf16>, %row_ids: memref<?xi32>, %tile_ptr: memref<?xi32>, %col_ids: memref<?xi32>, %work_tiles: memref<?xi32>, %work_rows: memref<?xi32>, %c: memref<?x?xf32>, %num_tiled: index, %num_m_tiles: index, %split_rows: index) workgroup(%smem16: memref<2048xf16, #gpu.address_space<workgroup>>) kernel attributes {known_block_size = array<i32: 64, 1, 1>} {
      %tid = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %c32 = arith.constant 32 : index
      %one = arith.constant 1.0 : f32
      // Every block writes C[0][tid] plainly.
      memref.store %one, %c[%c0, %tid] : memref<?x?xf32>
      gpu.return
    }
  }
}
