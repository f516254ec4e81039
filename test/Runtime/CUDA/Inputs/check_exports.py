"""Checks that a library defines every mgpu* and tsparse* function some LLVM
IR declares.

Usage: check_exports.py <module.ll> <llvm-nm -D --defined-only output>
Prints one line per function and fails if any is missing or none is found.
"""

import re
import sys


def main():
    declared = sorted(set(re.findall(r"^declare .*@((?:mgpu|tsparse)\w+)\(",
                                     open(sys.argv[1]).read(), re.M)))
    defined = {line.split()[-1] for line in open(sys.argv[2])
               if len(line.split()) == 3 and line.split()[1] == "T"}
    if not declared:
        sys.exit("error: " + sys.argv[1] + " declares no runtime function")
    missing = [name for name in declared if name not in defined]
    for name in declared:
        print(("missing: " if name in missing else "defined: ") + name)
    if missing:
        sys.exit("error: %d of %d functions are not exported" %
                 (len(missing), len(declared)))


if __name__ == "__main__":
    main()
