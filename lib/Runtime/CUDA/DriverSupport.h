//===- DriverSupport.h - Errors and contexts of the runtime -----*- C++ -*-===//
//
// What every entry point of the runtime shares: failing loudly on driver
// errors and running driver calls in the default device's primary context.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_LIB_RUNTIME_CUDA_DRIVERSUPPORT_H
#define TSPARSE_LIB_RUNTIME_CUDA_DRIVERSUPPORT_H

#include <cuda.h>

namespace tsparse::cuda {

/// Prints `call`, the name and description of `result` to stderr and aborts.
[[noreturn]] void reportDriverError(CUresult result, const char *call);

/// Aborts with a message naming `call` unless `result` is CUDA_SUCCESS.
inline void checkDriverCall(CUresult result, const char *call) {
  if (result != CUDA_SUCCESS)
    reportDriverError(result, call);
}

/// Makes the primary context of this thread's default device current for the
/// guard's lifetime and then restores the previous one. The primary context is
/// the one the CUDA runtime API (and so cuBLAS) uses, so memory and streams
/// are shared with them.
class ScopedPrimaryContext {
public:
  ScopedPrimaryContext();
  ~ScopedPrimaryContext();
  ScopedPrimaryContext(const ScopedPrimaryContext &) = delete;
  ScopedPrimaryContext &operator=(const ScopedPrimaryContext &) = delete;

private:
  bool pushed = false;
};

/// Returns the device selected by mgpuSetDefaultDevice on this thread.
CUdevice getDefaultDevice();

} // namespace tsparse::cuda

/// Checks the CUresult of a driver call, naming the call on failure.
#define TSPARSE_CU_CHECK(call) ::tsparse::cuda::checkDriverCall((call), #call)

#endif // TSPARSE_LIB_RUNTIME_CUDA_DRIVERSUPPORT_H
