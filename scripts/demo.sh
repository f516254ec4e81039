#!/usr/bin/env bash
# The main job on the shipped example: parse and verify it, show the packed
# form, run it through the reference pipeline on the CPU and compare the
# tile-sparse product with a dense matmul.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
llvm=${LLVM_PREFIX:-/usr/lib/llvm-22}
opt="$build_dir/bin/tsparse-opt"
example=examples/linear-tw2d.mlir
runner_libs="$llvm/lib/libmlir_c_runner_utils.so,$llvm/lib/libmlir_runner_utils.so"

echo "== 1. parse and verify $example"
"$opt" "$example" > /dev/null
echo "ok"

echo
echo "== 2. the tile-sparse layer"
"$opt" "$example" | grep -E 'tsparse\.(pack|matmul)' | sed 's/^ */  /'

echo
echo "== 3. reference pipeline (expand to dense, bufferize, LLVM) and run"
output=$("$opt" "$example" --tsparse-reference-pipeline |
  "$llvm/bin/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$runner_libs")
echo "$output"
grep -q "reference check: PASS" <<< "$output"
