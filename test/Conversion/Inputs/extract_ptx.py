"""Prints the PTX of the first `assembly = "..."` gpu.object in an MLIR file.

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
    match = re.search(r'assembly = "((?:[^"\\]|\\.)*)"', mlir)
    if not match:
        sys.exit("error: no gpu.object with assembly in " + sys.argv[1])
    sys.stdout.write(unescape(match.group(1)))


if __name__ == "__main__":
    main()
