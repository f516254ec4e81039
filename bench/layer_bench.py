#!/usr/bin/env python3
"""Whole-layer CPU benchmark: one BERT-base encoder layer, tsparse against
PyTorch on the same (pruned) weights.

Usage: layer_bench.py [--quick] [--build DIR] [--threads 1,2] [--keep-mlir]
                      [--peers-python VENV/bin/python]

For each layer (seq 128 and 384, batch 1: dense, 75 % and 90 % TW-2D with
128-column tiles, and 75 % block-wise 32 x 128 at seq 128; `--quick`: seq
128 only, fewer repetitions) it

- generates the layer with scripts/gen_bert_layer.py (weights pruned in the
  generator, dumped as raw f32 for the other frameworks),
- compiles it with `tsparse-opt --tsparse-sparsify
  --tsparse-cpu-pipeline=static-workspace=1` (temporaries in static
  buffers: the benchmark never calls a layer from two threads at once)
  (the dense layer goes through the same command: nothing is sparsified),
  mlir-translate, `opt -O3`, `llc -O3 -mcpu=native` and `clang -shared`,
  once serial
  and once with `parallel=1` (OpenMP, LLVM's libomp) for the multi-thread
  runs,
- calls `_mlir_ciface_forward(result, input)` through ctypes with memref
  descriptors built by hand, and checks the result against a float64 numpy
  evaluation of the same pruned layer (||y - ref|| / ||ref|| <= 1e-4),
- times an equivalent `nn.Module` of plain torch ops in eager mode and as
  `torch.jit.freeze(torch.jit.script(m))` (then
  `torch.jit.optimize_for_inference` where it works).

With `--peers-python` (bench/run-layer.sh --peers sets up the venv) it also
times PyTorch 2 eager and `torch.compile`, IREE (llvm-cpu for the host CPU)
on the generated layer, and tsparse on torch-mlir's own export of the
PyTorch module (FX importer, linalg on tensors), checked like the rest.

Every timing runs in its own process (tsparse's libomp and PyTorch's
libgomp never share one) with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set
to the thread count (and OMP_WAIT_POLICY=PASSIVE for multi-thread PyTorch,
whose idle OpenMP threads otherwise spin on the cores OpenBLAS's threads
need), after warm-up, as the median of repetitions whose number adapts
to the time of one call (a slow layer is called only a few times). Results
go to DIR/bench-layer/: table.md, results.json and ratio.svg.

The subcommands `time-tsparse`, `time-torch`, `time-torch2`, `time-iree`
and `export-torch-mlir` are the processes the driver starts.
"""

import argparse
import ctypes
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLVM = os.environ.get("LLVM_PREFIX", "/usr/lib/llvm-22")
TOLERANCE = 1e-4

LINEARS = ["attention.self.query", "attention.self.key", "attention.self.value",
           "attention.output.dense", "intermediate.dense", "output.dense"]


def layer_configs(quick):
    """(name, seq, generator options) of every layer benchmarked."""
    seqs = [128] if quick else [128, 384]
    layers = []
    for seq in seqs:
        layers.append(("dense", seq, ["--prune", "none"]))
        for sparsity in (0.75, 0.9):
            layers.append(("tw2d-%d" % round(sparsity * 100), seq,
                           ["--prune", "tw2d", "--sparsity", str(sparsity),
                            "--tile-n", "128"]))
    layers.append(("bw-75", 128, ["--prune", "bw", "--sparsity", "0.75",
                                  "--tile-n", "128", "--unit-k", "32"]))
    return layers


# ---------------------------------------------------------------------------
# Loading a layer and evaluating it with numpy.


def load_layer(directory):
    import numpy as np
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    tensors = {}
    for name, entry in manifest["tensors"].items():
        data = np.fromfile(os.path.join(directory, entry["file"]), dtype="<f4")
        tensors[name] = data.reshape(entry["shape"])
    return manifest, tensors


