#!/usr/bin/env bash
# The one prepared GPU run. Needs the CUDA toolkit, cuBLAS and (optionally)
# PyTorch, but no MLIR: scripts/prepare-gpu-check.sh compiled the kernels and
# the end-to-end host code into build/gpu-check/ beforehand. Builds the CUDA
# runtime library and the drivers, then
#   1. runs the end-to-end programs (runtime packing, mgpu* runtime, kernel),
#   2. checks every kernel variant (WMMA, mma.sync and wgmma, f16 and bf16,
#      K-major A, transposed C) against cuBLAS and benchmarks the TW-2D
#      kernels against cuBLAS dense (wgmma only on a GPU that runs sm_90a
#      code: its results are skipped elsewhere),
#   3. benchmarks PyTorch's BSR F.linear on the same weights, and its 2:4
#      semi-structured F.linear (cuSPARSELt where PyTorch has it) at 50 %,
#   4. runs whole BERT-base layers (unpruned, 75 % and 90 % TW-2D, the 75 %
#      one also with transpose-a=never; seq 128 and 512, batch 1 and 8)
#      against PyTorch f16 on the same GPU and checks their outputs,
# and writes the results under $OUT (default: ./gpu-out).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

out=${OUT:-$PWD/gpu-out}
prep=${PREP:-build/gpu-check}
cuda=${CUDA_HOME:-/usr/local/cuda}
mkdir -p "$out"
if [ ! -f "$prep/kernels-mma-sync.ptx" ] || [ ! -f "$prep/e2e-wmma.o" ]; then
  echo "missing $prep: run scripts/prepare-gpu-check.sh on the MLIR machine" >&2
  exit 1
fi
work=$(mktemp -d)
status=0
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv |
  tee "$out/gpu.txt"

echo "== building (at ${SECONDS} s)"
"$cuda/bin/nvcc" -O2 -std=c++17 -x cu bench/gpu/gpu_bench.cpp \
  -o "$work/gpu_bench" -lcuda -lcublas -lcusparse ||
  "$cuda/bin/nvcc" -O2 -std=c++17 -x cu bench/gpu/gpu_bench.cpp \
    -DTSPARSE_NO_CUSPARSE -o "$work/gpu_bench" -lcuda -lcublas || exit 1
g++ -O2 -std=c++17 -shared -fPIC -fvisibility=hidden lib/Runtime/CUDA/*.cpp \
  -I"$cuda/include" -L"$cuda/lib64" -lcuda \
  -o "$work/libtsparse_cuda_runtime.so" || exit 1
g++ -O2 -std=c++17 bench/gpu/e2e_check.cpp "$prep"/e2e-*.o \
  -L"$work" -ltsparse_cuda_runtime -Wl,-rpath,"$work" -o "$work/e2e_check" ||
  status=1

echo "== 1. end to end: runtime packing, mgpu* runtime, fused kernel (at ${SECONDS} s)"
if [ -x "$work/e2e_check" ]; then
  # The wgmma build needs a Hopper GPU (compute capability 9.0).
  hopper=
  [ "$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1)" = 9.0 ] &&
    hopper=--hopper
  "$work/e2e_check" $hopper | tee "$out/e2e.txt" || status=1
fi

echo "== 2. kernels against cuBLAS; benchmark (at ${SECONDS} s)"
# One run per flavour: a fault in one keeps the other's results.
mkdir -p "$work/weights"
for flavour in wmma mma-sync wgmma; do
  ptx="$prep/kernels-$flavour.ptx"
  # The transposition kernel feeds the K-major kernels of both pipelines.
  [ "$flavour" != wmma ] && ptx="$ptx $prep/kernels-transpose.ptx"
  [ "$flavour" = mma-sync ] &&
    ptx="$ptx $prep/kernels-bf16.ptx $prep/kernels-mma-sync-k.ptx $prep/kernels-bf16-k.ptx $prep/kernels-mma-sync-p.ptx $prep/kernels-mma-sync-k-p.ptx"
  # shellcheck disable=SC2086
  "$work/gpu_bench" "$work/weights" "$out/tsparse-$flavour.json" $ptx |
    tee "$out/tsparse-$flavour.md" || status=1
done

echo "== 3. PyTorch BSR (and 2:4 at 50 %) on the same weights (at ${SECONDS} s)"
timeout 300 python3 bench/gpu/torch_bsr.py "$work/weights" "$out/torch.json" |
  tee "$out/torch.md" || echo "PyTorch BSR run failed (reported, not fatal)"

echo "== 4. whole BERT-base layers against PyTorch (at ${SECONDS} s)"
for object in "$prep"/layer-*.o; do
  [ -f "$object" ] || continue
  name=$(basename "$object" .o)
  g++ -shared -Wl,-Bsymbolic "$object" -L"$work" -ltsparse_cuda_runtime \
    -Wl,-rpath,"$work" -o "$work/lib$name.so" || status=1
done
timeout 300 python3 bench/gpu/layer_gpu.py "$work" "$out/layers.json" |
  tee "$out/layers.txt" || status=1

python3 bench/gpu/report.py "$out/torch.json" "$out"/tsparse-*.json |
  tee "$out/report.md"
echo "== done in ${SECONDS} s, status $status"
rm -rf "$work"
exit $status
