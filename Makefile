# Two commands for a fresh Debian 12 machine:
#   make demo    install what is missing, build, run the example end to end
#   make check   install what is missing, build, run the whole lit suite
# Both skip what is already installed or built.
#
# SANITIZE=1 builds in build-asan with AddressSanitizer and UBSan.

LLVM_PREFIX ?= /usr/lib/llvm-22
ifeq ($(SANITIZE),1)
BUILD_DIR ?= build-asan
CMAKE_EXTRA := -DTSPARSE_ENABLE_SANITIZERS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
BUILD_DIR ?= build
CMAKE_EXTRA := -DCMAKE_BUILD_TYPE=Release
endif

.PHONY: all deps build check demo docs install clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -G Ninja -S . -B $(BUILD_DIR) \
	  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit \
	  -DCMAKE_C_COMPILER=$(LLVM_PREFIX)/bin/clang \
	  -DCMAKE_CXX_COMPILER=$(LLVM_PREFIX)/bin/clang++ \
	  $(CMAKE_EXTRA)

build: deps $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR)

check: build
	ninja -C $(BUILD_DIR) check-tsparse

demo: build
	@scripts/demo.sh $(BUILD_DIR)

docs: build
	ninja -C $(BUILD_DIR) tsparse-doc

clean:
	rm -rf build build-asan
