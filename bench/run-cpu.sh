#!/usr/bin/env bash
# The CPU benchmark, end to end: prunes the BERT-base weights, compiles
# tsparse, MLIR-sparsifier and dense-linalg kernels ahead of time, links them
# with OpenBLAS into one driver, runs it single-threaded and writes the table
# (markdown), the raw results (JSON) and a speedup plot (SVG).
#
# Usage: bench/run-cpu.sh [build directory]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
llvm=${LLVM_PREFIX:-/usr/lib/llvm-22}
out="$build_dir/bench-cpu"
mkdir -p "$out"

make --no-print-directory build BUILD_DIR="$build_dir" > /dev/null

# oneDNN is the second dense reference.
if [ ! -e /usr/include/dnnl.h ]; then
  sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libdnnl-dev
fi
opt="$build_dir/bin/tsparse-opt"

echo "== pruning weights"
g++ -O2 -std=c++17 -Ibench bench/prune_weights.cpp -o "$out/prune_weights"
"$out/prune_weights" "$out"
python3 bench/gen_cpu_kernels.py bench/cpu_configs.def "$out" "$out"

echo "== compiling kernels"
compile() {
  local mlir=$1 pipeline=--tsparse-cpu-pipeline cpu=native
  case "$mlir" in
    *.sparsifier.mlir) pipeline=--sparsifier ;;
    # 2 x 8 lanes per row keep 6 rows of accumulators in 16 ymm registers
    # (AVX2 has half the registers of AVX-512).
    *.tsparse_avx2.mlir) pipeline="--tsparse-cpu-pipeline=micro-rows=6 micro-cols=16"
                         cpu=haswell ;;
  esac
  "$opt" "$mlir" "$pipeline" |
    "$llvm/bin/mlir-translate" --mlir-to-llvmir |
    "$llvm/bin/opt" -O3 -mcpu="$cpu" |
    "$llvm/bin/llc" -O3 -mcpu="$cpu" -relocation-model=pic -filetype=obj \
      -o "${mlir%.mlir}.o"
}
export -f compile
export opt llvm
ls "$out"/*.mlir | xargs -P "$(nproc)" -I{} bash -c 'compile {}'

echo "== linking"
"$llvm/bin/clang++" -O2 -std=c++17 -Ibench bench/cpu_bench.cpp "$out"/*.o \
  -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -ldnnl \
  -L"$llvm/lib" -lmlir_c_runner_utils -Wl,-rpath,"$llvm/lib" \
  -o "$out/cpu_bench"

echo "== running (1 thread; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
# This machine's environment may hold OpenBLAS to its Haswell kernels
# (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE): the benchmark lets it pick its own.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$out/cpu_bench" "$out" \
  "$out/results.json" | tee "$out/table.md"
python3 bench/plot_speedup.py "$out/results.json" "$out/cpu-speedup.svg"
echo "table: $out/table.md  results: $out/results.json  plot: $out/cpu-speedup.svg"
