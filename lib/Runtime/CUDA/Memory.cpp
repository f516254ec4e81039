//===- Memory.cpp - Allocation, copies and host registration --------------===//
//
// The entry points behind `gpu.alloc`, `gpu.dealloc`, `gpu.memcpy`,
// `gpu.memset` and `gpu.host_register`. Pointers are unified virtual
// addresses, so one copy function serves every direction.
//
//===----------------------------------------------------------------------===//

#include "CudaRuntime.h"
#include "DriverSupport.h"

using namespace tsparse::cuda;

/// Returns `ptr` as the driver's device address type.
static CUdeviceptr toDevicePtr(void *ptr) {
  return reinterpret_cast<CUdeviceptr>(ptr);
}

/// Makes the default memory pool of the current context's device keep
/// freed memory instead of returning it to the system at each
/// synchronization, once per process.
static void keepPoolMemory() {
  static bool done = [] {
    CUdevice device;
    TSPARSE_CU_CHECK(cuCtxGetDevice(&device));
    CUmemoryPool pool;
    TSPARSE_CU_CHECK(cuDeviceGetDefaultMemPool(&pool, device));
    cuuint64_t threshold = ~cuuint64_t(0);
    TSPARSE_CU_CHECK(cuMemPoolSetAttribute(
        pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &threshold));
    return true;
  }();
  (void)done;
}

void *mgpuMemAlloc(uint64_t sizeBytes, CUstream stream, bool isHostShared) {
  if (sizeBytes == 0)
    return nullptr;
  ScopedPrimaryContext context;
  CUdeviceptr ptr = 0;
  if (isHostShared) {
    TSPARSE_CU_CHECK(cuMemAllocManaged(&ptr, sizeBytes, CU_MEM_ATTACH_GLOBAL));
  } else {
    keepPoolMemory();
    TSPARSE_CU_CHECK(cuMemAllocAsync(&ptr, sizeBytes, stream));
  }
  return reinterpret_cast<void *>(ptr);
}

void mgpuMemFree(void *ptr, CUstream stream) {
  if (!ptr)
    return;
  ScopedPrimaryContext context;
  // Managed memory is not pool memory: it is freed synchronously.
  unsigned int managed = 0;
  TSPARSE_CU_CHECK(cuPointerGetAttribute(
      &managed, CU_POINTER_ATTRIBUTE_IS_MANAGED, toDevicePtr(ptr)));
  if (managed) {
    TSPARSE_CU_CHECK(cuMemFree(toDevicePtr(ptr)));
    return;
  }
  TSPARSE_CU_CHECK(cuMemFreeAsync(toDevicePtr(ptr), stream));
}

void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, CUstream stream) {
  if (sizeBytes == 0)
    return;
  ScopedPrimaryContext context;
  TSPARSE_CU_CHECK(
      cuMemcpyAsync(toDevicePtr(dst), toDevicePtr(src), sizeBytes, stream));
}

void mgpuMemset32(void *dst, uint32_t value, size_t count, CUstream stream) {
  if (count == 0)
    return;
  ScopedPrimaryContext context;
  TSPARSE_CU_CHECK(cuMemsetD32Async(toDevicePtr(dst), value, count, stream));
}

void mgpuMemset16(void *dst, uint16_t value, size_t count, CUstream stream) {
  if (count == 0)
    return;
  ScopedPrimaryContext context;
  TSPARSE_CU_CHECK(cuMemsetD16Async(toDevicePtr(dst), value, count, stream));
}

void mgpuMemHostRegister(void *ptr, uint64_t sizeBytes) {
  ScopedPrimaryContext context;
  TSPARSE_CU_CHECK(cuMemHostRegister(ptr, sizeBytes, /*Flags=*/0));
}

void mgpuMemHostUnregister(void *ptr) {
  ScopedPrimaryContext context;
  TSPARSE_CU_CHECK(cuMemHostUnregister(ptr));
}

namespace {
/// The bytes a ranked memref with non-negative strides views: from its first
/// element to one past its last. Empty when any size is zero.
struct MemRefSpan {
  char *begin = nullptr;
  uint64_t sizeBytes = 0;
};
} // namespace

/// Reads the span of a descriptor laid out as {allocated, aligned, offset,
/// sizes[rank], strides[rank]}, the layout of the LLVM lowering of memrefs.
static MemRefSpan getMemRefSpan(int64_t rank, void *descriptor,
                                int64_t elementSizeBytes) {
  struct Header {
    char *allocated;
    char *aligned;
    int64_t offset;
  };
  auto *header = static_cast<Header *>(descriptor);
  auto *sizes = reinterpret_cast<int64_t *>(header + 1);
  int64_t *strides = sizes + rank;
  int64_t lastElement = 0;
  for (int64_t dim = 0; dim < rank; ++dim) {
    if (sizes[dim] == 0)
      return {};
    lastElement += (sizes[dim] - 1) * strides[dim];
  }
  return {header->aligned + header->offset * elementSizeBytes,
          static_cast<uint64_t>((lastElement + 1) * elementSizeBytes)};
}

void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementSizeBytes) {
  MemRefSpan span = getMemRefSpan(rank, descriptor, elementSizeBytes);
  if (span.sizeBytes)
    mgpuMemHostRegister(span.begin, span.sizeBytes);
}

void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementSizeBytes) {
  MemRefSpan span = getMemRefSpan(rank, descriptor, elementSizeBytes);
  if (span.sizeBytes)
    mgpuMemHostUnregister(span.begin);
}
