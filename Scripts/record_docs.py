#!/usr/bin/env python3
"""Re-records the ```console blocks of the documents that DocumentationTests checks, except blocks
that skip lines with `…` (those are edited by hand): each `$ chainrule …` block gets the command's
real output. Review the diff before committing.

usage: python3 Scripts/record_docs.py [path/to/chainrule]     (default .build/debug/chainrule)
"""
import os
import shlex
import subprocess
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/debug/chainrule"))
env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
for document in ["docs/tutorial.md", "README.md", "docs/reference.md"]:
    path = os.path.join(root, document)
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, changed = [], 0, 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i] == "```console" and i + 1 < len(lines) and lines[i + 1].startswith("$ chainrule"):
            i += 1
            command = lines[i][2:]
            out.append(lines[i])
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                out.append(lines[i])
                command = command[:-1] + lines[i].strip()
            j = i + 1
            while j < len(lines) and lines[j] != "```":
                j += 1
            block = lines[i + 1:j]
            if "…" in block:
                out.extend(block)
            else:
                words = shlex.split(command)[1:]
                result = subprocess.run([binary] + words, cwd=root, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
                text = (result.stdout + result.stderr).replace(os.path.abspath(root) + "/", "").split("\n")
                while text and text[-1] == "":
                    text.pop()
                if text != block:
                    changed += 1
                out.extend(text)
            i = j
            out.append(lines[i] if i < len(lines) else "```")
        i += 1
    open(path, "w", encoding="utf-8").write("\n".join(out))
    print(f"{document}: {changed} block(s) re-recorded")
