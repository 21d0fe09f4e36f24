#!/usr/bin/env python3
"""Writes a fixed corpus of formulas, one per line (definitions joined by '\\n' escapes), for
comparing two builds' output with `chainrule-bench --profile print` (see docs/design.md).

usage: python3 Scripts/make_corpus.py > /tmp/corpus.txt      (same output on every run)
"""
import random
import glob
import os

FUNCTIONS1 = ["sin", "cos", "tan", "exp", "log", "ln", "sqrt", "tanh", "sigmoid", "softplus", "relu",
              "abs", "atan", "sinh", "cosh", "asin", "acos", "step", "sign"]
FUNCTIONS2 = ["max", "min"]
NAMES = ["x", "y", "w", "b", "beta0", "omega1", "β₂", "ω_3", "z1", "net_h1", "t", "lambda", "a", "u"]
NUMBERS = ["2", "3", "0.5", "1", "10", ".25", "1e-3", "7", "1/3", "-1"]


def expr(r, depth):
    if depth <= 0 or r.random() < 0.2:
        return r.choice(NAMES) if r.random() < 0.7 else r.choice(NUMBERS).lstrip("-")
    k = r.random()
    if k < 0.25:
        op = r.choice(["+", "-", "*", "/"])
        return f"{expr(r, depth - 1)} {op} {expr(r, depth - 1)}"
    if k < 0.4:
        return f"({expr(r, depth - 1)})^{r.choice(['2', '3', '-1', '0.5', 'y', '-2'])}"
    if k < 0.45:
        return f"-{expr(r, depth - 1)}"
    if k < 0.5:
        a = expr(r, depth - 1)
        return f"{r.choice(FUNCTIONS2)}({a}, {expr(r, depth - 1)})"
    if k < 0.55:
        return f"({expr(r, depth - 1)})*({expr(r, depth - 1)})"
    f = r.choice(FUNCTIONS1)
    inner = expr(r, depth - 1)
    if f in ("log", "ln", "sqrt"):
        inner = f"1 + ({inner})^2"
    if f in ("asin", "acos"):
        inner = f"tanh({inner})"
    return f"{f}({inner})"


def program(r):
    if r.random() < 0.3:
        lines = []
        defined = []
        for i in range(r.randint(1, 4)):
            name = f"s{i}"
            body = expr(r, r.randint(1, 3))
            if defined and r.random() < 0.8:
                body = f"{body} + {r.choice(defined)}*{r.choice(NAMES)}"
            lines.append(f"{name} = {body}")
            defined.append(name)
        lines.append(f"({expr(r, 2)} - {defined[-1]})^2")
        return "\\n".join(lines)
    return expr(r, r.randint(1, 6))


def main():
    r = random.Random(20261203)
    out = []
    for _ in range(2500):
        out.append(program(r))
    root = os.path.join(os.path.dirname(__file__), "..")
    for path in sorted(glob.glob(os.path.join(root, "Examples", "*.chain"))):
        lines = [l.split("#")[0].strip() for l in open(path, encoding="utf-8")]
        out.append("\\n".join(l for l in lines if l))
    for path in sorted(glob.glob(os.path.join(root, "Tests", "Fuzz", "corpus", "*"))):
        text = open(path, encoding="utf-8", errors="replace").read()
        if len(text) < 2000:
            out.append(text.strip().replace("\n", "\\n"))
    for line in out:
        print(line)


main()
