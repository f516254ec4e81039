//===- CudaRuntime.h - C ABI of MLIR's lowered GPU host code ----*- C++ -*-===//
//
// The functions that MLIR 22's `gpu-to-llvm` lowering and the LLVM IR
// translation of `gpu.binary` / `gpu.launch_func` call, implemented over the
// CUDA driver API. The signatures mirror the emitted declarations: `index`
// becomes intptr_t, `!llvm.ptr` a pointer, integers keep their width.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_LIB_RUNTIME_CUDA_CUDARUNTIME_H
#define TSPARSE_LIB_RUNTIME_CUDA_CUDARUNTIME_H

#include <cuda.h>

#include <cstddef>
#include <cstdint>

/// Marks a function as part of the library's exported ABI; everything else
/// has hidden visibility.
#define TSPARSE_CUDA_RUNTIME_EXPORT                                            \
  extern "C" __attribute__((visibility("default")))

//===----------------------------------------------------------------------===//
// Devices, modules and launches
//===----------------------------------------------------------------------===//

/// Selects the device whose primary context later calls on this thread use
/// (`gpu.set_default_device`).
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuSetDefaultDevice(int32_t device);

/// Loads a cubin or fatbin of `sizeBytes` bytes (`gpu.binary` in `bin` or
/// `fatbin` format).
TSPARSE_CUDA_RUNTIME_EXPORT CUmodule mgpuModuleLoad(void *data,
                                                    size_t sizeBytes);

/// JIT-compiles and loads null-terminated PTX (`gpu.binary` in `isa` format)
/// at optimization level `optLevel`.
TSPARSE_CUDA_RUNTIME_EXPORT CUmodule mgpuModuleLoadJIT(void *data,
                                                       int32_t optLevel);

/// Unloads a module returned by mgpuModuleLoad or mgpuModuleLoadJIT.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuModuleUnload(CUmodule module);

/// Returns the kernel `name` of `module`.
TSPARSE_CUDA_RUNTIME_EXPORT CUfunction mgpuModuleGetFunction(CUmodule module,
                                                             const char *name);

/// Launches `function` on `stream` with `smemBytes` bytes of dynamic shared
/// memory, opting in to more than the default limit where needed.
/// `paramsCount` is the number of entries of `params`.
TSPARSE_CUDA_RUNTIME_EXPORT void
mgpuLaunchKernel(CUfunction function, intptr_t gridX, intptr_t gridY,
                 intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                 intptr_t blockZ, int32_t smemBytes, CUstream stream,
                 void **params, void **extra, size_t paramsCount);

/// Like mgpuLaunchKernel, with thread block clusters of the given shape
/// (`gpu.launch_func ... clusters in (...)`, sm_90 and newer).
TSPARSE_CUDA_RUNTIME_EXPORT void
mgpuLaunchClusterKernel(CUfunction function, intptr_t clusterX,
                        intptr_t clusterY, intptr_t clusterZ, intptr_t gridX,
                        intptr_t gridY, intptr_t gridZ, intptr_t blockX,
                        intptr_t blockY, intptr_t blockZ, int32_t smemBytes,
                        CUstream stream, void **params, void **extra);

//===----------------------------------------------------------------------===//
// Streams and events
//===----------------------------------------------------------------------===//

/// Returns a stream that does not synchronize with the legacy null stream:
/// one that an earlier mgpuStreamDestroy returned to the pool, or a new one.
TSPARSE_CUDA_RUNTIME_EXPORT CUstream mgpuStreamCreate();

/// Returns `stream` to the pool (its queued work still runs in order).
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuStreamDestroy(CUstream stream);

/// Blocks until all work queued on `stream` has finished.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuStreamSynchronize(CUstream stream);

/// Makes future work on `stream` wait for `event`.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuStreamWaitEvent(CUstream stream,
                                                     CUevent event);

/// Creates an event without timing.
TSPARSE_CUDA_RUNTIME_EXPORT CUevent mgpuEventCreate();

/// Destroys `event`.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuEventDestroy(CUevent event);

/// Blocks until `event` has completed.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuEventSynchronize(CUevent event);

/// Records `event` on `stream`.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuEventRecord(CUevent event,
                                                 CUstream stream);

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

