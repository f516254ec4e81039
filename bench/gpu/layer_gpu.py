#!/usr/bin/env python3
"""Times whole BERT-base layers compiled by --tsparse-gpu-pipeline against
PyTorch on the same GPU and checks their outputs.

Usage: layer_gpu.py LIB_DIR OUTPUT_JSON

LIB_DIR holds liblayer-<name>.so, each a layer that
scripts/prepare-gpu-check.sh compiled (dynamic batch and sequence length,
f16 products, everything on the device) and scripts/gpu-check.sh linked with
the CUDA runtime. For each, the layer's weights are generated again by
scripts/gen_bert_layer.py with the same options (the generator is
deterministic), a PyTorch module is built on them, and for seq 128 and 512,
batch 1 and 8:
  - tsparse: `_mlir_ciface_forward` on a host f32 input; a call copies the
    input in and the result out;
  - PyTorch dense f16 on the device: eager (input already on the device,
    and with the same host copies), and torch.compile when it works;
  - the error of tsparse's result against PyTorch in f32.
"""

import ctypes
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from layer_bench import MemRef3, load_layer, torch_module  # noqa: E402

# name -> gen_bert_layer.py options; scripts/prepare-gpu-check.sh compiles
# the same list.
LAYERS = {
    "dense": ["--prune", "none"],
    "tw2d-75": ["--prune", "tw2d", "--sparsity", "0.75"],
    # The same with every row-major A gathered (transpose-a=never), against
    # which the transposition transpose-a=auto chooses is timed.
    "tw2d-75-gather": ["--prune", "tw2d", "--sparsity", "0.75"],
    "tw2d-90": ["--prune", "tw2d", "--sparsity", "0.90"],
    # The 75 % layer with persistent-blocks=264 (all its products walk the
    # work list with two blocks per SM).
    "tw2d-75-persistent": ["--prune", "tw2d", "--sparsity", "0.75"],
    # The 75 % layer's products on wgmma (sm_90a: Hopper only).
    "tw2d-75-wgmma": ["--prune", "tw2d", "--sparsity", "0.75"],
}
SHAPES = [(128, 1), (128, 8), (512, 1), (512, 8)]


def layer_input(batch, seq, hidden):
    """x[b][s][j] = ((7 (b seq + s) + 3 j) mod 17 - 8) / 8, as @main's."""
    import numpy as np
    token = np.arange(batch * seq).reshape(batch, seq, 1)
    j = np.arange(hidden).reshape(1, 1, hidden)
    return (((7 * token + 3 * j) % 17 - 8) / 8.0).astype(np.float32)


def measure(call, sync, budget=1.0, min_reps=5):
    """Median of repeated calls after a warm-up, in seconds."""
    call()
    sync()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < budget:
        t0 = time.perf_counter()
        call()
        sync()
        times.append(time.perf_counter() - t0)
        if len(times) >= 200:
            break
    times.sort()
    return times[len(times) // 2]


class TSparseLayer:
    """A compiled layer: `_mlir_ciface_forward` of a shared library."""

    def __init__(self, path):
        self.lib = ctypes.CDLL(os.path.abspath(path))
        self.forward = self.lib._mlir_ciface_forward
        self.forward.argtypes = [ctypes.POINTER(MemRef3),
                                 ctypes.POINTER(MemRef3)]
        self.forward.restype = None
        self.libc = ctypes.CDLL(None)
        self.libc.free.argtypes = [ctypes.c_void_p]

    def __call__(self, x, keep=False):
        import numpy as np
        shape = x.shape
        strides = [shape[1] * shape[2], shape[2], 1]
        arg = MemRef3(x.ctypes.data, x.ctypes.data, 0,
                      (ctypes.c_int64 * 3)(*shape),
                      (ctypes.c_int64 * 3)(*strides))
        result = MemRef3()
        self.forward(ctypes.byref(result), ctypes.byref(arg))
        y = None
        if keep:
            count = shape[0] * shape[1] * shape[2]
            base = result.aligned + 4 * result.offset
            y = np.frombuffer((ctypes.c_float * count).from_address(base),
                              dtype=np.float32).reshape(shape).copy()
        self.libc.free(result.allocated)
        return y


def main():
    import numpy as np
    import torch
    lib_dir, output = sys.argv[1], sys.argv[2]
    root = os.path.join(HERE, "..", "..")
    device = torch.device("cuda")
    results = []
    for name, options in LAYERS.items():
        path = os.path.join(lib_dir, f"liblayer-{name}.so")
        if not os.path.exists(path):
            print(f"{name}: {path} missing, skipped")
            continue
        with tempfile.TemporaryDirectory() as weights:
            subprocess.run([sys.executable,
                            os.path.join(root, "scripts", "gen_bert_layer.py"),
                            "--dynamic", *options, "-o", os.devnull,
                            "--weights-out", weights], check=True)
            manifest, tensors = load_layer(weights)
        hidden = manifest["config"]["hidden"]
        module32 = torch_module(manifest, tensors).to(device)
        module16 = torch_module(manifest, tensors).half().to(device)
        try:
            compiled = torch.compile(module16)
        except Exception as error:  # noqa: BLE001
            print(f"torch.compile unavailable: {error}")
            compiled = None
        layer = TSparseLayer(path)
        sync = torch.cuda.synchronize
        for seq, batch in SHAPES:
            x = layer_input(batch, seq, hidden)
            xd = torch.from_numpy(x).to(device)
            xh = xd.half()
            row = {"layer": name, "seq": seq, "batch": batch}
            row["tsparse_ms"] = 1e3 * measure(lambda: layer(x), sync)
            with torch.no_grad():
                row["torch_f16_ms"] = 1e3 * measure(lambda: module16(xh), sync)
                row["torch_f16_copies_ms"] = 1e3 * measure(
                    lambda: module16(torch.from_numpy(x).to(device).half())
                    .float().cpu(), sync)
                if compiled is not None:
                    try:
                        row["torch_compile_ms"] = 1e3 * measure(
                            lambda: compiled(xh), sync)
                    except Exception as error:  # noqa: BLE001
                        print(f"torch.compile failed: {error}")
                        compiled = None
                ref = module32(xd).double().cpu().numpy()
                ref16 = module16(xh).double().cpu().numpy()
            y = layer(x, keep=True).astype(np.float64)
            scale = np.linalg.norm(ref)
            row["rel_error_vs_torch_f32"] = float(np.linalg.norm(y - ref) /
                                                  scale)
            row["torch_f16_rel_error_vs_f32"] = float(
                np.linalg.norm(ref16 - ref) / scale)
            best = min(row[k] for k in ("torch_f16_ms", "torch_compile_ms")
                       if k in row)
            row["speedup_vs_best_torch"] = best / row["tsparse_ms"]
            results.append(row)
            print(json.dumps(row), flush=True)
    json.dump({"gpu": torch.cuda.get_device_name(), "results": results},
              open(output, "w"), indent=1)
    # The layer's result must be PyTorch's within f16 rounding.
    bad = [r for r in results if not r["rel_error_vs_torch_f32"] < 2e-2]
    for r in bad:
        print(f"MISMATCH: {r['layer']} seq {r['seq']} batch {r['batch']}: "
              f"relative error {r['rel_error_vs_torch_f32']:.3g}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