def numpy_reference(manifest, tensors):
    """The layer in float64."""
    import numpy as np
    config = manifest["config"]
    eps = manifest["layer_norm_eps"]
    t = {name: value.astype(np.float64) for name, value in tensors.items()}
    x = t["input"]
    b, s, h, nh = config["batch"], config["seq"], config["hidden"], config["heads"]
    dh = h // nh

    def linear(v, name):
        return v @ t[name + ".weight"].T + t[name + ".bias"]

    def layer_norm(v, name):
        mean = v.mean(-1, keepdims=True)
        var = ((v - mean) ** 2).mean(-1, keepdims=True)
        return ((v - mean) / np.sqrt(var + eps) * t[name + ".weight"] +
                t[name + ".bias"])

    def heads(v):
        return v.reshape(b, s, nh, dh).transpose(0, 2, 1, 3)

    q, k, v = (heads(linear(x, name)) for name in LINEARS[:3])
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dh)
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(b, s, h)
    hidden = layer_norm(linear(ctx, LINEARS[3]) + x,
                        "attention.output.LayerNorm")
    g = linear(hidden, LINEARS[4])
    g = 0.5 * g * (1.0 + np.vectorize(math.erf)(g / math.sqrt(2.0)))
    return layer_norm(linear(g, LINEARS[5]) + hidden, "output.LayerNorm")


def relative_error(y, ref):
    import numpy as np
    return float(np.linalg.norm(y.astype(np.float64) - ref) /
                 np.linalg.norm(ref))


# ---------------------------------------------------------------------------
# Measuring.


def measure(call, budget, max_reps):
    """Median seconds of `call` after warm-up; the number of repetitions
    fits `budget` seconds (at least 2, at most `max_reps`)."""
    start = time.perf_counter()
    call()
    first = time.perf_counter() - start
    if first < budget / 10:
        call()
    reps = max(2, min(max_reps, int(budget / max(first, 1e-6))))
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), reps


class MemRef3(ctypes.Structure):
    """MLIR's descriptor of a rank-3 memref."""
    _fields_ = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
                ("offset", ctypes.c_int64), ("sizes", ctypes.c_int64 * 3),
                ("strides", ctypes.c_int64 * 3)]


def time_tsparse(args):
    """Subcommand: times `_mlir_ciface_forward` of a shared library."""
    import numpy as np
    manifest, tensors = load_layer(args.layer_dir)
    x = np.ascontiguousarray(tensors["input"], dtype=np.float32)
    lib = ctypes.CDLL(os.path.abspath(args.lib))
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]
    forward = lib._mlir_ciface_forward
    forward.argtypes = [ctypes.POINTER(MemRef3), ctypes.POINTER(MemRef3)]
    forward.restype = None

    shape = x.shape
    strides = [shape[1] * shape[2], shape[2], 1]
    arg = MemRef3(x.ctypes.data, x.ctypes.data, 0, (ctypes.c_int64 * 3)(*shape),
                  (ctypes.c_int64 * 3)(*strides))
    result = MemRef3()

    def call():
        forward(ctypes.byref(result), ctypes.byref(arg))
        libc.free(result.allocated)

    seconds, reps = measure(call, args.budget, args.max_reps)
    forward(ctypes.byref(result), ctypes.byref(arg))
    sizes, out_strides = list(result.sizes), list(result.strides)
    if sizes != list(shape):
        sys.exit(f"error: result sizes {sizes}, expected {list(shape)}")
    base = result.aligned + 4 * result.offset
    flat = (ctypes.c_float * (max(s * st for s, st in zip(sizes, out_strides))
                              )).from_address(base)
    y = np.lib.stride_tricks.as_strided(
        np.frombuffer(flat, dtype=np.float32), shape=sizes,
        strides=[4 * st for st in out_strides]).copy()
    libc.free(result.allocated)
    y.tofile(args.output)
    json.dump({"seconds": seconds, "reps": reps}, sys.stdout)


