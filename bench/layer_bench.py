#!/usr/bin/env python3
"""Whole-layer CPU benchmark: one BERT-base encoder layer, tsparse against
PyTorch on the same (pruned) weights.

Usage: layer_bench.py [--quick] [--build DIR] [--threads 1,2] [--peers]

For each layer (seq 128 and 384, batch 1: dense, 75 % and 90 % TW-2D with
128-column tiles, and 75 % block-wise 32 x 128 at seq 128; `--quick`: seq
128 only, fewer repetitions) it

- generates the layer with scripts/gen_bert_layer.py (weights pruned in the
  generator, dumped as raw f32 for the other frameworks),
- compiles it with `tsparse-opt --tsparse-sparsify --tsparse-cpu-pipeline`
  (the dense layer goes through the same command: nothing is sparsified),
  mlir-translate, `llc -O3 -mcpu=native` and `clang -shared`, once serial
  and once with `parallel=1` (OpenMP, LLVM's libomp) for the multi-thread
  runs,
- calls `_mlir_ciface_forward(result, input)` through ctypes with memref
  descriptors built by hand, and checks the result against a float64 numpy
  evaluation of the same pruned layer (||y - ref|| / ||ref|| <= 1e-4),
- times an equivalent `nn.Module` of plain torch ops in eager mode and as
  `torch.jit.freeze(torch.jit.script(m))` (then
  `torch.jit.optimize_for_inference` where it works).

Every timing runs in its own process (tsparse's libomp and PyTorch's
libgomp never share one) with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set
to the thread count (and OMP_WAIT_POLICY=PASSIVE for multi-thread PyTorch,
whose idle OpenMP threads otherwise spin on the cores OpenBLAS's threads
need), after warm-up, as the median of repetitions whose number adapts to the time of
one call (a slow layer is called only a few times). Results go to
DIR/bench-layer/: table.md, results.json and ratio.svg.

Internal subcommands `time-tsparse` and `time-torch` are the measuring
processes.
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
HIDDEN, HEADS, FFN = 768, 12, 3072
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


# ---------------------------------------------------------------------------
# The driver.


def run(command, **kwargs):
    return subprocess.run(command, check=True, **kwargs)


def compile_layer(opt, mlir, lib, parallel, log):
    """tsparse-opt | mlir-translate | llc | clang -shared; returns an error
    message or None."""
    pipeline = "--tsparse-cpu-pipeline" + ("=parallel=1" if parallel else "")
    base = lib[:-len(".so")]
    steps = [
        [opt, mlir, "--tsparse-sparsify=report=" + base + ".sparsify.json",
         pipeline, "-o", base + ".llvm.mlir"],
        [f"{LLVM}/bin/mlir-translate", "--mlir-to-llvmir", base + ".llvm.mlir",
         "-o", base + ".ll"],
        [f"{LLVM}/bin/llc", "-O3", "-mcpu=native", "-relocation-model=pic",
         "-filetype=obj", base + ".ll", "-o", base + ".o"],
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
    for path in (base + ".llvm.mlir", base + ".ll", base + ".o"):
        os.remove(path)
    return None


def measuring_process(kind, layer_dir, output, threads, extra, budget,
                      max_reps):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads))
    if kind == "time-torch" and threads > 1:
        # PyTorch runs its element-wise ops on libgomp threads and its
        # matmuls on OpenBLAS's own threads: spinning idle libgomp threads
        # take the cores from OpenBLAS (several times slower on 2 cores).
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    command = [sys.executable, os.path.abspath(__file__), kind,
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
                found.append(node.get("pattern") or node["status"])
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


def ratio(value):
    return "n/a" if value is None else ("%.3g" % value)


def main_driver(args):
    import numpy as np
    out = os.path.join(ROOT, args.build, "bench-layer")
    opt = os.path.join(ROOT, args.build, "bin", "tsparse-opt")
    os.makedirs(out, exist_ok=True)
    threads = [int(t) for t in args.threads.split(",")]
    budget = 1.0 if args.quick else 3.0
    max_reps = 10 if args.quick else 50
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    print(f"== {cpu}, {os.cpu_count()} CPUs; threads {threads}; "
          f"{'quick' if args.quick else 'full'} run", flush=True)
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: load average {load:.2f} before the run: other "
              "processes compete for the CPUs and the times are noisy",
              flush=True)
    log = open(os.path.join(out, "build.log"), "w")
    results = []
    info = {"cpu": cpu, "load_before": load}
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
        libs = {}
        for parallel in (False, True):
            if parallel and max(threads) == 1:
                continue
            lib = os.path.join(out, tag + (".omp" if parallel else "") + ".so")
            start = time.perf_counter()
            error = compile_layer(opt, mlir, lib, parallel, log)
            print(f"   compiled {'parallel' if parallel else 'serial'} in "
                  f"{time.perf_counter() - start:.1f} s"
                  + (f": {error}" if error else ""), flush=True)
            libs[parallel] = (lib, error)
        patterns = sparsify_summary(os.path.join(out, tag + ".sparsify.json"))
        if not args.keep_mlir:
            os.remove(mlir)
        for t in threads:
            row = {"layer": name, "seq": seq, "threads": t,
                   "sparsity": {n: manifest["tensors"][n + ".weight"]
                                .get("sparsity") for n in LINEARS},
                   "sparsified_as": patterns}
            lib, error = libs[t > 1]
            if error:
                row["tsparse_error"] = error
            else:
                y_path = os.path.join(out, f"{tag}.t{t}.tsparse.f32")
                timing = measuring_process("time-tsparse", layer_dir, y_path,
                                           t, ["--lib", lib], budget, max_reps)
                if "error" in timing:
                    row["tsparse_error"] = timing["error"]
                else:
                    row["tsparse_ms"] = ms(timing["seconds"])
                    row["tsparse_reps"] = timing["reps"]
                    y = np.fromfile(y_path, dtype="<f4").reshape(
                        reference.shape)
                    row["tsparse_rel_error"] = relative_error(y, reference)
            y_path = os.path.join(out, f"{tag}.t{t}.torch.f32")
            timing = measuring_process("time-torch", layer_dir, y_path, t, [],
                                       budget, max_reps)
            if "error" in timing:
                row["torch_error"] = timing["error"]
            else:
                row["torch_eager_ms"] = ms(timing["eager"]["seconds"])
                row["torch_frozen_ms"] = ms(timing["frozen"]["seconds"])
                row["torch_frozen_kind"] = timing["frozen"]["kind"]
                row["torch_reps"] = [timing["eager"]["reps"],
                                     timing["frozen"]["reps"]]
                y = np.fromfile(y_path, dtype="<f4").reshape(reference.shape)
                row["torch_rel_error"] = relative_error(y, reference)
                info["torch"] = timing["torch"]
                info["openblas_core"] = timing.get("openblas_core")
                if "optimize_for_inference_error" in timing:
                    info["optimize_for_inference_error"] = timing[
                        "optimize_for_inference_error"]
            torch_times = [v for v in (row.get("torch_eager_ms"),
                                       row.get("torch_frozen_ms")) if v]
            if row.get("tsparse_ms") and torch_times:
                row["ratio"] = min(torch_times) / row["tsparse_ms"]
            results.append(row)
            rel = row.get("tsparse_rel_error")
            print(f"   {t} thread(s): tsparse {fmt(row.get('tsparse_ms'))} ms"
                  f" (rel. error {'n/a' if rel is None else '%.1e' % rel}),"
                  f" torch eager {fmt(row.get('torch_eager_ms'))} ms, frozen "
                  f"{fmt(row.get('torch_frozen_ms'))} ms"
                  + (f"; tsparse: {row['tsparse_error']}"
                     if "tsparse_error" in row else "")
                  + (f"; torch: {row['torch_error']}"
                     if "torch_error" in row else ""), flush=True)
    log.close()

    failed = [r for r in results if r.get("tsparse_rel_error") is not None
              and r["tsparse_rel_error"] > TOLERANCE]
    info["tolerance"] = TOLERANCE
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
    lines = [
        f"CPU: {info['cpu']}; PyTorch {info.get('torch', 'n/a')}, OpenBLAS "
        f"core {info.get('openblas_core') or 'unknown'}; frozen = "
        "torch.jit.freeze(torch.jit.script(m))"
        + (" + optimize_for_inference" if "optimize_for_inference_error"
           not in info else "")
        + "; multi-thread PyTorch with OMP_WAIT_POLICY=PASSIVE"
        + ". ratio = best PyTorch time / tsparse time (> 1: tsparse is "
        f"faster). rel. error: ||y - ref|| / ||ref|| against float64 numpy "
        f"(limit {TOLERANCE:g}). Load average before the run: "
        f"{info['load_before']:.2f}.",
        "",
        "| layer | seq | threads | tsparse ms | torch eager ms | "
        "torch frozen ms | ratio | rel. error |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        error = r.get("tsparse_rel_error")
        lines.append(
            f"| {r['layer']} | {r['seq']} | {r['threads']} | "
            f"{fmt(r.get('tsparse_ms'))} | {fmt(r.get('torch_eager_ms'))} | "
            f"{fmt(r.get('torch_frozen_ms'))} | {ratio(r.get('ratio'))} | "
            f"{'n/a' if error is None else '%.1e' % error} |")
    notes = sorted({f"{r['layer']}: tsparse: {r['tsparse_error']}"
                    for r in results if "tsparse_error" in r} |
                   {f"{r['layer']}: torch: {r['torch_error']}"
                    for r in results if "torch_error" in r})
    if "optimize_for_inference_error" in info:
        notes.append("torch.jit.optimize_for_inference failed: " +
                     info["optimize_for_inference_error"])
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
    if len(sys.argv) > 1 and sys.argv[1] in ("time-tsparse", "time-torch"):
        parser = argparse.ArgumentParser()
        parser.add_argument("kind")
        parser.add_argument("--layer-dir", required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--budget", type=float, default=1.0)
        parser.add_argument("--max-reps", type=int, default=10)
        parser.add_argument("--lib")
        args = parser.parse_args()
        (time_tsparse if args.kind == "time-tsparse" else time_torch)(args)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="seq 128 only, fewer repetitions")
    parser.add_argument("--build", default="build",
                        help="build directory, relative to the source root")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--keep-mlir", action="store_true",
                        help="keep the generated layers (57 MB each)")
    return main_driver(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
