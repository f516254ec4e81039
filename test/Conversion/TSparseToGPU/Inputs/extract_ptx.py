#!/usr/bin/env python3
"""Writes the PTX held by the first `#gpu.object` of an MLIR file.

Usage: extract_ptx.py <input.mlir> <output.ptx>

MLIR prints the object as a string attribute (`assembly = "..."`) in which
non-printable bytes are escaped as \\XX (two hex digits).
"""

import sys


def main():
    text = open(sys.argv[1]).read()
    marker = 'assembly = "'
    start = text.find(marker)
    if start < 0:
        sys.exit("no PTX object in " + sys.argv[1])
    out, i = bytearray(), start + len(marker)
    while text[i] != '"':
        if text[i] == "\\":
            if text[i + 1] in '\\"':
                out.append(ord(text[i + 1]))
                i += 2
            else:
                out.append(int(text[i + 1:i + 3], 16))
                i += 3
        else:
            out.append(ord(text[i]))
            i += 1
    with open(sys.argv[2], "wb") as f:
        f.write(bytes(out))


if __name__ == "__main__":
    main()
