//===- Resident.cpp - Device copies of constants, uploaded once -----------===//
//
// The entry points behind `--tsparse-place-on-device`'s resident constants:
// a process-wide cache of device copies keyed by the host constant's address
// and size, so that weights are uploaded on the first call only.
//
//===----------------------------------------------------------------------===//

#include "CudaRuntime.h"
#include "DriverSupport.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

using namespace tsparse::cuda;

namespace {
/// The header of a ranked descriptor; sizes[rank] and strides[rank] follow.
struct DescriptorHeader {
  char *allocated;
  char *aligned;
  int64_t offset;
};
} // namespace

static size_t getDescriptorBytes(int64_t rank) {
  return sizeof(DescriptorHeader) + 2 * rank * sizeof(int64_t);
}

/// Returns the device copy of the `sizeBytes` at `host`, uploading them the
/// first time.
static void *getResidentCopy(const char *host, uint64_t sizeBytes) {
  static std::mutex mutex;
  static std::map<std::pair<const char *, uint64_t>, void *> copies;
  std::lock_guard<std::mutex> lock(mutex);
  void *&device = copies[{host, sizeBytes}];
  if (!device && sizeBytes) {
    ScopedPrimaryContext context;
    CUdeviceptr ptr = 0;
    TSPARSE_CU_CHECK(cuMemAlloc(&ptr, sizeBytes));
    TSPARSE_CU_CHECK(cuMemcpyHtoD(ptr, host, sizeBytes));
    device = reinterpret_cast<void *>(ptr);
  }
  return device;
}

static TSparseUnrankedMemRef makeResident(int64_t rank, void *descriptor,
                                          int64_t elementBytes) {
  auto *header = static_cast<DescriptorHeader *>(descriptor);
  auto *sizes = reinterpret_cast<int64_t *>(header + 1);
  // Constants are contiguous: the element count is the product of sizes.
  int64_t numElements = 1;
  for (int64_t dim = 0; dim < rank; ++dim)
    numElements *= sizes[dim];
  // i1 is stored as one byte per element.
  uint64_t sizeBytes = numElements * elementBytes;
  char *host = header->aligned + header->offset * elementBytes;
  auto *result =
      static_cast<DescriptorHeader *>(std::malloc(getDescriptorBytes(rank)));
  std::memcpy(result, descriptor, getDescriptorBytes(rank));
  result->allocated = result->aligned =
      static_cast<char *>(getResidentCopy(host, sizeBytes));
  result->offset = 0;
  return {rank, result};
}

#define TSPARSE_DEFINE_RESIDENT(suffix, bytes)                                 \
  TSparseUnrankedMemRef tsparseResident_##suffix(int64_t rank,                 \
                                                 void *descriptor) {           \
    return makeResident(rank, descriptor, bytes);                              \
  }
TSPARSE_DEFINE_RESIDENT(f16, 2)
TSPARSE_DEFINE_RESIDENT(bf16, 2)
TSPARSE_DEFINE_RESIDENT(f32, 4)
TSPARSE_DEFINE_RESIDENT(f64, 8)
TSPARSE_DEFINE_RESIDENT(i1, 1)
TSPARSE_DEFINE_RESIDENT(i8, 1)
TSPARSE_DEFINE_RESIDENT(i16, 2)
TSPARSE_DEFINE_RESIDENT(i32, 4)
TSPARSE_DEFINE_RESIDENT(i64, 8)
TSPARSE_DEFINE_RESIDENT(index, 8)
#undef TSPARSE_DEFINE_RESIDENT
