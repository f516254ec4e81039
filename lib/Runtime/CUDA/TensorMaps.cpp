//===- TensorMaps.cpp - TMA tensor maps -----------------------------------===//
//
// The entry point behind `nvgpu.tma.create.descriptor`: encodes a tiled
// tensor map of a device memref for TMA loads and returns it in device
// memory, where the kernels that load through it read it. Maps are kept
// by content, so a program that runs again on the same buffers (resident
// weights) reuses them instead of allocating per call.
//
//===----------------------------------------------------------------------===//

#include "CudaRuntime.h"
#include "DriverSupport.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

using namespace tsparse::cuda;

/// The most tensor maps kept: past it, the device is synchronized (no
/// kernel still reads one) and they are freed.
static constexpr size_t kMaxTensorMaps = 1024;

/// Bytes of an element of `type`, the CUtensorMapDataType enum.
static uint64_t getElementBytes(int64_t type) {
  switch (type) {
  case CU_TENSOR_MAP_DATA_TYPE_UINT8:
    return 1;
  case CU_TENSOR_MAP_DATA_TYPE_UINT16:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT16:
  case CU_TENSOR_MAP_DATA_TYPE_BFLOAT16:
    return 2;
  case CU_TENSOR_MAP_DATA_TYPE_UINT64:
  case CU_TENSOR_MAP_DATA_TYPE_INT64:
  case CU_TENSOR_MAP_DATA_TYPE_FLOAT64:
    return 8;
  default:
    return 4;
  }
}

void *mgpuTensorMapEncodeTiledMemref(int64_t rank, void *descriptor,
                                     int64_t dataType, int64_t interleave,
                                     int64_t swizzle, int64_t l2Promotion,
                                     int64_t oobFill, int64_t *boxDims) {
  if (rank < 1 || rank > 5) {
    std::fprintf(stderr, "tsparse runtime: a tensor map of rank %lld\n",
                 static_cast<long long>(rank));
    std::abort();
  }
  // A ranked descriptor: allocated and aligned pointers, offset, then rank
  // sizes and rank strides. The driver takes dimensions innermost first.
  struct Header {
    char *allocated, *aligned;
    int64_t offset;
  };
  auto *header = static_cast<Header *>(descriptor);
  auto *sizes = reinterpret_cast<int64_t *>(header + 1);
  int64_t *strides = sizes + rank;
  uint64_t elementBytes = getElementBytes(dataType);
  cuuint64_t globalDim[5], globalStrides[4];
  cuuint32_t boxDim[5], elementStrides[5];
  for (int64_t d = 0; d < rank; ++d) {
    globalDim[d] = sizes[rank - 1 - d];
    boxDim[d] = static_cast<cuuint32_t>(boxDims[rank - 1 - d]);
    elementStrides[d] = 1;
    if (d > 0)
      globalStrides[d - 1] = strides[rank - 1 - d] * elementBytes;
  }
  void *address = header->aligned + header->offset * elementBytes;

  ScopedPrimaryContext context;
  CUtensorMap map;
  TSPARSE_CU_CHECK(cuTensorMapEncodeTiled(
      &map, static_cast<CUtensorMapDataType>(dataType),
      static_cast<cuuint32_t>(rank), address, globalDim, globalStrides, boxDim,
      elementStrides, static_cast<CUtensorMapInterleave>(interleave),
      static_cast<CUtensorMapSwizzle>(swizzle),
      static_cast<CUtensorMapL2promotion>(l2Promotion),
      static_cast<CUtensorMapFloatOOBfill>(oobFill)));

  static std::mutex mutex;
  static std::map<std::string, CUdeviceptr> maps;
  std::lock_guard<std::mutex> lock(mutex);
  std::string key(reinterpret_cast<const char *>(&map), sizeof(map));
  if (auto it = maps.find(key); it != maps.end())
    return reinterpret_cast<void *>(it->second);
  if (maps.size() >= kMaxTensorMaps) {
    TSPARSE_CU_CHECK(cuCtxSynchronize());
    for (auto &[bytes, pointer] : maps)
      TSPARSE_CU_CHECK(cuMemFree(pointer));
    maps.clear();
  }
  CUdeviceptr pointer;
  TSPARSE_CU_CHECK(cuMemAlloc(&pointer, sizeof(map)));
  TSPARSE_CU_CHECK(cuMemcpyHtoD(pointer, &map, sizeof(map)));
  maps.emplace(std::move(key), pointer);
  return reinterpret_cast<void *>(pointer);
}
