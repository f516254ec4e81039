"""Writes the input that @main of a test program passes to @forward (its
first `arith.constant dense<...>`) as raw little-endian f32.

Usage: main_input.py <program.mlir> <output.f32>
"""

import re
import struct
import sys


def main():
    text = open(sys.argv[1]).read()
    main_body = text[text.index("func.func @main"):]
    literal = re.search(r"arith\.constant dense<(.*?)> :", main_body).group(1)
    values = [float(v) for v in re.findall(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?",
                                           literal)]
    with open(sys.argv[2], "wb") as f:
        f.write(struct.pack("<%df" % len(values), *values))


if __name__ == "__main__":
    main()
