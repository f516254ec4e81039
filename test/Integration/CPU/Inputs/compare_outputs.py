#!/usr/bin/env python3
"""Compares two runs of printMemrefF32 block by block.

Usage: compare_outputs.py TYPES REFERENCE ACTUAL [--f32-inputs-as=TYPE].
TYPES lists the result type of each printed block: the blocks must agree
within a tolerance relative to the largest magnitude of the reference
block, which covers a different summation order in that type (f32 1e-5,
f16 4e-3, bf16 3e-2). With --f32-inputs-as, f32 blocks get the tolerance
of TYPE, for products whose f32 inputs were rounded to it.
"""

import re
import sys

TOLERANCE = {"f32": 1e-5, "f16": 4e-3, "bf16": 3e-2}
NUMBER = re.compile(r"-?(?:nan|inf|\d+(?:\.\d*)?(?:e[-+]?\d+)?)")


def blocks(path):
    text = open(path).read()
    result = []
    for block in text.split("Unranked Memref")[1:]:
        header, _, data = block.partition("data =")
        sizes = re.search(r"sizes = \[([^\]]*)\]", header).group(1)
        result.append((sizes, [float(x) for x in NUMBER.findall(data)]))
    return result


def main():
    types = open(sys.argv[1]).read().split()
    for option in sys.argv[4:]:
        if option.startswith("--f32-inputs-as="):
            narrow = option.split("=", 1)[1]
            types = [narrow if kind == "f32" else kind for kind in types]
    reference, actual = blocks(sys.argv[2]), blocks(sys.argv[3])
    if not (len(types) == len(reference) == len(actual)):
        print(f"error: expected {len(types)} blocks but got "
              f"{len(reference)} and {len(actual)}")
        return 1
    for index, (kind, (sizes, ref), (sizes2, got)) in enumerate(
            zip(types, reference, actual)):
        if sizes != sizes2 or len(ref) != len(got):
            print(f"error: block {index}: sizes [{sizes}] and [{sizes2}]")
            return 1
        scale = max([abs(x) for x in ref] + [1.0])
        for position, (x, y) in enumerate(zip(ref, got)):
            if not abs(x - y) <= TOLERANCE[kind] * scale:
                print(f"error: block {index} ({kind}) element {position}: "
                      f"expected {x} but got {y}")
                return 1
    print(f"{len(types)} blocks match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
