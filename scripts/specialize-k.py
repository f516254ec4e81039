#!/usr/bin/env python3
"""Writes the functions of an MLIR file of products (bench/gpu/kernels*.mlir)
whose A is row-major (`%a: tensor<?xKx...>`) and whose kept rows are single
(no unit_k) again for other depths K, renamed `<name>_k<K>`: the mma.sync
kernel that gathers such an A through registers is specialized on K, so
the GPU check needs one per K it runs.

Usage: specialize-k.py <input.mlir> <K> <new K>..."""
import re
import sys


def main():
    path, k, depths = sys.argv[1], sys.argv[2], sys.argv[3:]
    functions = re.findall(r"^func\.func .*?^}\n", open(path).read(),
                           re.MULTILINE | re.DOTALL)
    row_major = [f for f in functions
                 if "%%a: tensor<?x%sx" % k in f and "unit_k" not in f]
    for depth in depths:
        for function in row_major:
            function = re.sub(r"@(\w+)", r"@\1_k%s" % depth, function, count=1)
            print(re.sub(r"(?<![0-9])%sx" % k, "%sx" % depth, function))


if __name__ == "__main__":
    main()