def torch_module(manifest, tensors):
    import torch
    from torch import nn
    import torch.nn.functional as F
    config = manifest["config"]
    h, nh, f = config["hidden"], config["heads"], config["ffn"]
    eps = manifest["layer_norm_eps"]

    class BertLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nh
            self.head_dim = h // nh
            self.query = nn.Linear(h, h)
            self.key = nn.Linear(h, h)
            self.value = nn.Linear(h, h)
            self.attn_out = nn.Linear(h, h)
            self.ln1 = nn.LayerNorm(h, eps=eps)
            self.fc1 = nn.Linear(h, f)
            self.fc2 = nn.Linear(f, h)
            self.ln2 = nn.LayerNorm(h, eps=eps)

        def split(self, t: torch.Tensor) -> torch.Tensor:
            return t.view(t.size(0), t.size(1), self.heads,
                          self.head_dim).transpose(1, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            q = self.split(self.query(x))
            k = self.split(self.key(x))
            v = self.split(self.value(x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(
                self.head_dim)
            probs = torch.softmax(scores, dim=-1)
            ctx = torch.matmul(probs, v).transpose(1, 2).reshape(x.shape)
            hidden = self.ln1(self.attn_out(ctx) + x)
            g = F.gelu(self.fc1(hidden))
            return self.ln2(self.fc2(g) + hidden)

    module = BertLayer().eval()
    names = {"query": LINEARS[0], "key": LINEARS[1], "value": LINEARS[2],
             "attn_out": LINEARS[3], "fc1": LINEARS[4], "fc2": LINEARS[5],
             "ln1": "attention.output.LayerNorm", "ln2": "output.LayerNorm"}
    with torch.no_grad():
        for attr, name in names.items():
            getattr(module, attr).weight.copy_(
                torch.from_numpy(tensors[name + ".weight"]))
            getattr(module, attr).bias.copy_(
                torch.from_numpy(tensors[name + ".bias"]))
    return module


def openblas_core():
    """The OpenBLAS core this process uses, if OpenBLAS is loaded."""
    try:
        paths = {line.split()[-1] for line in open("/proc/self/maps")
                 if "openblas" in line and line.split()[-1].startswith("/")}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return None


def time_torch(args):
    """Subcommand: times the PyTorch module, eager and frozen."""
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    manifest, tensors = load_layer(args.layer_dir)
    x = torch.from_numpy(np.ascontiguousarray(tensors["input"]))
    module = torch_module(manifest, tensors)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    with torch.inference_mode():
        seconds, reps = measure(lambda: module(x), args.budget, args.max_reps)
        result["eager"] = {"seconds": seconds, "reps": reps}
        module(x).numpy().tofile(args.output)
    with torch.no_grad():
        frozen = torch.jit.freeze(torch.jit.script(module))
        kind = "frozen"
        try:
            optimized = torch.jit.optimize_for_inference(frozen)
            optimized(x)
            frozen, kind = optimized, "frozen+optimize_for_inference"
        except Exception as error:  # noqa: BLE001 - reported, not fatal
            result["optimize_for_inference_error"] = str(error).split("\n")[0]
        seconds, reps = measure(lambda: frozen(x), args.budget, args.max_reps)
        result["frozen"] = {"seconds": seconds, "reps": reps, "kind": kind}
        frozen(x).numpy().tofile(args.output + ".frozen")
    result["openblas_core"] = openblas_core()
    json.dump(result, sys.stdout)


def time_torch2(args):
    """Subcommand (PyTorch 2 venv): eager and `torch.compile` (inductor)."""
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    manifest, tensors = load_layer(args.layer_dir)
    x = torch.from_numpy(np.ascontiguousarray(tensors["input"]))
    module = torch_module(manifest, tensors)
    result = {"torch": torch.__version__}
    with torch.inference_mode():
        seconds, reps = measure(lambda: module(x), args.budget, args.max_reps)
        result["eager"] = {"seconds": seconds, "reps": reps}
        compiled = torch.compile(module)
        start = time.perf_counter()
        compiled(x)
        result["compile_seconds"] = time.perf_counter() - start
        seconds, reps = measure(lambda: compiled(x), args.budget,
                                args.max_reps)
        result["compiled"] = {"seconds": seconds, "reps": reps}
        compiled(x).numpy().tofile(args.output)
    json.dump(result, sys.stdout)


def time_iree(args):
    """Subcommand (venv): runs an IREE module compiled for the local CPU."""
    import numpy as np
    import iree.runtime as ireert
    ireert.flags.parse_flags(
        f"--task_topology_max_group_count={args.threads}")
    config = ireert.Config("local-task")
    context = ireert.SystemContext(config=config)
    context.add_vm_module(ireert.VmModule.mmap(config.vm_instance, args.lib))
    forward = context.modules.module["forward"]
    _, tensors = load_layer(args.layer_dir)
    x = np.ascontiguousarray(tensors["input"])
    seconds, reps = measure(lambda: forward(x).to_host(), args.budget,
                            args.max_reps)
    forward(x).to_host().tofile(args.output)
    json.dump({"seconds": seconds, "reps": reps}, sys.stdout)


def export_torch_mlir(args):
    """Subcommand (venv): exports the PyTorch module with torch-mlir's FX
    importer to linalg on tensors, callable through the C interface."""
    import numpy as np
    import torch
    from torch_mlir import fx
    manifest, tensors = load_layer(args.layer_dir)
    module = torch_module(manifest, tensors)
    x = torch.from_numpy(np.ascontiguousarray(tensors["input"]))
    text = str(fx.export_and_import(module, x,
                                    output_type="linalg-on-tensors",
                                    func_name="forward"))
    head, sep, rest = text.partition("func.func @forward(")
    signature, brace, body = rest.partition(" {\n")
    if not sep or not brace:
        sys.exit("error: no func.func @forward in torch-mlir's output")
    with open(args.output, "w") as out:
        out.write(head + sep + signature +
                  " attributes {llvm.emit_c_interface}" + brace + body)


# ---------------------------------------------------------------------------
# The driver.


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def compile_layer(opt, mlir, lib, parallel, log):
    """tsparse-opt | mlir-translate | opt -O3 | llc | clang -shared; returns
    an error message or None."""
    # Calls are sequential: temporaries may live in static buffers.
    pipeline = ("--tsparse-cpu-pipeline=static-workspace=1" +
                (" parallel=1" if parallel else ""))
    base = lib[:-len(".so")]
    steps = [
        [opt, mlir, "--tsparse-sparsify=report=" + base + ".sparsify.json",
         pipeline, "-o", base + ".llvm.mlir"],
        [f"{LLVM}/bin/mlir-translate", "--mlir-to-llvmir", base + ".llvm.mlir",
         "-o", base + ".ll"],
        # LLVM's own optimizations first (llc only generates code): they
        # hoist the micro-kernel's row addresses out of its inner loop.
        [f"{LLVM}/bin/opt", "-O3", "-mcpu=native", base + ".ll", "-o",
         base + ".bc"],
        [f"{LLVM}/bin/llc", "-O3", "-mcpu=native", "-relocation-model=pic",
         "-filetype=obj", base + ".bc", "-o", base + ".o"],
        [f"{LLVM}/bin/clang", "-shared", base + ".o", "-o", lib,
         f"-L{LLVM}/lib", "-lmlir_c_runner_utils", f"-Wl,-rpath,{LLVM}/lib"]
        + (["-lomp"] if parallel else []),
    ]
    for step in steps:
        done = subprocess.run(step, stdout=log, stderr=subprocess.PIPE,
                              text=True)
        if done.returncode:
            return (f"{os.path.basename(step[0])} failed: " +
                    done.stderr.strip().split("\n")[0][:300])
    for line in open(base + ".ll"):
        if line.startswith("define") and "@_mlir_ciface_forward(" in line:
            if "(ptr %0, ptr %1)" not in line:
                return "unexpected C interface: " + line.strip()
            break
    else:
        return "no _mlir_ciface_forward in the LLVM IR"
    for path in (base + ".llvm.mlir", base + ".ll", base + ".bc", base + ".o"):
        os.remove(path)
    return None


def measuring_process(kind, layer_dir, output, threads, extra, budget,
                      max_reps, python=sys.executable):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    if kind in ("time-torch", "time-torch2") and threads > 1:
        # PyTorch runs its element-wise ops on libgomp threads and its
        # matmuls on OpenBLAS's own threads: spinning idle libgomp threads
        # take the cores from OpenBLAS (several times slower on 2 cores).
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    command = [python, os.path.abspath(__file__), kind,
               "--layer-dir", layer_dir, "--output", output,
               "--threads", str(threads), "--budget", str(budget),
               "--max-reps", str(max_reps)] + extra
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode:
        return {"error": (done.stderr.strip().split("\n") or [""])[-1][:300]}
    return json.loads(done.stdout)


def sparsify_summary(report_path):
    """Patterns the sparsifier chose for the six linears."""
    try:
        report = json.load(open(report_path))
    except (OSError, ValueError):
        return None
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "status" in node and "k" in node:
                found.append(node.get("pattern", "?")
                             if node["status"] == "sparsified"
                             else node["status"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(report)
    return found


def ms(seconds):
    return None if seconds is None else seconds * 1e3


def fmt(value, digits=1):
    return "n/a" if value is None else ("%.*f" % (digits, value))


def contractions(patterns):
    """'6 tw2d, 2 dense' from the sparsifier's verdicts."""
    if not patterns:
        return "n/a"
    counts = {}
    for pattern in patterns:
        counts[pattern] = counts.get(pattern, 0) + 1
    return ", ".join(f"{n} {p}" for p, n in counts.items())


def ratio(value):
    return "n/a" if value is None else ("%.3g" % value)


def iree_compile(iree, mlir, vmfb):
    """Compiles `mlir` for the local CPU; returns an error message or None."""
    done = subprocess.run(
        [iree, mlir, "--iree-hal-target-device=local",
         "--iree-hal-local-target-device-backends=llvm-cpu",
         "--iree-llvmcpu-target-cpu=host", "-o", vmfb],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        return "iree-compile failed: " + (done.stderr.strip().split("\n")
                                          or [""])[0][:300]
    return None


def compile_both(opt, mlir, base, threads, log, label, versions):
    """Serial (and, for more than one thread, OpenMP) libraries of `mlir`:
    {parallel: (library, error)}. Adds the modification time of the
    compiler each used to `versions`."""
    libs = {}
    for parallel in (False, True):
        if parallel and max(threads) == 1:
            continue
        lib = base + (".omp" if parallel else "") + ".so"
        versions.add(os.stat(opt).st_mtime)
        start = time.perf_counter()
        error = compile_layer(opt, mlir, lib, parallel, log)
        print(f"   compiled {label}{'parallel' if parallel else 'serial'} in "
              f"{time.perf_counter() - start:.1f} s"
              + (f": {error}" if error else ""), flush=True)
        libs[parallel] = (lib, error)
    return libs


def main_driver(args):
    import numpy as np
    out = os.path.join(ROOT, args.build, "bench-layer")
    opt = os.path.join(ROOT, args.build, "bin", "tsparse-opt")
    os.makedirs(out, exist_ok=True)
    threads = [int(t) for t in args.threads.split(",")]
    budget = 1.0 if args.quick else 3.0
    max_reps = 10 if args.quick else 50
    peers = args.peers_python
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    print(f"== {cpu}, {os.cpu_count()} CPUs; threads {threads}; "
          f"{'quick' if args.quick else 'full'} run"
          + ("; with torch.compile, IREE and torch-mlir" if peers else ""),
          flush=True)
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: load average {load:.2f} before the run: other "
              "processes compete for the CPUs and the times are noisy",
              flush=True)
    log = open(os.path.join(out, "build.log"), "w")
    results = []
    versions = set()
    info = {"cpu": cpu, "load_before": load, "peers": bool(peers)}
    for name, seq, options in layer_configs(args.quick):
        tag = f"{name}-s{seq}"
        layer_dir = os.path.join(out, tag)
        mlir = os.path.join(out, tag + ".mlir")
        print(f"== {tag}: generating", flush=True)
        run([sys.executable, os.path.join(ROOT, "scripts", "gen_bert_layer.py"),
             "--seq", str(seq), "--batch", "1", "--weights-out", layer_dir,
             "-o", mlir] + options)
        manifest, tensors = load_layer(layer_dir)
        reference = numpy_reference(manifest, tensors)
        libs = compile_both(opt, mlir, os.path.join(out, tag), threads, log,
                            "", versions)
        patterns = sparsify_summary(os.path.join(out, tag + ".sparsify.json"))
        peer_libs = {}
        if peers:
            vmfb = os.path.join(out, tag + ".vmfb")
            error = iree_compile(os.path.join(os.path.dirname(peers),
                                              "iree-compile"), mlir, vmfb)
            peer_libs["iree"] = {t: (vmfb, error) for t in threads}
            exported = os.path.join(out, tag + ".torch-mlir.mlir")
            done = subprocess.run(
                [peers, os.path.abspath(__file__), "export-torch-mlir",
                 "--layer-dir", layer_dir, "--output", exported],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if done.returncode:
                error = "torch-mlir export failed: " + (
                    done.stderr.strip().split("\n") or [""])[-1][:300]
                peer_libs["tsparse_torch_mlir"] = {t: (None, error)
                                                   for t in threads}
            else:
                both = compile_both(opt, exported,
                                    os.path.join(out, tag + ".torch-mlir"),
                                    threads, log, "torch-mlir export ",
                                    versions)
                peer_libs["tsparse_torch_mlir"] = {t: both[t > 1]
                                                   for t in threads}
                if not args.keep_mlir:
                    os.remove(exported)
        if not args.keep_mlir:
            os.remove(mlir)

        def timed(row, key, kind, t, lib=None, python=sys.executable):
            """Runs one measuring process; stores KEY_ms and
            KEY_rel_error, or KEY_error. Returns its JSON."""
            y_path = os.path.join(out, f"{tag}.t{t}.{key}.f32")
            timing = measuring_process(kind, layer_dir, y_path, t,
                                       ["--lib", lib] if lib else [], budget,
                                       max_reps, python)
            if "error" in timing:
                row[key + "_error"] = timing["error"]
                return timing
            seconds = timing.get("seconds")
            if seconds is not None:
                row[key + "_ms"] = ms(seconds)
                row[key + "_reps"] = timing["reps"]
            y = np.fromfile(y_path, dtype="<f4").reshape(reference.shape)
            row[key + "_rel_error"] = relative_error(y, reference)
            return timing

        for t in threads:
            row = {"layer": name, "seq": seq, "threads": t,
                   "sparsity": {n: manifest["tensors"][n + ".weight"]
                                .get("sparsity") for n in LINEARS},
                   "sparsified_as": patterns}
            lib, error = libs[t > 1]
            if error:
                row["tsparse_error"] = error
            else:
                timed(row, "tsparse", "time-tsparse", t, lib)
            timing = timed(row, "torch", "time-torch", t)
            if "error" not in timing:
                row["torch_eager_ms"] = ms(timing["eager"]["seconds"])
                row["torch_frozen_ms"] = ms(timing["frozen"]["seconds"])
                row["torch_frozen_kind"] = timing["frozen"]["kind"]
                row["torch_reps"] = [timing["eager"]["reps"],
                                     timing["frozen"]["reps"]]
                info["torch"] = timing["torch"]
                info["openblas_core"] = timing.get("openblas_core")
                if "optimize_for_inference_error" in timing:
                    info["optimize_for_inference_error"] = timing[
                        "optimize_for_inference_error"]
            if peers:
                for key in ("tsparse_torch_mlir", "iree"):
                    lib, error = peer_libs[key][t]
                    if error:
                        row[key + "_error"] = error
                    else:
                        timed(row, key, "time-" + key.split("_")[0], t, lib,
                              peers if key == "iree" else sys.executable)
                timing = timed(row, "torch2", "time-torch2", t,
                               python=peers)
                if "error" not in timing:
                    row["torch2_eager_ms"] = ms(timing["eager"]["seconds"])
                    row["torch_compile_ms"] = ms(timing["compiled"]["seconds"])
                    row["torch_compile_seconds"] = timing["compile_seconds"]
                    info["torch2"] = timing["torch"]
            torch_times = [row[k] for k in ("torch_eager_ms", "torch_frozen_ms",
                                            "torch2_eager_ms",
                                            "torch_compile_ms") if row.get(k)]
            if row.get("tsparse_ms") and torch_times:
                row["ratio"] = min(torch_times) / row["tsparse_ms"]
            results.append(row)
            rel = row.get("tsparse_rel_error")
            line = (f"   {t} thread(s): tsparse {fmt(row.get('tsparse_ms'))} "
                    f"ms (rel. error {'n/a' if rel is None else '%.1e' % rel})"
                    f", torch eager {fmt(row.get('torch_eager_ms'))} ms, "
                    f"frozen {fmt(row.get('torch_frozen_ms'))} ms")
            if peers:
                line += (f", torch 2 eager {fmt(row.get('torch2_eager_ms'))} "
                         f"ms, torch.compile "
                         f"{fmt(row.get('torch_compile_ms'))} ms, IREE "
                         f"{fmt(row.get('iree_ms'))} ms, tsparse on torch-mlir"
                         f" {fmt(row.get('tsparse_torch_mlir_ms'))} ms")
            errors = [f"{k[:-len('_error')]}: {v}" for k, v in row.items()
                      if k.endswith("_error") and not k.endswith("rel_error")]
            print(line + "".join("; " + e for e in errors), flush=True)
    log.close()

    checked = ["tsparse", "tsparse_torch_mlir"]
    failed = [r for r in results for key in checked
              if r.get(key + "_rel_error") is not None
              and r[key + "_rel_error"] > TOLERANCE]
    info["tolerance"] = TOLERANCE
    info["tsparse_opt_changed"] = len(versions) > 1
    if len(versions) > 1:
        print("warning: tsparse-opt was rebuilt during the run: the layers "
              "were compiled by different versions of it")
    info["quick"] = args.quick
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"info": info, "results": results}, f, indent=1)
        f.write("\n")
    table = markdown(info, results)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(table)
    with open(os.path.join(out, "ratio.svg"), "w") as f:
        f.write(svg(results))
    print()
    print(table)
    print(f"table: {out}/table.md  results: {out}/results.json  "
          f"plot: {out}/ratio.svg")
    if failed:
        print(f"error: {len(failed)} tsparse result(s) above the relative "
              f"error {TOLERANCE}")
        return 1
    return 0


def markdown(info, results):
    peers = info.get("peers")
    header = (
        f"CPU: {info['cpu']}; tsparse compiled with "
        "--tsparse-cpu-pipeline=static-workspace=1; "
        f"PyTorch {info.get('torch', 'n/a')} (OpenBLAS "
        f"core {info.get('openblas_core') or 'unknown'}); frozen = "
        "torch.jit.freeze(torch.jit.script(m))"
        + (" + optimize_for_inference" if "optimize_for_inference_error"
           not in info else "")
        + "; multi-thread PyTorch with OMP_WAIT_POLICY=PASSIVE.")
    if peers:
        header += (f" Peers: PyTorch {info.get('torch2', 'n/a')} eager and "
                   "torch.compile (inductor), IREE (llvm-cpu, host CPU) on "
                   "the generated layer, and tsparse on torch-mlir's own "
                   "export of the PyTorch module (FX importer).")
    header += (" contractions: what the sparsifier made of the layer's "
               "matmuls (the six linears and the two attention products)."
               " ratio = best PyTorch time / tsparse time (> 1: tsparse is "
               "faster). rel. error: ||y - ref|| / ||ref|| of tsparse against"
               f" float64 numpy (limit {TOLERANCE:g}). Load average before "
               f"the run: {info['load_before']:.2f}.")
    columns = [("tsparse ms", "tsparse_ms"),
               ("torch eager ms", "torch_eager_ms"),
               ("torch frozen ms", "torch_frozen_ms")]
    if peers:
        columns += [("torch 2 eager ms", "torch2_eager_ms"),
                    ("torch.compile ms", "torch_compile_ms"),
                    ("IREE ms", "iree_ms"),
                    ("tsparse on torch-mlir export ms",
                     "tsparse_torch_mlir_ms")]
    lines = [header, "",
             "| layer | seq | threads | contractions | " +
             " | ".join(title for title, _ in columns) +
             " | ratio | rel. error |",
             "|---|---:|---:|---|" + "---:|" * (len(columns) + 2)]
    for r in results:
        error = r.get("tsparse_rel_error")
        lines.append(
            f"| {r['layer']} | {r['seq']} | {r['threads']} | "
            f"{contractions(r.get('sparsified_as'))} | " +
            " | ".join(fmt(r.get(key)) for _, key in columns) +
            f" | {ratio(r.get('ratio'))} | "
            f"{'n/a' if error is None else '%.1e' % error} |")
    notes = sorted({f"{r['layer']} s{r['seq']} t{r['threads']}: "
                    f"{k[:-len('_error')]}: {v}"
                    for r in results for k, v in r.items()
                    if k.endswith("_error") and not k.endswith("rel_error")})
    if "optimize_for_inference_error" in info:
        notes.append("torch.jit.optimize_for_inference failed: " +
                     info["optimize_for_inference_error"])
    if info.get("tsparse_opt_changed"):
        notes.append("tsparse-opt was rebuilt during the run: the layers "
                     "were compiled by different versions of it.")
    if notes:
        lines += [""] + ["- " + note for note in notes]
    return "\n".join(lines) + "\n"


def svg(results):
    """Bars of the ratio per layer, sequence length and thread count."""
    rows = [r for r in results if r.get("ratio")]
    width, height = max(400, 60 + 28 * len(rows) + 40), 360
    left, bottom, top = 50, 110, 30
    max_y = max([r["ratio"] for r in rows] + [1.0]) * 1.15
    y_of = lambda v: height - bottom - v / max_y * (height - top - bottom)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="18" font-size="13">BERT-base layer: best '
           'PyTorch time / tsparse time</text>']
    step = max_y / 5
    for i in range(6):
        y = y_of(i * step)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" '
                   f'y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
                   f'{i * step:.2g}</text>')
    out.append(f'<line x1="{left}" y1="{y_of(1):.1f}" x2="{width - 10}" '
               f'y2="{y_of(1):.1f}" stroke="black" stroke-dasharray="4,3"/>')
    colors = {1: "#1f77b4", 2: "#ff7f0e"}
    for i, (count, color) in enumerate(sorted(colors.items())):
        out.append(f'<rect x="{width - 110}" y="{26 + 14 * i}" width="10" '
                   f'height="10" fill="{color}"/>')
        out.append(f'<text x="{width - 96}" y="{35 + 14 * i}">{count} '
                   f'thread{"s" if count > 1 else ""}</text>')
    for i, r in enumerate(rows):
        x = left + 10 + 28 * i
        y = y_of(r["ratio"])
        color = colors.get(r["threads"], "#2ca02c")
        out.append(f'<rect x="{x}" y="{y:.1f}" width="20" '
                   f'height="{height - bottom - y:.1f}" fill="{color}"/>')
        out.append(f'<text x="{x + 10}" y="{y - 3:.1f}" text-anchor="middle" '
                   f'font-size="9">{r["ratio"]:.2g}</text>')
        label = f'{r["layer"]} s{r["seq"]} t{r["threads"]}'
        out.append(f'<text transform="translate({x + 14},{height - bottom + 6})'
                   f' rotate(60)">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    subcommands = {"time-tsparse": time_tsparse, "time-torch": time_torch,
                   "time-torch2": time_torch2, "time-iree": time_iree,
                   "export-torch-mlir": export_torch_mlir}
    if len(sys.argv) > 1 and sys.argv[1] in subcommands:
        parser = argparse.ArgumentParser()
        parser.add_argument("kind")
        parser.add_argument("--layer-dir", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--budget", type=float, default=1.0)
        parser.add_argument("--max-reps", type=int, default=10)
        parser.add_argument("--lib")
        args = parser.parse_args()
        subcommands[args.kind](args)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="seq 128 only, fewer repetitions")
    parser.add_argument("--build", default="build",
                        help="build directory, relative to the source root")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--keep-mlir", action="store_true",
                        help="keep the generated layers (57 MB each)")
    parser.add_argument("--peers-python", metavar="PYTHON",
                        help="interpreter of a venv with PyTorch 2, IREE "
                        "and torch-mlir: also time torch.compile, IREE and "
                        "tsparse on torch-mlir's own export")
    return main_driver(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
