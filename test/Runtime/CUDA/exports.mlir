// REQUIRES: cuda-runtime
// RUN: tsparse-opt %s --convert-nvgpu-to-nvvm --gpu-to-llvm --convert-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-translate --mlir-to-llvmir -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: llvm-nm -D --defined-only %tsparse_cuda_runtime > %t.syms
// RUN: %python %S/Inputs/check_exports.py %t.ll %t.syms \
// RUN:   | FileCheck %s --check-prefix=EXPORTS

// Every host-side GPU op that tsparse may emit, lowered as a program using
// them would be: the runtime library must define each function the lowered
// code calls, with the signature pinned below (CudaRuntime.h mirrors it).
// The binaries are placeholders: only their format matters, `bin` loads
// through mgpuModuleLoad and `assembly` (PTX) through mgpuModuleLoadJIT.

// CHECK-DAG: declare void @mgpuSetDefaultDevice(i32)
// CHECK-DAG: declare ptr @mgpuModuleLoad(ptr, i64)
// CHECK-DAG: declare ptr @mgpuModuleLoadJIT(ptr, i32)
// CHECK-DAG: declare void @mgpuModuleUnload(ptr)
// CHECK-DAG: declare ptr @mgpuModuleGetFunction(ptr, ptr)
// CHECK-DAG: declare void @mgpuLaunchKernel(ptr, i64, i64, i64, i64, i64, i64, i32, ptr, ptr, ptr, i64)
// CHECK-DAG: declare void @mgpuLaunchClusterKernel(ptr, i64, i64, i64, i64, i64, i64, i64, i64, i64, i32, ptr, ptr, ptr)
// CHECK-DAG: declare ptr @mgpuStreamCreate()
// CHECK-DAG: declare void @mgpuStreamDestroy(ptr)
// CHECK-DAG: declare void @mgpuStreamSynchronize(ptr)
// CHECK-DAG: declare void @mgpuStreamWaitEvent(ptr, ptr)
// CHECK-DAG: declare ptr @mgpuEventCreate()
// CHECK-DAG: declare void @mgpuEventDestroy(ptr)
// CHECK-DAG: declare void @mgpuEventSynchronize(ptr)
// CHECK-DAG: declare void @mgpuEventRecord(ptr, ptr)
// CHECK-DAG: declare ptr @mgpuMemAlloc(i64, ptr, i8)
// CHECK-DAG: declare void @mgpuMemFree(ptr, ptr)
// CHECK-DAG: declare void @mgpuMemcpy(ptr, ptr, i64, ptr)
// CHECK-DAG: declare void @mgpuMemset32(ptr, i32, i64, ptr)
// CHECK-DAG: declare void @mgpuMemset16(ptr, i16, i64, ptr)
// CHECK-DAG: declare void @mgpuMemHostRegisterMemRef(i64, ptr, i64)
// CHECK-DAG: declare void @mgpuMemHostUnregisterMemRef(i64, ptr, i64)
// CHECK-DAG: declare ptr @mgpuTensorMapEncodeTiledMemref(i64, ptr, i64, i64, i64, i64, i64, ptr)
// CHECK-DAG: declare { i64, ptr } @tsparseResident_f32(i64, ptr)
// CHECK-DAG: declare { i64, ptr } @tsparseResident_i32(i64, ptr)

// EXPORTS-COUNT-25: defined: {{mgpu|tsparseResident_}}
// EXPORTS-NOT: missing

module attributes {gpu.container_module} {
  // Device copies of constants (--tsparse-place-on-device).
  func.func private @tsparseResident_f32(memref<*xf32>) -> memref<*xf32>
  func.func private @tsparseResident_i32(memref<*xi32>) -> memref<*xi32>
  memref.global "private" constant @weights : memref<4xf32> = dense<1.0>
  memref.global "private" constant @ids : memref<2xi32> = dense<[0, 1]>

  gpu.binary @cubin [#gpu.object<#nvvm.target<chip = "sm_90">, "CUBIN">]
  gpu.binary @ptx [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = "PTX">]

  func.func @host_ops(%host: memref<64xf32>, %n: index, %smem: i32,
                      %device: i32, %event: !gpu.async.token) {
    %c1 = arith.constant 1 : index
    %f = arith.constant 1.0 : f32
    %h = arith.constant 7 : i16
    gpu.set_default_device %device
    %unranked = memref.cast %host : memref<64xf32> to memref<*xf32>
    gpu.host_register %unranked : memref<*xf32>

    %t0 = gpu.wait async
    %buf, %t1 = gpu.alloc async [%t0] () : memref<64xf32>
    %half, %t2 = gpu.alloc async [%t1] () : memref<64xi16>
    %t3 = gpu.memcpy async [%t2] %buf, %host : memref<64xf32>, memref<64xf32>
    %t4 = gpu.memset async [%t3] %buf, %f : memref<64xf32>, f32
    %t5 = gpu.memset async [%t4] %half, %h : memref<64xi16>, i16
    %t6 = gpu.launch_func async [%t5] @cubin::@k
        blocks in (%n, %c1, %c1) threads in (%c1, %c1, %c1)
        args(%buf : memref<64xf32>)
    %t7 = gpu.launch_func async [%t6] @ptx::@k
        blocks in (%n, %c1, %c1) threads in (%c1, %c1, %c1)
        dynamic_shared_memory_size %smem args(%buf : memref<64xf32>)
    %t8 = gpu.launch_func async [%t7] @cubin::@k
        clusters in (%c1, %c1, %c1)
        blocks in (%n, %c1, %c1) threads in (%c1, %c1, %c1)
        args(%buf : memref<64xf32>)
    // Two users of %t8 turn it into an event that a new stream waits for.
    %t9 = gpu.wait async [%t8]
    %t10 = gpu.wait async [%t8]
    %t11 = gpu.wait async [%t9, %t10]
    %t12 = gpu.memcpy async [%t11] %host, %buf : memref<64xf32>, memref<64xf32>
    %t13 = gpu.dealloc async [%t12] %buf : memref<64xf32>
    %t14 = gpu.dealloc async [%t13] %half : memref<64xi16>
    gpu.wait [%t14]
    // A token not created by a stream-creating op is an event.
    gpu.wait [%event]

    // host_shared allocations cannot be asynchronous.
    %shared = gpu.alloc host_shared () : memref<64xf32>
    %s0 = gpu.wait async
    %s1 = gpu.dealloc async [%s0] %shared : memref<64xf32>
    gpu.wait [%s1]

    gpu.host_unregister %unranked : memref<*xf32>

    // The tensor map of a TMA-loading kernel.
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %tiles = memref.alloc() : memref<64x64xf16>
    %tilesUnranked = memref.cast %tiles : memref<64x64xf16> to memref<*xf16>
    %map = nvgpu.tma.create.descriptor %tilesUnranked box[%c32, %c64]
        : memref<*xf16> -> !nvgpu.tensormap.descriptor<tensor = memref<32x64xf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>

    %w = memref.get_global @weights : memref<4xf32>
    %wu = memref.cast %w : memref<4xf32> to memref<*xf32>
    %wd = func.call @tsparseResident_f32(%wu) : (memref<*xf32>) -> memref<*xf32>
    %i = memref.get_global @ids : memref<2xi32>
    %iu = memref.cast %i : memref<2xi32> to memref<*xi32>
    %id = func.call @tsparseResident_i32(%iu) : (memref<*xi32>) -> memref<*xi32>
    return
  }
}
