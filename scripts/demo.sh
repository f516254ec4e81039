#!/usr/bin/env bash
# The main job on the shipped examples. linear-tw2d.mlir: parse and verify
# it, show the packed form, run it through the reference pipeline on the CPU
# and compare the tile-sparse product with a dense matmul. bert-ffn.mlir
# (generated): prune it, sparsify it, run it and compare with the dense
# result on the same pruned weights, print the report, and time the pruned
# and the unpruned block through the CPU pipeline. Last, with numpy, PyTorch
# and oneDNN present, the quick whole-layer benchmark (bench/run-layer.sh):
# a BERT-base layer pruned and unpruned through tsparse against PyTorch.
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

# The BERT-base feed-forward block: prune, sparsify, run against dense.
bert=examples/bert-ffn.mlir
work="$build_dir/demo"
mkdir -p "$work"
run() {
  "$opt" "$1" --tsparse-reference-pipeline |
    "$llvm/bin/mlir-runner" -e main -entry-point-result=void \
      -shared-libs="$runner_libs" | sed 's/base@ = 0x[0-9a-f]*//'
}

echo
echo "== 4. $bert: BERT-base feed-forward block (768 -> 3072 -> 768)"
if [ ! "$bert" -nt scripts/gen_bert_ffn.py ]; then
  echo "generating it with scripts/gen_bert_ffn.py (about 38 MB)"
  python3 scripts/gen_bert_ffn.py --tokens 128 -o "$bert"
fi
grep -E 'linalg\.(transpose|matmul) ' "$bert" | sed 's/^ */  /'

echo
echo "== 5. prune its weights to 75 % tile-wise (TW-2D, G = 128, global ranking)"
"$opt" "$bert" --tsparse-prune="pattern=tw2d sparsity=0.75 tile-n=128" \
  -o "$work/bert-ffn.pruned.mlir"
echo "ok: $work/bert-ffn.pruned.mlir"

echo
echo "== 6. sparsify: measure the zero structure, pick the layout, pack"
"$opt" "$work/bert-ffn.pruned.mlir" \
  --tsparse-sparsify="remarks=true report=$work/bert-ffn.report.json" \
  -o "$work/bert-ffn.sparse.mlir" 2>&1 |
  sed -n 's/^.*remark: /  /p'
grep -E 'tsparse\.matmul ' "$work/bert-ffn.sparse.mlir" | sed 's/^ */  /'

echo
echo "== 7. run both through the reference pipeline and compare"
run "$work/bert-ffn.pruned.mlir" > "$work/bert-ffn.dense.out"
run "$work/bert-ffn.sparse.mlir" > "$work/bert-ffn.sparse.out"
python3 - "$work/bert-ffn.dense.out" "$work/bert-ffn.sparse.out" <<'PY'
import re, sys
def numbers(path):
    text = open(path).read().split("data =", 1)[1].split("bert_ffn seconds")[0]
    return [float(v) for v in re.findall(r"-?[0-9.]+(?:e[-+]?[0-9]+)?", text)]
dense, sparse = numbers(sys.argv[1]), numbers(sys.argv[2])
assert dense and len(dense) == len(sparse), "missing output"
error = max(abs(a - b) for a, b in zip(dense, sparse))
print("y: %d values, y[0][0..3] = %s" % (len(dense), dense[:4]))
print("max |tsparse - dense| = %g" % error)
print("bert-ffn check: " + ("PASS" if error == 0 else "FAIL"))
sys.exit(0 if error == 0 else 1)
PY

echo
echo "== 8. the report ($work/bert-ffn.report.json) and its unit masks"
python3 - "$work/bert-ffn.report.json" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1]))["matmuls"]:
    rows = m.get("kept_rows_per_tile", {})
    print("  %s %s K=%d N=%d: %s, %s, sparsity %.3f, %d tiles, kept rows "
          "per tile %d/%.1f/%d, %.1f%% of multiply-adds skipped"
          % (m["function"], m["op"], m["k"], m["n"], m["status"],
             m.get("layout", "-"), m.get("sparsity", 0.0), m.get("tiles", 0),
             rows.get("min", 0), rows.get("mean", 0.0), rows.get("max", 0),
             100.0 * m.get("macs_skipped", 0.0)))
PY
python3 scripts/render_mask.py "$work/bert-ffn.report.json" \
  -o "$work/bert-ffn.masks.svg"
echo "  unit masks drawn in $work/bert-ffn.masks.svg"

echo
echo "== 9. the pruned and the unpruned block through --tsparse-cpu-pipeline"
run_cpu() {
  "$opt" "$1" --tsparse-cpu-pipeline |
    "$llvm/bin/mlir-runner" -e main -entry-point-result=void \
      -shared-libs="$runner_libs" | sed 's/base@ = 0x[0-9a-f]*//'
}
run_cpu "$work/bert-ffn.sparse.mlir" > "$work/bert-ffn.sparse.cpu.out"
# The unpruned weights: the pruned ones as dense products would still skip
# their zero rows (dense products are packed without masks, from the zeros).
run_cpu "$bert" > "$work/bert-ffn.dense.cpu.out"
python3 - "$work/bert-ffn.dense.out" "$work/bert-ffn.sparse.cpu.out" \
    "$work/bert-ffn.dense.cpu.out" <<'PY'
import re, sys
def run(path):
    data, seconds = open(path).read().split("data =", 1)[1].split(
        "bert_ffn seconds:")
    values = [float(v) for v in re.findall(r"-?[0-9.]+(?:e[-+]?[0-9]+)?", data)]
    return values, float(seconds)
reference, _ = run(sys.argv[1])
sparse, sparse_s = run(sys.argv[2])
dense, dense_s = run(sys.argv[3])
scale = max(abs(v) for v in reference)
# Vector FMAs round differently from the reference's multiply-add loops.
error = max(abs(a - b) for a, b in zip(reference, sparse)) / scale
print("tsparse, 75 %% TW-2D products (pruned tiles skipped):   %.2f ms, max "
      "relative difference to the reference %.2g" % (1e3 * sparse_s, error))
print("tsparse, the unpruned weights (dense products):          %.2f ms"
      % (1e3 * dense_s))
print("(one call of the block, JIT-compiled by mlir-runner, one thread; "
      "bench/run-layer.sh compares whole layers with PyTorch)")
print("cpu-pipeline check: " + ("PASS" if error <= 1e-5 and
                                 len(sparse) == len(reference) else "FAIL"))
sys.exit(0 if error <= 1e-5 else 1)
PY

echo
echo "== 10. a whole BERT-base encoder layer, pruned and unpruned, against PyTorch"
if /usr/bin/python3 -c 'import numpy, torch' 2>/dev/null &&
   [ -e /usr/include/dnnl.h ]; then
  bench/run-layer.sh --quick --threads 1 | grep -E '^\| |^CPU|^table'
else
  echo "skipped: needs Debian's python3-numpy, python3-torch and libdnnl-dev;"
  echo "bench/run-layer.sh --quick installs them and runs this step"
fi
