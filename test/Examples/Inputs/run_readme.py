#!/usr/bin/env python3
"""Runs the shell commands of the README's "Using tsparse-opt" section, top
to bottom, in WORK_DIR, and fails on the first that fails.

    run_readme.py README.md SOURCE_ROOT BUILD_ROOT WORK_DIR

Paths are made absolute: `build/` is BUILD_ROOT, `scripts/` and
`examples/` are under SOURCE_ROOT. The one change to the commands: the
example model is generated small (`--hidden 64 --ffn 256`), so that the
test takes seconds.
"""

import os
import re
import subprocess
import sys


def commands(readme):
    text = open(readme).read()
    section = text.split("## Using tsparse-opt", 1)[1].split("\n## ", 1)[0]
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        # Join continuation lines and pipelines split after `|`.
        joined = re.sub(r"\\\n\s*", " ", block)
        joined = re.sub(r"\|\n\s*", "| ", joined)
        for line in joined.splitlines():
            if line.strip():
                yield line.strip()


def main():
    readme, source, build, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    count = 0
    for command in commands(readme):
        command = re.sub(r"(?<![\w/])build/", build + "/", command)
        command = re.sub(r"(?<![\w/])(scripts|examples)/", source + r"/\1/",
                         command)
        if "gen_bert_ffn.py" in command:
            command += " --hidden 64 --ffn 256"
        print("$", command, flush=True)
        done = subprocess.run(["bash", "-o", "pipefail", "-c", command],
                              cwd=work, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if done.returncode:
            print(done.stdout[-3000:])
            print("FAILED with exit status %d" % done.returncode)
            return 1
        count += 1
    print("%d README commands ran" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
