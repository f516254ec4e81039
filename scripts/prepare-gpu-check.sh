#!/usr/bin/env bash
# Everything MLIR does for the GPU check, on this machine: the kernels of
# the three flavours as PTX (sm_90; wgmma for sm_90a), the end-to-end host
# code and whole
# BERT-base layers as object files, under build/gpu-check/ (small enough to
# carry to the GPU machine).
#
# Usage: scripts/prepare-gpu-check.sh [build directory]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build}
llvm=${LLVM_PREFIX:-/usr/lib/llvm-22}
out="$build_dir/gpu-check"
chip=${GPU_CHIP:-sm_90}
rm -rf "$out"
mkdir -p "$out"
make --no-print-directory build BUILD_DIR="$build_dir" > /dev/null
opt="$build_dir/bin/tsparse-opt"

ptxas=$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)
# Kernels: PTX, loaded directly by gpu_bench.
compile_kernels() { # <input> <name> <pipeline options> [chip]
  local kernel_chip=${4:-$chip}
  "$opt" "$1" --tsparse-gpu-pipeline="chip=$kernel_chip $3" -o "$out/$2.mlir"
  python3 test/Conversion/Inputs/extract_ptx.py "$out/$2.mlir" > "$out/$2.ptx"
  rm "$out/$2.mlir"
  if [ -x "$ptxas" ]; then
    "$ptxas" -arch="$kernel_chip" "$out/$2.ptx" -o /dev/null
  fi
}
compile_kernels bench/gpu/kernels.mlir kernels-wmma "mma=wmma"
compile_kernels bench/gpu/kernels.mlir kernels-mma-sync "mma=mma-sync"
compile_kernels bench/gpu/kernels-bf16.mlir kernels-bf16 "mma=mma-sync"
# Persistent blocks: the kernels walk the work list (`_p`); gpu_bench times
# the K-major ones with two blocks per SM.
compile_kernels bench/gpu/kernels.mlir kernels-mma-sync-p \
  "mma=mma-sync persistent-blocks=264"
# The mma.sync kernels that gather a row-major A are specialized on K: one
# more set per K that gpu_bench runs them with.
for input in kernels-mma-sync:kernels kernels-bf16:kernels-bf16; do
  name=${input%%:*}-k
  python3 scripts/specialize-k.py "bench/gpu/${input#*:}.mlir" 256 \
    512 768 1024 4096 > "$out/$name.mlir"
  compile_kernels "$out/$name.mlir" "$name" "mma=mma-sync"
done
# The f16 set again with persistent blocks (K = 256 is in kernels-mma-sync-p).
python3 scripts/specialize-k.py bench/gpu/kernels.mlir 256 512 768 1024 4096 \
  > "$out/kernels-mma-sync-k-p.mlir"
compile_kernels "$out/kernels-mma-sync-k-p.mlir" kernels-mma-sync-k-p \
  "mma=mma-sync persistent-blocks=264"
compile_kernels bench/gpu/kernels-transpose.mlir kernels-transpose \
  "mma=mma-sync transpose-a=always"
# wgmma exists on sm_90a only (Hopper), whatever the chip above.
compile_kernels bench/gpu/kernels.mlir kernels-wgmma "mma=wgmma stages=4" sm_90a

# End-to-end host code: objects linked with e2e_check and the runtime. The
# mma-sync build of e2e.mlir gets its own function names.
compile_e2e() { # <name> <pipeline options>
  "$opt" - --tsparse-gpu-pipeline="$2" |
    "$llvm/bin/mlir-translate" --mlir-to-llvmir |
    "$llvm/bin/llc" -O2 -relocation-model=pic -filetype=obj -o "$out/$1.o"
}
compile_e2e e2e-wmma "chip=$chip mma=wmma" < bench/gpu/e2e.mlir
sed 's/@e2e_/@e2e_mma_sync_/' bench/gpu/e2e.mlir |
  compile_e2e e2e-mma-sync "chip=$chip mma=mma-sync"
compile_e2e e2e-bf16 "chip=$chip mma=mma-sync" < bench/gpu/e2e-bf16.mlir
compile_e2e e2e-ffn "chip=$chip mma=mma-sync feature-major=1" \
  < bench/gpu/e2e-ffn.mlir
