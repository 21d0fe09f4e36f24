#!/usr/bin/env python3
"""Writes Examples/toy-data.csv: 40 noisy samples of the textbook's toy model.

The data come from f[x, φ] = β₃ + ω₃·cos[β₂ + ω₂·exp(β₁ + ω₁·sin[β₀ + ω₀·x])] with the
parameters below, at x evenly spread over [0, 3], plus Gaussian noise (σ = 0.05) from a fixed
seed, so `chainrule train` has something to fit. Regenerate with:

    python3 Scripts/make_toy_data.py
"""
import math
import random
from pathlib import Path

BETA = [0.3, -1.0, -0.5, 0.2]
OMEGA = [1.0, 0.6, 1.2, 1.1]


def toy(x):
    h1 = math.sin(BETA[0] + OMEGA[0] * x)
    h2 = math.exp(BETA[1] + OMEGA[1] * h1)
    h3 = math.cos(BETA[2] + OMEGA[2] * h2)
    return BETA[3] + OMEGA[3] * h3


def main():
    rng = random.Random(20261121)
    rows = ["x,y"]
    for i in range(40):
        x = 3.0 * i / 39
        y = toy(x) + rng.gauss(0.0, 0.05)
        rows.append(f"{x:.6f},{y:.6f}")
    path = Path(__file__).resolve().parent.parent / "Examples" / "toy-data.csv"
    path.write_text("\n".join(rows) + "\n")
    print(f"wrote {path} ({len(rows) - 1} rows)")


if __name__ == "__main__":
    main()
