//===- DriverSupport.cpp - Errors and contexts for the CUDA runtime -------===//
//
// Driver errors abort: the lowered host code has no way to observe them, and
// continuing with a null module or pointer only moves the failure elsewhere.
//
//===----------------------------------------------------------------------===//

#include "DriverSupport.h"
#include "CudaRuntime.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

using namespace tsparse::cuda;

/// The device ordinal that mgpuSetDefaultDevice selected on this thread.
static thread_local int32_t defaultDeviceOrdinal = 0;

void tsparse::cuda::reportDriverError(CUresult result, const char *call) {
  const char *name = nullptr;
  const char *description = nullptr;
  if (cuGetErrorName(result, &name) != CUDA_SUCCESS)
    name = "unknown CUresult";
  if (cuGetErrorString(result, &description) != CUDA_SUCCESS)
    description = "no description";
  std::fprintf(stderr, "tsparse_cuda_runtime: '%s' failed with %s (%d): %s\n",
               call, name, static_cast<int>(result), description);
  std::fflush(stderr);
  std::abort();
}

CUdevice tsparse::cuda::getDefaultDevice() {
  static std::once_flag initialized;
  std::call_once(initialized, [] { TSPARSE_CU_CHECK(cuInit(/*Flags=*/0)); });
  CUdevice device;
  TSPARSE_CU_CHECK(cuDeviceGet(&device, defaultDeviceOrdinal));
  return device;
}

/// Returns the primary context of `device`, retaining it on first use. It is
/// never released: modules may be unloaded from static destructors.
static CUcontext getPrimaryContext(CUdevice device) {
  static std::mutex mutex;
  static std::map<CUdevice, CUcontext> contexts;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = contexts.try_emplace(device, nullptr);
  if (inserted)
    TSPARSE_CU_CHECK(cuDevicePrimaryCtxRetain(&it->second, device));
  return it->second;
}

ScopedPrimaryContext::ScopedPrimaryContext() {
  CUcontext primary = getPrimaryContext(getDefaultDevice());
  CUcontext current = nullptr;
  TSPARSE_CU_CHECK(cuCtxGetCurrent(&current));
  if (current == primary)
    return;
  TSPARSE_CU_CHECK(cuCtxPushCurrent(primary));
  pushed = true;
}

ScopedPrimaryContext::~ScopedPrimaryContext() {
  if (pushed)
    TSPARSE_CU_CHECK(cuCtxPopCurrent(nullptr));
}

void mgpuSetDefaultDevice(int32_t device) { defaultDeviceOrdinal = device; }
