# Installs tsparse as a CMake package: `find_package(TSparse)` then link
# TSparse::TSparseIR, TSparse::TSparseTransforms or TSparse::TSparsePipelines.

include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(TSPARSE_LIBRARIES TSparseIR TSparseTransforms TSparseCommonTransforms
  TSparseToGPU TSparsePipelines)
set(TSPARSE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/tsparse)

foreach(lib ${TSPARSE_LIBRARIES})
  target_include_directories(${lib} INTERFACE
    $<BUILD_INTERFACE:${TSPARSE_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${TSPARSE_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()

install(TARGETS ${TSPARSE_LIBRARIES}
  EXPORT TSparseTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS tsparse-opt tsparse-gpu-emulate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TSPARSE_BUILD_CUDA_RUNTIME)
  install(TARGETS tsparse_cuda_runtime
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()

install(DIRECTORY ${TSPARSE_SOURCE_DIR}/include/tsparse
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${TSPARSE_BINARY_DIR}/include/tsparse
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.inc")

install(EXPORT TSparseTargets
  NAMESPACE TSparse::
  DESTINATION ${TSPARSE_INSTALL_CMAKEDIR})

configure_package_config_file(
  ${TSPARSE_SOURCE_DIR}/cmake/TSparseConfig.cmake.in
  ${TSPARSE_BINARY_DIR}/cmake/TSparseConfig.cmake
  INSTALL_DESTINATION ${TSPARSE_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  ${TSPARSE_BINARY_DIR}/cmake/TSparseConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${TSPARSE_BINARY_DIR}/cmake/TSparseConfig.cmake
  ${TSPARSE_BINARY_DIR}/cmake/TSparseConfigVersion.cmake
  DESTINATION ${TSPARSE_INSTALL_CMAKEDIR})
