// A kernel with the signature of the fused tile-sparse kernels that the
// emulator must reject; see ../errors.test.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @race(%a: memref<?x?xf16>, %values: memref<?xf16>, %row_ids: memref<?xi32>, %tile_ptr: memref<?xi32>, %col_ids: memref<?xi32>, %work_tiles: memref<?xi32>, %work_rows: memref<?xi32>, %c: memref<?x?xf32>, %num_tiled: index, %num_m_tiles: index, %split_rows: index) workgroup(%smem: memref<64xf32, #gpu.address_space<workgroup>>) kernel attributes {known_block_size = array<i32: 64, 1, 1>} {
      %tid = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c32 = arith.constant 32 : index
      %c64 = arith.constant 64 : index
      %one = arith.constant 1.0 : f32
      // Thread t reads what thread t + 1 wrote, with no barrier between.
      memref.store %one, %smem[%tid] : memref<64xf32, #gpu.address_space<workgroup>>
      %next = arith.addi %tid, %c1 : index
      %wrapped = arith.remui %next, %c64 : index
      %v = memref.load %smem[%wrapped] : memref<64xf32, #gpu.address_space<workgroup>>
      memref.store %v, %c[%c0, %tid] : memref<?x?xf32>
      gpu.return
    }
  }
}
