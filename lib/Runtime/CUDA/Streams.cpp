//===- Streams.cpp - Streams and events -----------------------------------===//
//
// `!gpu.async.token`s lower to streams and events: every `gpu.wait async`
// takes a stream, a token used by several ops becomes an event. Streams come
// from a process-wide pool, so that a call does not create and destroy them.
//
//===----------------------------------------------------------------------===//

#include "CudaRuntime.h"
#include "DriverSupport.h"

#include <mutex>
#include <vector>

using namespace tsparse::cuda;

namespace {
/// Streams returned by mgpuStreamDestroy, ready for reuse.
struct StreamPool {
  std::mutex mutex;
  std::vector<CUstream> streams;
};
} // namespace

static StreamPool &getStreamPool() {
  static StreamPool pool;
  return pool;
}

CUstream mgpuStreamCreate() {
  StreamPool &pool = getStreamPool();
  {
    std::lock_guard<std::mutex> lock(pool.mutex);
    if (!pool.streams.empty()) {
      CUstream stream = pool.streams.back();
      pool.streams.pop_back();
      return stream;
    }
  }
  ScopedPrimaryContext context;
  CUstream stream = nullptr;
  TSPARSE_CU_CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  return stream;
}

void mgpuStreamDestroy(CUstream stream) {
  StreamPool &pool = getStreamPool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  pool.streams.push_back(stream);
}

void mgpuStreamSynchronize(CUstream stream) {
  TSPARSE_CU_CHECK(cuStreamSynchronize(stream));
}

void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  TSPARSE_CU_CHECK(cuStreamWaitEvent(stream, event, /*Flags=*/0));
}

CUevent mgpuEventCreate() {
  ScopedPrimaryContext context;
  CUevent event = nullptr;
  TSPARSE_CU_CHECK(cuEventCreate(&event, CU_EVENT_DISABLE_TIMING));
  return event;
}

void mgpuEventDestroy(CUevent event) {
  TSPARSE_CU_CHECK(cuEventDestroy(event));
}

void mgpuEventSynchronize(CUevent event) {
  TSPARSE_CU_CHECK(cuEventSynchronize(event));
}

void mgpuEventRecord(CUevent event, CUstream stream) {
  TSPARSE_CU_CHECK(cuEventRecord(event, stream));
}