/// Allocates `sizeBytes` of device memory ordered on `stream` from the
/// device's memory pool (which keeps freed memory for reuse), or of managed
/// memory visible to the host when `isHostShared` is set
/// (`gpu.alloc host_shared`).
TSPARSE_CUDA_RUNTIME_EXPORT void *
mgpuMemAlloc(uint64_t sizeBytes, CUstream stream, bool isHostShared);

/// Frees memory returned by mgpuMemAlloc, ordered on `stream`.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuMemFree(void *ptr, CUstream stream);

/// Copies `sizeBytes` between any two host or device addresses on `stream`.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuMemcpy(void *dst, void *src,
                                            size_t sizeBytes, CUstream stream);

/// Sets `count` 32-bit words at `dst` to `value` on `stream`.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuMemset32(void *dst, uint32_t value,
                                              size_t count, CUstream stream);

/// Sets `count` 16-bit words at `dst` to `value` on `stream`.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuMemset16(void *dst, uint16_t value,
                                              size_t count, CUstream stream);

/// Page-locks `sizeBytes` of host memory at `ptr` for the device.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuMemHostRegister(void *ptr,
                                                     uint64_t sizeBytes);

/// Undoes mgpuMemHostRegister.
TSPARSE_CUDA_RUNTIME_EXPORT void mgpuMemHostUnregister(void *ptr);

/// Page-locks the memory spanned by a ranked memref descriptor of rank `rank`
/// (`gpu.host_register`).
TSPARSE_CUDA_RUNTIME_EXPORT void
mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                          int64_t elementSizeBytes);

/// Undoes mgpuMemHostRegisterMemRef (`gpu.host_unregister`).
TSPARSE_CUDA_RUNTIME_EXPORT void
mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                            int64_t elementSizeBytes);

//===----------------------------------------------------------------------===//
// TMA tensor maps
//===----------------------------------------------------------------------===//

/// `nvgpu.tma.create.descriptor`: a tiled tensor map of the memref whose
/// ranked descriptor (rank `rank`) is `descriptor`, with the driver's enums
/// for its element type, interleave, swizzle, L2 promotion and
/// out-of-bounds fill and `boxDims` (outermost first), copied to device
/// memory; returns its device address. A map of the same contents is
/// returned again.
TSPARSE_CUDA_RUNTIME_EXPORT void *mgpuTensorMapEncodeTiledMemref(
    int64_t rank, void *descriptor, int64_t dataType, int64_t interleave,
    int64_t swizzle, int64_t l2Promotion, int64_t oobFill, int64_t *boxDims);

//===----------------------------------------------------------------------===//
// Resident constants
//===----------------------------------------------------------------------===//

/// An unranked memref as the LLVM lowering passes it: the rank and a pointer
/// to a ranked descriptor.
struct TSparseUnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

/// `tsparseResident_<type>` (`--tsparse-place-on-device`): returns a device
/// copy of the contiguous host constant `host`, uploaded on the first call
/// for its address and size and returned again by later calls. The result's
/// descriptor is allocated with malloc, which the caller frees after copying
/// it, as the lowering of unranked memref results expects.
#define TSPARSE_DECLARE_RESIDENT(suffix)                                       \
  TSPARSE_CUDA_RUNTIME_EXPORT TSparseUnrankedMemRef tsparseResident_##suffix(  \
      int64_t rank, void *descriptor);
TSPARSE_DECLARE_RESIDENT(f16)
TSPARSE_DECLARE_RESIDENT(bf16)
TSPARSE_DECLARE_RESIDENT(f32)
TSPARSE_DECLARE_RESIDENT(f64)
TSPARSE_DECLARE_RESIDENT(i1)
TSPARSE_DECLARE_RESIDENT(i8)
TSPARSE_DECLARE_RESIDENT(i16)
TSPARSE_DECLARE_RESIDENT(i32)
TSPARSE_DECLARE_RESIDENT(i64)
TSPARSE_DECLARE_RESIDENT(index)
#undef TSPARSE_DECLARE_RESIDENT

#endif // TSPARSE_LIB_RUNTIME_CUDA_CUDARUNTIME_H
