// A kernel with the signature of the fused tile-sparse kernels whose two
// views of dynamic shared memory overlap, and which reads through one what
// it wrote through the other without a barrier in between; see
// ../errors.test. A has 32 columns: the mma.sync kernel it replaces gathers
// a row-major A with K = 32, on which it is specialized.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @overlapping_views(%a: memref<?x32xf16>, %values: memref<?xf16>, %row_ids: memref<?xi32>, %tile_ptr: memref<?xi32>, %col_ids: memref<?xi32>, %work_tiles: memref<?xi32>, %work_rows: memref<?xi32>, %c: memref<?x?xf32>, %num_tiled: index, %num_m_tiles: index, %split_rows: index) kernel attributes {known_block_size = array<i32: 64, 1, 1>} {
      %c0 = arith.constant 0 : index
      %smem = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
      %first = memref.view %smem[%c0][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<64xf32, #gpu.address_space<workgroup>>
      %second = memref.view %smem[%c0][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<64xf32, #gpu.address_space<workgroup>>
      %t = gpu.thread_id x
      %one = arith.constant 1.0 : f32
      memref.store %one, %first[%t] : memref<64xf32, #gpu.address_space<workgroup>>
      %v = memref.load %second[%t] : memref<64xf32, #gpu.address_space<workgroup>>
      gpu.return
    }
  }
}
