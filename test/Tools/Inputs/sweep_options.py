#!/usr/bin/env python3
"""Runs every option of every tsparse pass and pipeline with good and bad
values and checks that tsparse-opt never crashes and that every failure is a
short diagnostic naming the option (or its value).

The options are read from `tsparse-opt --help`, so a new option is swept
without editing this script. Usage:

    sweep_options.py TSPARSE_OPT WORK_DIR

The input is a linear layer with constant weights, in f32 for the CPU
passes and in f16 for the GPU ones (they need f16 or bf16 products), written
to WORK_DIR.
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

MAX_ERROR_LINES = 4
MAX_ERROR_BYTES = 1000
GPU_PASSES = ("tsparse-gpu-pipeline", "convert-tsparse-to-gpu")
# Passes that need a prior step to see anything (they run after sparsify).
SPARSIFY = ["--tsparse-prune=pattern=tw2d tile-n=32", "--tsparse-sparsify"]
PRE_PASSES = {
    "tsparse-sparsify": SPARSIFY[:1],
    "tsparse-lower-to-loops": SPARSIFY,
    "tsparse-cpu-pipeline": SPARSIFY,
    "tsparse-reference-pipeline": SPARSIFY,
    "tsparse-expand-to-dense": SPARSIFY,
    "tsparse-narrow-products": SPARSIFY,
    "tsparse-gpu-pipeline": SPARSIFY,
    "convert-tsparse-to-gpu": SPARSIFY,
    "tsparse-propagate-feature-major": SPARSIFY,
}


def parse_help(text):
    """Returns {pass: [(option, kind, [enum values])]} for tsparse passes."""
    passes, current = {}, None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^      --((?:convert-)?tsparse-[\w-]+)\s", line)
        if m:
            current = m.group(1)
            passes[current] = []
            continue
        if re.match(r"^      --", line) or re.match(r"^  --", line):
            current = None
            continue
        m = re.match(r"^        --([\w-]+)(?:=<(\w+)>)?\s", line)
        if current and m:
            passes[current].append([m.group(1), m.group(2) or "bool", []])
            continue
        m = re.match(r"^    =([\w-]+)\s", line)
        if current and m and passes[current]:
            passes[current][-1][2].append(m.group(1))
    return passes


def values_for(kind, enum_values):
    if enum_values:
        return enum_values + ["bogus"]
    if kind == "bool":
        return ["true", "false", "maybe"]
    if kind in ("long", "int", "ulong", "uint"):
        return ["-1", "0", "1", "3", "64", "100000000000"]
    if kind == "number":
        return ["-0.5", "0", "0.5", "1", "1.5", "nan"]
    return ["", "foo", "sm_61", "sm_90", "+ptx60", "+ptx80", "16,32", "x,y"]


failures = []


def run(opt, work_dir, pass_name, option, value, inputs):
    f32, f16 = inputs
    source = f16 if pass_name in GPU_PASSES else f32
    args = [opt, source]
    if pass_name in PRE_PASSES:
        args += PRE_PASSES[pass_name]
    args += ["--%s=%s=%s" % (pass_name, option, value), "-o", "/dev/null"]
    try:
        # In work_dir: file options (report=) write where the value says.
        proc = subprocess.run(args, capture_output=True, text=True,
                              errors="replace",
                              timeout=120, cwd=work_dir)
    except subprocess.TimeoutExpired:
        return "timeout: %s" % " ".join(args)
    err = proc.stderr
    shown = "%s=%s on %s" % (option, value, pass_name)
    if proc.returncode not in (0, 1) or "Stack dump" in err or \
            "LLVM ERROR" in err or "PLEASE submit" in err:
        return "crash (%d) with %s:\n%s" % (proc.returncode, shown, err[-2000:])
    if proc.returncode == 0:
        return None
    failures.append(shown)
    lines = [l for l in err.splitlines() if l.strip()]
    if len(lines) > MAX_ERROR_LINES or len(err) > MAX_ERROR_BYTES:
        return "%d lines of diagnostics with %s:\n%s" % (
            len(lines), shown, "\n".join(lines[:8]))
    if option not in err and (value == "" or value not in err):
        return "diagnostic names neither %s nor its value:\n%s" % (shown, err)
    return None


LAYER = """\
func.func @linear(%x: tensor<8x64xT>) -> tensor<8x64xT> {
  %w = arith.constant dense<[WEIGHTS]> : tensor<4096xT>
  %w2 = tensor.expand_shape %w [[0, 1]] output_shape [64, 64]
      : tensor<4096xT> into tensor<64x64xT>
  %z = arith.constant 0.0 : T
  %e = tensor.empty() : tensor<8x64xT>
  %c = linalg.fill ins(%z : T) outs(%e : tensor<8x64xT>) -> tensor<8x64xT>
  %r = linalg.matmul ins(%x, %w2 : tensor<8x64xT>, tensor<64x64xT>)
      outs(%c : tensor<8x64xT>) -> tensor<8x64xT>
  return %r : tensor<8x64xT>
}
"""


def write_inputs(work_dir):
    """Writes the layer in f32 and f16; weights of distinct magnitudes so
    that pruning has something to rank."""
    weights = ", ".join("%d.0" % ((i * 37) % 101 - 50) for i in range(4096))
    paths = []
    for t in ("f32", "f16"):
        path = os.path.join(work_dir, "linear-%s.mlir" % t)
        with open(path, "w") as f:
            f.write(LAYER.replace("WEIGHTS", weights).replace("T>", t + ">")
                    .replace(": T", ": " + t))
        paths.append(path)
    return paths


def main():
    opt, work_dir = sys.argv[1:3]
    if os.sep in opt:
        opt = os.path.abspath(opt)
    work_dir = os.path.abspath(work_dir)
    os.makedirs(work_dir, exist_ok=True)
    f32, f16 = write_inputs(work_dir)
    help_text = subprocess.run([opt, "--help"], capture_output=True,
                               text=True, check=True).stdout
    passes = parse_help(help_text)
    jobs = [(p, o, v) for p, options in sorted(passes.items())
            for o, kind, enum_values in options
            for v in values_for(kind, enum_values)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = list(
            pool.map(lambda j: run(opt, work_dir, *j, (f32, f16)), jobs))
    problems = [p for p in problems if p]
    swept = sum(len(o) for o in passes.values())
    print("swept %d options of %d passes and pipelines, %d runs, %d "
          "diagnosed" % (swept, len(passes), len(jobs), len(failures)))
    for problem in problems:
        print("FAIL:", problem)
    print("%d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
