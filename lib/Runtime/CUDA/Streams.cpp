//===- Streams.cpp - Streams and events -----------------------------------===//
//
// `!gpu.async.token`s lower to streams and events: every `gpu.wait async`
// creates a stream, a token used by several ops becomes an event.
//
//===----------------------------------------------------------------------===//

#include "CudaRuntime.h"
#include "DriverSupport.h"

using namespace tsparse::cuda;

CUstream mgpuStreamCreate() {
  ScopedPrimaryContext context;
  CUstream stream = nullptr;
  TSPARSE_CU_CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  return stream;
}

void mgpuStreamDestroy(CUstream stream) {
  TSPARSE_CU_CHECK(cuStreamDestroy(stream));
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
