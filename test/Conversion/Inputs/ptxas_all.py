"""Assembles the PTX of every `gpu.binary` in an MLIR file with ptxas.

Usage: ptxas_all.py <ptxas> <arch> <file.mlir>
Prints the number of binaries assembled; fails on the first ptxas error or
"Potential Performance Loss" report.
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract_ptx import unescape  # noqa: E402


def main():
    ptxas, arch, path = sys.argv[1:4]
    objects = re.findall(
        r'gpu\.binary @(\w+) .*?assembly = "((?:[^"\\]|\\.)*)"',
        open(path).read())
    if not objects:
        sys.exit("error: no gpu.object with assembly in " + path)
    with tempfile.TemporaryDirectory() as work:
        for name, text in objects:
            ptx = os.path.join(work, name + ".ptx")
            with open(ptx, "w") as f:
                f.write(unescape(text))
            result = subprocess.run(
                [ptxas, "-arch=" + arch, ptx, "-o", os.devnull],
                capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(f"error: ptxas rejects @{name}:\n{result.stderr}")
            # E.g. wgmma serialized because of the accumulators' registers.
            if "Performance Loss" in result.stdout + result.stderr:
                sys.exit(f"error: ptxas warns on @{name}:\n"
                         f"{result.stdout}{result.stderr}")
    print(f"{len(objects)} binaries assembled")


if __name__ == "__main__":
    main()
