# Optional CUDA support: the CUDA runtime library that the host code of
# MLIR's GPU lowering calls. Without a CUDA toolkit nothing here is built and
# the rest of tsparse is unaffected.
#
# Sets TSPARSE_BUILD_CUDA_RUNTIME and, when it is ON, TSPARSE_CUDA_RUNTIME_PATH
# (the library lit tests load).

option(TSPARSE_ENABLE_CUDA_RUNTIME
  "Build libtsparse_cuda_runtime when a CUDA toolkit is found" ON)

set(TSPARSE_BUILD_CUDA_RUNTIME OFF)
set(TSPARSE_CUDA_RUNTIME_PATH "")
if(TSPARSE_ENABLE_CUDA_RUNTIME)
  if(NOT CUDAToolkit_ROOT AND NOT DEFINED ENV{CUDAToolkit_ROOT})
    set(CUDAToolkit_ROOT /usr/local/cuda)
  endif()
  find_package(CUDAToolkit QUIET)
  if(CUDAToolkit_FOUND AND TARGET CUDA::cuda_driver)
    set(TSPARSE_BUILD_CUDA_RUNTIME ON)
    set(TSPARSE_CUDA_RUNTIME_PATH
      "${LLVM_LIBRARY_OUTPUT_INTDIR}/${CMAKE_SHARED_LIBRARY_PREFIX}tsparse_cuda_runtime${CMAKE_SHARED_LIBRARY_SUFFIX}")
    message(STATUS "Building the CUDA runtime library against CUDA "
      "${CUDAToolkit_VERSION} (${CUDAToolkit_LIBRARY_DIR})")
  else()
    message(STATUS "CUDA toolkit not found: not building the CUDA runtime "
      "library (set CUDAToolkit_ROOT to enable it)")
  endif()
else()
  message(STATUS "TSPARSE_ENABLE_CUDA_RUNTIME is OFF: not building the CUDA "
    "runtime library")
endif()
