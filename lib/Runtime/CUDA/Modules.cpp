//===- Modules.cpp - Module loading and kernel launches -------------------===//
//
// The entry points behind `gpu.binary` (loaded from global constructors) and
// `gpu.launch_func`.
//
//===----------------------------------------------------------------------===//

#include "CudaRuntime.h"
#include "DriverSupport.h"

#include <cstdio>
#include <cstdlib>
#include <iterator>

using namespace tsparse::cuda;

CUmodule mgpuModuleLoad(void *data, size_t /*sizeBytes*/) {
  ScopedPrimaryContext context;
  CUmodule module = nullptr;
  TSPARSE_CU_CHECK(cuModuleLoadData(&module, data));
  return module;
}

CUmodule mgpuModuleLoadJIT(void *data, int32_t optLevel) {
  ScopedPrimaryContext context;
  char errorLog[8192] = {};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {errorLog, reinterpret_cast<void *>(sizeof(errorLog)),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  CUmodule module = nullptr;
  CUresult result =
      cuModuleLoadDataEx(&module, data, std::size(options), options, values);
  if (result != CUDA_SUCCESS && errorLog[0])
    std::fprintf(stderr, "tsparse_cuda_runtime: PTX JIT log:\n%s\n", errorLog);
  TSPARSE_CU_CHECK(result);
  return module;
}

void mgpuModuleUnload(CUmodule module) {
  // Lowered programs unload their modules from global destructors, which may
  // run after the driver has shut down and released every module already.
  CUresult result = cuModuleUnload(module);
  if (result == CUDA_ERROR_DEINITIALIZED)
    return;
  TSPARSE_CU_CHECK(result);
}

CUfunction mgpuModuleGetFunction(CUmodule module, const char *name) {
  CUfunction function = nullptr;
  CUresult result = cuModuleGetFunction(&function, module, name);
  if (result != CUDA_SUCCESS)
    std::fprintf(stderr, "tsparse_cuda_runtime: no kernel '%s'\n", name);
  TSPARSE_CU_CHECK(result);
  return function;
}

/// Raises the dynamic shared memory limit of `function` to `smemBytes` when it
/// is lower. Kernels get at most 48 KiB (less their static shared memory)
/// unless they opt in to more.
static void reserveDynamicSharedMemory(CUfunction function, int32_t smemBytes) {
  int limit = 0;
  TSPARSE_CU_CHECK(cuFuncGetAttribute(
      &limit, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, function));
  if (smemBytes <= limit)
    return;
  CUresult result = cuFuncSetAttribute(
      function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smemBytes);
  if (result != CUDA_SUCCESS) {
    int optInLimit = 0;
    cuDeviceGetAttribute(&optInLimit,
                         CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                         getDefaultDevice());
    std::fprintf(stderr,
                 "tsparse_cuda_runtime: kernel asks for %d bytes of dynamic "
                 "shared memory; the device allows at most %d per block\n",
                 smemBytes, optInLimit);
  }
  TSPARSE_CU_CHECK(result);
}

void mgpuLaunchKernel(CUfunction function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smemBytes, CUstream stream,
                      void **params, void **extra, size_t /*paramsCount*/) {
  ScopedPrimaryContext context;
  reserveDynamicSharedMemory(function, smemBytes);
  TSPARSE_CU_CHECK(cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY,
                                  blockZ, smemBytes, stream, params, extra));
}

void mgpuLaunchClusterKernel(CUfunction function, intptr_t clusterX,
                             intptr_t clusterY, intptr_t clusterZ,
                             intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                             intptr_t blockX, intptr_t blockY, intptr_t blockZ,
                             int32_t smemBytes, CUstream stream, void **params,
                             void **extra) {
  ScopedPrimaryContext context;
  reserveDynamicSharedMemory(function, smemBytes);
  // Portable cluster sizes stop at 8 blocks; larger ones need an opt-in.
  if (clusterX * clusterY * clusterZ > 8)
    TSPARSE_CU_CHECK(cuFuncSetAttribute(
        function, CU_FUNC_ATTRIBUTE_NON_PORTABLE_CLUSTER_SIZE_ALLOWED, 1));

  CUlaunchAttribute clusterShape = {};
  clusterShape.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  clusterShape.value.clusterDim.x = clusterX;
  clusterShape.value.clusterDim.y = clusterY;
  clusterShape.value.clusterDim.z = clusterZ;

  CUlaunchConfig config = {};
  // The grid counts blocks, not clusters, as in `gpu.launch_func`.
  config.gridDimX = gridX;
  config.gridDimY = gridY;
  config.gridDimZ = gridZ;
  config.blockDimX = blockX;
  config.blockDimY = blockY;
  config.blockDimZ = blockZ;
  config.sharedMemBytes = smemBytes;
  config.hStream = stream;
  config.attrs = &clusterShape;
  config.numAttrs = 1;
  TSPARSE_CU_CHECK(cuLaunchKernelEx(&config, function, params, extra));
}
