#!/usr/bin/env bash
# Everything MLIR does for the GPU check, on this machine: the kernels as PTX
# for sm_90 and the end-to-end host code as an object file, under
# build/gpu-check/ (small enough to carry to the GPU machine).
#
# Usage: scripts/prepare-gpu-check.sh [build directory]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
llvm=${LLVM_PREFIX:-/usr/lib/llvm-22}
out="$build_dir/gpu-check"
chip=${GPU_CHIP:-sm_90}
mkdir -p "$out"
make --no-print-directory build BUILD_DIR="$build_dir" > /dev/null
opt="$build_dir/bin/tsparse-opt"

"$opt" bench/gpu/kernels.mlir --tsparse-gpu-pipeline="chip=$chip" \
  -o "$out/kernels.mlir"
python3 test/Conversion/Inputs/extract_ptx.py "$out/kernels.mlir" \
  > "$out/kernels.ptx"
"$opt" bench/gpu/e2e.mlir --tsparse-gpu-pipeline="chip=$chip" |
  "$llvm/bin/mlir-translate" --mlir-to-llvmir |
  "$llvm/bin/llc" -O2 -relocation-model=pic -filetype=obj -o "$out/e2e.o"
if command -v ptxas > /dev/null || [ -x /usr/local/cuda/bin/ptxas ]; then
  "$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)" -arch="$chip" \
    "$out/kernels.ptx" -o /dev/null
fi
grep -o '\.entry [a-z0-9_]*' "$out/kernels.ptx"
du -sh "$out"
