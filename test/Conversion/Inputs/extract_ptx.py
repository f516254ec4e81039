"""Prints the PTX of a `assembly = "..."` gpu.object in an MLIR file: that of
the gpu.binary named by the second argument, or else of @tsparse_kernels (the
products' kernels) if there is one, or else the first.

MLIR prints string attributes with `\\XX` hex escapes (plus `\\\\`, `\\"`,
`\\n`, `\\t`); this undoes them so ptxas can read the result.
"""

import re
import sys

ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t"}


def unescape(text):
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] != "\\":
            out += text[i].encode()
            i += 1
        elif text[i + 1] in ESCAPES:
            out += ESCAPES[text[i + 1]].encode()
            i += 2
        else:
            out.append(int(text[i + 1:i + 3], 16))
            i += 3
    return out.decode()


def main():
    mlir = open(sys.argv[1]).read()
    objects = re.findall(
        r'gpu\.binary @(\w+) .*?assembly = "((?:[^"\\]|\\.)*)"', mlir)
    wanted = sys.argv[2] if len(sys.argv) > 2 else "tsparse_kernels"
    named = [ptx for name, ptx in objects if name == wanted]
    if len(sys.argv) > 2 and not named:
        sys.exit("error: no gpu.binary @" + wanted + " in " + sys.argv[1])
    match = named or [ptx for _, ptx in objects]
    if not match:
        sys.exit("error: no gpu.object with assembly in " + sys.argv[1])
    sys.stdout.write(unescape(match[0]))


if __name__ == "__main__":
    main()