# The wgmma build (sm_90a: tensor maps created by the runtime, TMA loads),
# which e2e_check runs on Hopper only.
sed 's/@e2e_/@e2e_wgmma_/' bench/gpu/e2e.mlir |
  compile_e2e e2e-wgmma "chip=sm_90a mma=wgmma"

# Whole BERT-base layers (dynamic batch and sequence length), unpruned and
# 75 % / 90 % TW-2D, the same list as bench/gpu/layer_gpu.py: f16 products
# on mma.sync (and the 75 % layer on wgmma for sm_90a), everything else in
# device kernels, weights resident.
compile_layer() { # <name> <kernel options> <gen_bert_layer.py options>
  local name=$1 kernels=$2
  shift 2
  python3 scripts/gen_bert_layer.py --dynamic "$@" -o - |
    "$opt" --tsparse-sparsify |
    "$opt" --tsparse-gpu-pipeline="compute-type=f16 $kernels" |
    "$llvm/bin/mlir-translate" --mlir-to-llvmir |
    "$llvm/bin/llc" -O2 -relocation-model=pic -filetype=obj \
      -o "$out/layer-$name.o"
}
sync="chip=$chip mma=mma-sync"
compile_layer dense "$sync" --prune none
compile_layer tw2d-75 "$sync" --prune tw2d --sparsity 0.75
compile_layer tw2d-75-gather "$sync transpose-a=never" --prune tw2d \
  --sparsity 0.75
compile_layer tw2d-90 "$sync" --prune tw2d --sparsity 0.90
compile_layer tw2d-75-persistent "$sync persistent-blocks=264" --prune tw2d \
  --sparsity 0.75
compile_layer tw2d-75-wgmma "chip=sm_90a mma=wgmma stages=4" \
  --prune tw2d --sparsity 0.75

grep -ho '\.entry [a-z0-9_]*' "$out"/*.ptx

# Static report of the kernels: registers, spills, shared memory and the
# main loop's instructions per mma, from the PTX and (when nvdisasm is on
# PATH, e.g. from the nvidia-cuda-nvdisasm wheel) from the SASS.
# The product kernels of the 75 % layer are reported too (its PTX, which
# the object embeds, extracted from a format=isa build).
if [ -x "$ptxas" ]; then
  python3 scripts/gen_bert_layer.py --dynamic --prune tw2d --sparsity 0.75 -o - |
    "$opt" --tsparse-sparsify |
    "$opt" --tsparse-gpu-pipeline="chip=$chip mma=mma-sync compute-type=f16 format=isa" \
      -o "$out/layer-tw2d-75.mlir"
  python3 test/Conversion/Inputs/extract_ptx.py "$out/layer-tw2d-75.mlir" \
    > "$out/layer-tw2d-75.ptx"
  rm "$out/layer-tw2d-75.mlir"
  python3 bench/gpu/kernel_report.py --ptxas "$ptxas" --arch "$chip" \
    "$out"/kernels-{wmma,mma-sync,bf16,transpose,mma-sync-k,bf16-k}.ptx \
    > "$out/kernel-report.md"
  python3 bench/gpu/kernel_report.py --ptxas "$ptxas" --arch "$chip" \
    --filter '_p$' "$out"/kernels-mma-sync{,-k}-p.ptx | tail -n +3 \
    >> "$out/kernel-report.md"
  python3 bench/gpu/kernel_report.py --ptxas "$ptxas" --arch sm_90a \
    --filter '^tsparse_wgmma' "$out/kernels-wgmma.ptx" | tail -n +3 \
    >> "$out/kernel-report.md"
  python3 bench/gpu/kernel_report.py --ptxas "$ptxas" --arch "$chip" \
    --filter '^tsparse_' "$out/layer-tw2d-75.ptx" | tail -n +3 \
    >> "$out/kernel-report.md"
  cat "$out/kernel-report.md"
  # Only the report needs it; the layer objects embed their own.
  rm "$out/layer-tw2d-75.ptx"
fi
du -sh "$out"
# What is carried to the GPU machine must stay within 64 MiB.
if [ "$(du -sb "$out" | cut -f1)" -gt $((64 * 1024 * 1024)) ]; then
  echo "warning: $out is over 64 MiB" >&2
fi
