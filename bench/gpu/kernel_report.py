#!/usr/bin/env python3
"""Static report of tensor-core kernels: for every kernel (.entry) of the
given PTX files, ptxas's registers, spills and shared memory, and the main
loop's instruction mix: the loop (a backward branch) holding the most
tensor-core instructions, with the other instructions it issues per
tensor-core instruction, from the PTX and, when nvdisasm is available, from
the SASS of the same loop.

Usage: kernel_report.py [--ptxas PTXAS] [--nvdisasm NVDISASM] --arch ARCH
                        [--filter REGEX] FILE.ptx...
Prints a markdown table.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Tensor-core instructions, PTX and SASS.
PTX_MMA = re.compile(r"^\s*(?:@%\w+\s+)?(mma\.sync|wmma\.mma|wgmma\.mma_async)")
SASS_MMA = re.compile(r"\b(HMMA|HGMMA|BMMA|IMMA)\b")
LABEL = re.compile(r"^\s*(\$L__\w+):")
PTX_BRANCH = re.compile(r"\bbra(?:\.uni)?\s+(\$L__\w+);")


def split_entries(ptx):
    """Yields (name, body lines) of each .entry of a PTX module."""
    lines = ptx.splitlines()
    for i, line in enumerate(lines):
        match = re.search(r"\.entry\s+(\w+)", line)
        if not match:
            continue
        depth, started, body = 0, False, []
        for line in lines[i + 1:]:
            depth += line.count("{") - line.count("}")
            started |= "{" in line
            body.append(line)
            if started and depth == 0:
                break
        yield match.group(1), body


def ptx_statements(lines):
    """Joins the lines of multi-line PTX instructions: one entry per
    instruction (ending in ';') or label."""
    statements, pending = [], ""
    for line in lines:
        line = line.split("//", 1)[0].strip()
        if not line:
            continue
        if LABEL.match(line) and not pending:
            statements.append(line)
            continue
        pending += " " + line
        if pending.endswith(";") or pending.endswith("{") or pending == " }":
            statements.append(pending.strip())
            pending = ""
    return statements


def is_ptx_instruction(line):
    text = line.strip()
    return (text.endswith(";") and not text.startswith(".")
            and not text.startswith("//"))


def basic_blocks(statements, is_instruction, label_of, branch_target,
                 is_unconditional):
    """Splits statements into basic blocks: [(instructions, successors)]."""
    blocks, index_of, current = [], {}, None
    for statement in statements:
        label = label_of(statement)
        if label:
            current = None
            index_of[label] = len(blocks)
            blocks.append([[], [], label])
            current = blocks[-1]
            continue
        if not is_instruction(statement):
            continue
        if current is None:
            blocks.append([[], [], None])
            current = blocks[-1]
        current[0].append(statement)
        if branch_target(statement) or re.search(r"\b(ret|exit|EXIT|RET)\b",
                                                 statement):
            current = None
    result = []
    for b, (body, _, _) in enumerate(blocks):
        successors = []
        last = body[-1] if body else ""
        target = branch_target(last)
        if target in index_of:
            successors.append(index_of[target])
        # A predicated exit (`@!P0 EXIT`) falls through when not taken.
        ends = is_unconditional(last) and (target or re.search(
            r"\b(ret|exit|EXIT|RET)\b", last))
        if not ends and b + 1 < len(blocks):
            successors.append(b + 1)
        result.append((body, successors))
    return result


def main_loop(blocks, is_mma):
    """Returns (tensor-core instructions, other instructions, instructions)
    of the innermost natural loop with tensor-core instructions that has the
    most of them (the smallest on ties), or
    None. Instructions are counted statically over the loop's blocks: on a
    loop without branches other than its back edge, what one iteration
    issues."""
    n = len(blocks)
    predecessors = [[] for _ in range(n)]
    for b, (_, successors) in enumerate(blocks):
        for s in successors:
            predecessors[s].append(b)
    # Dominators, iteratively, from block 0.
    dominators = [set(range(n)) for _ in range(n)]
    dominators[0] = {0}
    changed = True
    while changed:
        changed = False
        for b in range(1, n):
            preds = [dominators[p] for p in predecessors[b]]
            new = (set.intersection(*preds) if preds else set()) | {b}
            if new != dominators[b]:
                dominators[b], changed = new, True
    loops = []
    for latch, (_, successors) in enumerate(blocks):
        for header in successors:
            if header not in dominators[latch]:
                continue
            # The blocks reaching the latch without passing the header (a
            # block branching to itself is a whole loop).
            loop, stack = {header}, []
            if latch != header:
                loop.add(latch)
                stack.append(latch)
            while stack:
                for p in predecessors[stack.pop()]:
                    if p not in loop:
                        loop.add(p)
                        stack.append(p)
            loops.append(loop)
    best = None
    for loop in loops:
        body = [i for b in loop for i in blocks[b][0]]
        mmas = sum(1 for i in body if is_mma(i))
        # Innermost loops with tensor-core work only: an enclosing loop
        # (around a main loop split in two, say) counts its inner loops'
        # instructions once per trip of its own.
        if not mmas or any(other < loop and any(
                is_mma(i) for b in other for i in blocks[b][0])
                           for other in loops):
            continue
        key = (mmas, -len(body))
        if best is None or key > best[0]:
            best = (key, mmas, len(body) - mmas, body)
    return None if best is None else best[1:]


def warp_work(instruction):
    """Tensor-core work one warp does for a PTX mma instruction, in m16n8k16
    products: a wgmma is issued by the four warps of its warpgroup, each of
    which computes a quarter of its rows."""
    match = re.search(r"\.m(\d+)n(\d+)k(\d+)", instruction)
    if not match:
        return 1.0
    m, n, k = (int(g) for g in match.groups())
    if "wgmma" in instruction:
        m //= 4
    return m * n * k / (16 * 8 * 16)


def ptxas_info(ptxas, arch, path):
    """Returns {kernel: (registers, spill bytes, shared bytes)}, the cubin
    ptxas wrote and ptxas's "Potential Performance Loss" reports (wgmma
    serialized, say)."""
    cubin = tempfile.NamedTemporaryFile(suffix=".cubin", delete=False).name
    result = subprocess.run([ptxas, "-arch=" + arch, "-v", path, "-o", cubin],
                            capture_output=True, text=True, check=True)
    info, current = {}, None
    losses = [line.split(":", 1)[1].strip()
              for line in (result.stdout + result.stderr).splitlines()
              if "Performance Loss" in line]
    for line in result.stderr.splitlines():
        match = re.search(r"Compiling entry function '(\w+)'", line)
        if match:
            current = match.group(1)
            info[current] = [0, 0, 0]
        match = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads",
                          line)
        if match and current:
            info[current][1] = int(match.group(1)) + int(match.group(2))
        match = re.search(r"Used (\d+) registers.*?(\d+) bytes smem", line)
        if match and current:
            info[current][0] = int(match.group(1))
            info[current][2] = int(match.group(2))
    return info, cubin, losses


def is_sass_instruction(line):
    return re.search(r"/\*[0-9a-f]{4,}\*/\s+\S", line) is not None


def sass_loops(nvdisasm, cubin):
    """Returns {kernel: (mma count, other count, instructions)} of each
    kernel's SASS main loop."""
    text = subprocess.run([nvdisasm, "-c", cubin], capture_output=True,
                          text=True, check=True).stdout
    loops = {}
    for part in re.split(r"\n\s*\.text\.", text)[1:]:
        name = part.split(":", 1)[0].strip()
        lines = part.splitlines()
        loops[name] = main_loop(
            basic_blocks(
                lines, is_sass_instruction,
                lambda l: (re.match(r"^\s*(\.L_x_\d+):", l) or [None, None])[1],
                lambda l: (re.search(r"\bBRA\b.*?(\.L_x_\d+)", l)
                           or [None, None])[1],
                lambda l: not re.search(r"@!?U?P\d", l)),
            lambda l: SASS_MMA.search(l) is not None)
    return loops


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ptxas", default=shutil.which("ptxas")
                        or "/usr/local/cuda/bin/ptxas")
    parser.add_argument("--nvdisasm", default=shutil.which("nvdisasm"))
    parser.add_argument("--arch", required=True)
    parser.add_argument("--filter", default="")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    print("| kernel | registers | spill bytes | shared bytes | PTX main loop: "
          "mma / other / other per mma | PTX other per m16n8k16 of a warp's "
          "work | SASS main loop: mma / other / other per mma | spill "
          "instructions in the SASS main loop |")
    print("|---|---|---|---|---|---|---|---|")
    losses = []
    for path in args.files:
        info, cubin, path_losses = ptxas_info(args.ptxas, args.arch, path)
        losses += path_losses
        sass = sass_loops(args.nvdisasm, cubin) if args.nvdisasm else {}
        os.unlink(cubin)
        for name, body in split_entries(open(path).read()):
            if not re.search(args.filter, name):
                continue
            loop = main_loop(
                basic_blocks(
                    ptx_statements(body), is_ptx_instruction,
                    lambda l: (LABEL.match(l) or [None, None])[1],
                    lambda l: (PTX_BRANCH.search(l) or [None, None])[1],
                    lambda l: not l.startswith("@")),
                lambda l: PTX_MMA.search(l) is not None)
            registers, spills, shared = info.get(name, ("?", "?", "?"))
            # Dynamic shared memory is sized by the launch, not by ptxas.
            if any("__dynamic_shmem__" in line for line in body):
                shared = "dynamic"

            def cell(loop):
                if not loop:
                    return "-"
                return "%d / %d / %.2f" % (loop[0], loop[1], loop[1] / loop[0])

            # Other instructions per unit of tensor-core work, which compares
            # mma.sync (m16n8k16), WMMA (m16n16k16) and wgmma (m64nNk16).
            work_cell = "-"
            if loop:
                work = sum(warp_work(i) for i in loop[2] if PTX_MMA.search(i))
                work_cell = "%.2f" % (loop[1] / work)

            sass_cell, spill_cell = "(no nvdisasm)", "-"
            if args.nvdisasm:
                sass_loop = sass.get(name)
                sass_cell = cell(sass_loop)
                if sass_loop:
                    spill_cell = str(sum(1 for i in sass_loop[2]
                                         if re.search(r"\b(STL|LDL)\b", i)))
            print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                name, registers, spills, shared, cell(loop), work_cell,
                sass_cell, spill_cell))
    # A kernel ptxas reports, e.g. with its wgmma serialized, is not what
    # its counts suggest.
    for loss in losses:
        print("\nptxas: " + loss)


if __name__ == "__main__":
    sys.exit(main())
