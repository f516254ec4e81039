# -*- Python -*-
"""lit configuration of the tsparse regression tests."""

import ctypes
import os
import shutil
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "TSPARSE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py",
                   "Inputs", "consumer"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tsparse_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%shlibext", config.llvm_shlib_ext))
config.substitutions.append(("%tsparse_src_root", config.tsparse_src_root))
config.substitutions.append(("%tsparse_obj_root", config.tsparse_obj_root))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cxx", config.cxx_compiler))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Tools come from the build (tsparse-opt) and from LLVM (FileCheck, mlir-runner).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.tsparse_tools_dir, config.llvm_tools_dir]
tools = ["tsparse-opt", "tsparse-gpu-emulate", "mlir-runner", "mlir-translate", "llvm-nm"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Shared libraries for executing lowered programs on the host CPU.
for name in ["mlir_c_runner_utils", "mlir_runner_utils"]:
    path = os.path.join(config.llvm_lib_dir, "lib" + name + config.llvm_shlib_ext)
    config.substitutions.append(("%" + name, path))
    if os.path.exists(path):
        config.available_features.add("lib" + name)

# OpenMP runtime for programs lowered with --tsparse-cpu-pipeline=parallel=1.
libomp = os.path.join(config.llvm_lib_dir, "libomp" + config.llvm_shlib_ext)
config.substitutions.append(("%libomp", libomp))
if os.path.exists(libomp):
    config.available_features.add("libomp")

# Sanitized binaries need the ASan runtime ahead of the JIT's dlopen calls.
if config.enable_sanitizers:
    config.available_features.add("sanitizers")
    # LLVM's BumpPtrAllocator poisons the unused part of its slabs in the
    # instrumented inline code, and the uninstrumented libMLIR then hands out
    # that memory without unpoisoning it: only real errors are wanted.
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0:allow_user_poisoning=0"

# CUDA tools: ptxas to check generated PTX, nvcc to compile the GPU
# benchmark drivers. Looked up in the toolkit CMake found, /usr/local/cuda,
# then PATH.
def find_cuda_tool(name):
    candidates = [
        os.path.join(d, name)
        for d in [config.cuda_toolkit_bin_dir, "/usr/local/cuda/bin"] if d
    ]
    return next((p for p in candidates if os.access(p, os.X_OK)),
                shutil.which(name))


for tool in ["ptxas", "nvcc"]:
    path = find_cuda_tool(tool)
    if path:
        config.available_features.add(tool)
        config.substitutions.append(("%" + tool, path))

# The CUDA runtime library, built only when CMake found a CUDA toolkit.
if config.tsparse_cuda_runtime:
    config.available_features.add("cuda-runtime")
    config.substitutions.append(("%tsparse_cuda_runtime",
                                 config.tsparse_cuda_runtime))


def has_cuda_device():
    """Whether the CUDA driver loads and reports at least one device."""
    try:
        driver = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    count = ctypes.c_int(0)
    return (driver.cuInit(0) == 0 and
            driver.cuDeviceGetCount(ctypes.byref(count)) == 0 and
            count.value > 0)


if config.tsparse_cuda_runtime and has_cuda_device():
    config.available_features.add("cuda-device")
