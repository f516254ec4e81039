#!/usr/bin/env bash
# The whole-layer CPU benchmark: one BERT-base encoder layer (seq 128 and
# 384; dense, 75 % and 90 % TW-2D, 75 % block-wise) compiled by tsparse
# and called through ctypes, against PyTorch eager and frozen TorchScript on
# the same pruned weights, on 1 and 2 threads (bench/layer_bench.py). Writes
# table.md, results.json and ratio.svg to <build>/bench-layer/.
#
# Usage: bench/run-layer.sh [--quick] [--peers] [--threads 1,2] [--keep-mlir]
#   --quick: seq 128 only and fewer repetitions.
#   --peers: also PyTorch 2 (eager and torch.compile), IREE on the generated
#     layer and tsparse on torch-mlir's own export of the PyTorch module,
#     from PyPI in a venv (<build>/bench-venv, about 6 GB: PyPI's PyTorch
#     brings the CUDA libraries); skipped, with the reason, if that fails.
# Uses an existing build (<build>/bin/tsparse-opt, BUILD_DIR, default build);
# installs numpy, PyTorch and oneDNN from Debian if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
llvm=${LLVM_PREFIX:-/usr/lib/llvm-22}
# Debian's python3-numpy and python3-torch are for the system interpreter.
python=/usr/bin/python3

if [ ! -x "$build_dir/bin/tsparse-opt" ]; then
  echo "error: $build_dir/bin/tsparse-opt is missing: run make first" >&2
  exit 1
fi

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
missing=()
"$python" -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
"$python" -c 'import torch' 2>/dev/null || missing+=(python3-torch)
[ -e /usr/include/dnnl.h ] || missing+=(libdnnl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "${missing[@]}" > /dev/null
fi
for tool in mlir-translate llc clang; do
  if [ ! -x "$llvm/bin/$tool" ]; then
    echo "error: $llvm/bin/$tool is missing" >&2
    exit 1
  fi
done

args=()
peers=0
for arg in "$@"; do
  if [ "$arg" = --peers ]; then peers=1; else args+=("$arg"); fi
done
if [ $peers = 1 ]; then
  venv="$build_dir/bench-venv"
  imports='import torch, numpy, iree.compiler, iree.runtime'
  if ! "$venv/bin/python" -c "$imports" 2>/dev/null; then
    echo "== installing PyTorch, IREE and torch-mlir into $venv"
    "$python" -c 'import ensurepip' 2>/dev/null ||
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        python3-venv > /dev/null
    "$python" -m venv "$venv" &&
      "$venv/bin/pip" install -q --disable-pip-version-check torch numpy \
        iree-base-compiler iree-base-runtime || true
  fi
  # Without torch-mlir, only its column is missing.
  "$venv/bin/python" -c 'import torch_mlir.fx' 2>/dev/null ||
    "$venv/bin/pip" install -q --disable-pip-version-check torch-mlir ||
    true
  if reason=$("$venv/bin/python" -c "$imports" 2>&1); then
    args+=(--peers-python "$venv/bin/python")
  else
    echo "== peers skipped: $(echo "$reason" | tail -n 1)"
  fi
fi

# OpenBLAS picks its kernels and blocking from the CPU it detects, not from
# overrides left in the environment.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LLVM_PREFIX="$llvm" \
  "$python" bench/layer_bench.py --build "$build_dir" ${args[@]+"${args[@]}"}
