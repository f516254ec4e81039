// Warp 0 produces a buffer of workgroup memory four times over and warp 1
// consumes it, ordered by two mbarriers and no block barrier: `full`, on
// which the producer announces a filling, and `empty`, on which the
// consumer releases the buffer. The emulator accepts it (the kernel computes
// nothing the reference knows, hence the mismatch); without either wait it
// reports the race. See ../errors.test.
!barriers = !nvgpu.mbarrier.group<memorySpace = #gpu.address_space<workgroup>>
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @handoff(%a: memref<?x?xf16>, %values: memref<?xf16>, %row_ids: memref<?xi32>, %tile_ptr: memref<?xi32>, %col_ids: memref<?xi32>, %work_tiles: memref<?xi32>, %work_rows: memref<?xi32>, %c: memref<?x?xf32>, %num_tiled: index, %num_m_tiles: index, %split_rows: index) workgroup(%smem: memref<32xf32, #gpu.address_space<workgroup>>) kernel attributes {known_block_size = array<i32: 64, 1, 1>} {
      %tid = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %c4 = arith.constant 4 : index
      %c32 = arith.constant 32 : index
      %ticks = arith.constant 10000000 : index
      %full = nvgpu.mbarrier.create -> !barriers
      %empty = nvgpu.mbarrier.create -> !barriers
      %first = arith.cmpi eq, %tid, %c0 : index
      scf.if %first {
        nvgpu.mbarrier.init %full[%c0], %c32 : !barriers
        nvgpu.mbarrier.init %empty[%c0], %c32 : !barriers
      }
      gpu.barrier
      %producer = arith.cmpi ult, %tid, %c32 : index
      scf.for %i = %c0 to %c4 step %c1 {
        // Round i waits on the phase of parity i % 2 of `full`, and the
        // producer on the phase before it of `empty` (parity 1 of a fresh
        // mbarrier counts as complete).
        %odd = arith.remui %i, %c2 : index
        %parity = arith.cmpi ne, %odd, %c0 : index
        %released = arith.cmpi eq, %odd, %c0 : index
        scf.if %producer {
          nvgpu.mbarrier.try_wait.parity %empty[%c0], %released, %ticks : !barriers
          %round = arith.index_cast %i : index to i32
          %value = arith.sitofp %round : i32 to f32
          memref.store %value, %smem[%tid] : memref<32xf32, #gpu.address_space<workgroup>>
          %token = nvgpu.mbarrier.arrive %full[%c0] : !barriers -> !nvgpu.mbarrier.token
        } else {
          nvgpu.mbarrier.try_wait.parity %full[%c0], %parity, %ticks : !barriers
          %lane = arith.subi %tid, %c32 : index
          %value = memref.load %smem[%lane] : memref<32xf32, #gpu.address_space<workgroup>>
          memref.store %value, %c[%i, %lane] : memref<?x?xf32>
          %token = nvgpu.mbarrier.arrive %empty[%c0] : !barriers -> !nvgpu.mbarrier.token
        }
      }
      gpu.return
    }
  }
}
