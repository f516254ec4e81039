#!/usr/bin/env python3
"""Exports a small pruned BERT encoder layer with torch-mlir's FX importer
(linalg on tensors), as the test input
test/Integration/CPU/Inputs/torch-mlir-bert-layer.mlir.

Run it with a Python that has PyTorch 2 and torch-mlir from PyPI, e.g. the
benchmark's virtual environment:

    build/bench-venv/bin/python scripts/export_torch_mlir_layer.py

The layer's weights come from scripts/gen_bert_layer.py (pruned 75 % TW-2D
in 16-column tiles, as a user prunes with masks); the PyTorch module is the
benchmark's (bench/layer_bench.py). A `@main` that calls `@forward` on a
fixed input and prints the result is added for mlir-runner.
"""

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, os.path.join(ROOT, "bench"))
DEFAULT_OUT = os.path.join(ROOT, "test", "Integration", "CPU", "Inputs",
                           "torch-mlir-bert-layer.mlir")


def input_values(seq, hidden):
    """x[0][s][j] = ((7 s + 3 j) mod 17 - 8) / 8."""
    return [[((7 * s + 3 * j) % 17 - 8) / 8.0 for j in range(hidden)]
            for s in range(seq)]


def main_function(seq, hidden):
    values = input_values(seq, hidden)
    literal = "[[[" + "], [".join(", ".join(repr(v) for v in row)
                                   for row in values) + "]]]"
    ty = f"tensor<1x{seq}x{hidden}xf32>"
    return f"""\
  func.func private @printMemrefF32(tensor<*xf32>)
  func.func @main() {{
    %x = arith.constant dense<{literal}> : {ty}
    %y = call @forward(%x) : ({ty}) -> {ty}
    %u = tensor.cast %y : {ty} to tensor<*xf32>
    call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
    return
  }}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-o", "--output", default=DEFAULT_OUT)
    parser.add_argument("--seq", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--ffn", type=int, default=128)
    args = parser.parse_args()

    import numpy as np
    import torch
    from torch_mlir import fx
    import layer_bench

    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            [sys.executable, os.path.join(HERE, "gen_bert_layer.py"),
             "--seq", str(args.seq), "--hidden", str(args.hidden),
             "--heads", str(args.heads), "--ffn", str(args.ffn),
             "--prune", "tw2d", "--sparsity", "0.75", "--tile-n", "16",
             "--weights-out", work, "-o", os.devnull], check=True)
        manifest, tensors = layer_bench.load_layer(work)
    module = layer_bench.torch_module(manifest, tensors)
    x = torch.from_numpy(np.array([input_values(args.seq, args.hidden)],
                                  dtype=np.float32))
    text = str(fx.export_and_import(module, x,
                                    output_type="linalg-on-tensors",
                                    func_name="forward"))
    # The module's closing brace comes right before the resources.
    body, sep, resources = text.partition("\n}\n\n{-#")
    if not sep:
        sys.exit("error: unexpected layout of torch-mlir's output")
    with open(args.output, "w") as out:
        out.write("// A pruned BERT layer exported by torch-mlir's FX importer;\n"
                  "// regenerate with scripts/export_torch_mlir_layer.py.\n")
        out.write(body + "\n" + main_function(args.seq, args.hidden) + sep +
                  resources)


if __name__ == "__main__":
    main()
