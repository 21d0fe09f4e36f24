#!/usr/bin/env python3
"""Independent reference values for ChainRule's tests.

This script recomputes, with sympy (exact rationals + 30-digit evalf) and
mpmath, the numbers that ChainRule's Swift tests compare against:

  * "toy": the 1-D shallow toy model
        f = beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x)))
        l = (f - y)^2
    its loss, the 8 parameter gradients (via sympy.diff of the full
    expression), the forward-pass intermediates f0, h1, f1, h2, f2, h3, f3 and
    the backward-pass adjoints dl/df3 ... dl/df0 (each obtained by
    differentiating l written as a function of that intermediate).

  * "sigmoidNetwork": the classic 2-2-2 sigmoid "step by step backpropagation
    example" (shared biases b1 for the hidden layer, b2 for the output layer,
    E = 1/2*(t1 - out_o1)^2 + 1/2*(t2 - out_o2)^2): loss, forward values,
    dE/d(w1..w8, b1, b2), and one gradient-descent step theta - rate*grad
    applied to all ten parameters (weights and both biases) with the loss
    after the step.

It is deliberately independent of the Swift implementation: nothing here is
read from the package.  Numbers are written as JSON floats using Python's
repr(float(v)) of the 30-digit values (shortest string that round-trips to
the same IEEE double, at most 17 significant digits).

Regenerate the fixture (requires `pip install sympy mpmath`):

    cd <package root> && python3 Scripts/toy_reference.py

which rewrites Tests/ChainRuleTests/Fixtures/reference_values.json.
"""

import json
import os

import mpmath
import sympy as sp

DPS = 30
mpmath.mp.dps = DPS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(ROOT, "Tests", "ChainRuleTests", "Fixtures", "reference_values.json")


def R(s):
    """Exact rational from a decimal string (so 0.1 really is 1/10)."""
    return sp.Rational(s)


def num(expr, subs):
    """Evaluate an expression at a point to DPS digits and return a Python float."""
    v = sp.sympify(expr).subs(subs).evalf(DPS)
    mv = mpmath.mpf(str(v))  # pass through mpmath at the same precision
    return float(mv)


def check_close(a, b, what, rel=1e-12):
    if abs(a - b) > rel * max(1.0, abs(a), abs(b)):
        raise AssertionError(f"cross-check failed for {what}: {a!r} vs {b!r}")


# ---------------------------------------------------------------------------
# Toy model
# ---------------------------------------------------------------------------

def toy():
    beta0, beta1, beta2, beta3 = sp.symbols("beta0 beta1 beta2 beta3")
    omega0, omega1, omega2, omega3 = sp.symbols("omega0 omega1 omega2 omega3")
    x, y = sp.symbols("x y")

    f = beta3 + omega3 * sp.cos(beta2 + omega2 * sp.exp(beta1 + omega1 * sp.sin(beta0 + omega0 * x)))
    loss = (f - y) ** 2

    point_str = {
        "beta0": "1", "beta1": "2", "beta2": "-3", "beta3": "0.4",
        "omega0": "0.1", "omega1": "-0.4", "omega2": "2", "omega3": "3",
        "x": "2.3", "y": "2",
    }
    syms = {"beta0": beta0, "beta1": beta1, "beta2": beta2, "beta3": beta3,
            "omega0": omega0, "omega1": omega1, "omega2": omega2, "omega3": omega3,
            "x": x, "y": y}
    subs = {syms[k]: R(v) for k, v in point_str.items()}

    param_order = ["beta0", "omega0", "beta1", "omega1", "beta2", "omega2", "beta3", "omega3"]
    gradient = {p: num(sp.diff(loss, syms[p]), subs) for p in param_order}

    # Forward pass, textbook naming.
    f0e = beta0 + omega0 * x
    h1e = sp.sin(f0e)
    f1e = beta1 + omega1 * h1e
    h2e = sp.exp(f1e)
    f2e = beta2 + omega2 * h2e
    h3e = sp.cos(f2e)
    f3e = beta3 + omega3 * h3e
    le = (f3e - y) ** 2
    assert sp.simplify(f3e - f) == 0

    forward = {}
    for name, e in [("f0", f0e), ("h1", h1e), ("f1", f1e), ("h2", h2e), ("f2", f2e),
                    ("h3", h3e), ("f3", f3e), ("l", le)]:
        forward[name] = num(e, subs)

    # Backward pass: write l as a function of each intermediate symbol u
    # (downstream part of the graph only), differentiate w.r.t. u, and
    # evaluate with u (and everything else) at its forward value.
    F0, H1, F1, H2, F2, H3, F3 = sp.symbols("F0 H1 F1 H2 F2 H3 F3")
    l_of = {
        "f3": (F3, (F3 - y) ** 2),
        "h3": (H3, (beta3 + omega3 * H3 - y) ** 2),
        "f2": (F2, (beta3 + omega3 * sp.cos(F2) - y) ** 2),
        "h2": (H2, (beta3 + omega3 * sp.cos(beta2 + omega2 * H2) - y) ** 2),
        "f1": (F1, (beta3 + omega3 * sp.cos(beta2 + omega2 * sp.exp(F1)) - y) ** 2),
        "h1": (H1, (beta3 + omega3 * sp.cos(beta2 + omega2 * sp.exp(beta1 + omega1 * H1)) - y) ** 2),
        "f0": (F0, (beta3 + omega3 * sp.cos(beta2 + omega2 * sp.exp(beta1 + omega1 * sp.sin(F0))) - y) ** 2),
    }
    exact_forward = {"f0": f0e, "h1": h1e, "f1": f1e, "h2": h2e, "f2": f2e, "h3": h3e, "f3": f3e}
    backward = {}
    for name in ["f3", "h3", "f2", "h2", "f1", "h1", "f0"]:
        u, expr = l_of[name]
        d = sp.diff(expr, u).subs(u, exact_forward[name])
        backward[f"dl/d{name}"] = num(d, subs)

    # Cross-checks: forward loss == full loss; parameter gradients follow
    # from the adjoints (dl/dbeta_k = dl/df_k, dl/domega_k = dl/df_k * h_k, h0 = x).
    loss_value = num(loss, subs)
    check_close(loss_value, forward["l"], "toy loss")
    h_prev = {"0": float(R(point_str["x"])), "1": forward["h1"], "2": forward["h2"], "3": forward["h3"]}
    for k in "0123":
        check_close(gradient["beta" + k], backward["dl/df" + k], "beta" + k)
        check_close(gradient["omega" + k], backward["dl/df" + k] * h_prev[k], "omega" + k)

    return {
        "point": {k: float(R(v)) for k, v in point_str.items()},
        "loss": loss_value,
        "gradient": gradient,
        "forward": forward,
        "backward": backward,
    }


# ---------------------------------------------------------------------------
# 2-2-2 sigmoid network
# ---------------------------------------------------------------------------

def sigmoid_network():
    names = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]
    S = {n: sp.Symbol(n) for n in names + ["i1", "i2", "t1", "t2"]}
    sig = lambda z: 1 / (1 + sp.exp(-z))

    net_h1 = S["w1"] * S["i1"] + S["w2"] * S["i2"] + S["b1"]
    net_h2 = S["w3"] * S["i1"] + S["w4"] * S["i2"] + S["b1"]
    out_h1 = sig(net_h1)
    out_h2 = sig(net_h2)
    net_o1 = S["w5"] * out_h1 + S["w6"] * out_h2 + S["b2"]
    net_o2 = S["w7"] * out_h1 + S["w8"] * out_h2 + S["b2"]
    out_o1 = sig(net_o1)
    out_o2 = sig(net_o2)
    E_o1 = sp.Rational(1, 2) * (S["t1"] - out_o1) ** 2
    E_o2 = sp.Rational(1, 2) * (S["t2"] - out_o2) ** 2
    E = E_o1 + E_o2

    point_str = {
        "i1": "0.05", "i2": "0.10",
        "w1": "0.15", "w2": "0.20", "w3": "0.25", "w4": "0.30",
        "w5": "0.40", "w6": "0.45", "w7": "0.50", "w8": "0.55",
        "b1": "0.35", "b2": "0.60",
        "t1": "0.01", "t2": "0.99",
    }
    subs = {S[k]: R(v) for k, v in point_str.items()}

    forward = {}
    for name, e in [("net_h1", net_h1), ("net_h2", net_h2), ("out_h1", out_h1), ("out_h2", out_h2),
                    ("net_o1", net_o1), ("net_o2", net_o2), ("out_o1", out_o1), ("out_o2", out_o2),
                    ("E_o1", E_o1), ("E_o2", E_o2), ("E", E)]:
        forward[name] = num(e, subs)

    grad_exprs = {n: sp.diff(E, S[n]) for n in names}
    gradient = {n: num(g, subs) for n, g in grad_exprs.items()}

    # One gradient-descent step on all ten parameters, kept at 30 digits.
    rate = sp.Rational(1, 2)
    new_subs = dict(subs)
    new_params = {}
    for n in names:
        g30 = grad_exprs[n].subs(subs).evalf(DPS)
        v = (subs[S[n]] - rate * g30).evalf(DPS)
        new_subs[S[n]] = v
        new_params[n] = float(mpmath.mpf(str(v)))
    loss_after = float(mpmath.mpf(str(E.subs(new_subs).evalf(DPS))))

    return {
        "point": {k: float(R(v)) for k, v in point_str.items()},
        "loss": forward["E"],
        "forward": forward,
        "gradient": gradient,
        "update": {
            "rate": float(rate),
            "parameters": new_params,
            "lossAfter": loss_after,
        },
    }


def main():
    data = {
        "generatedBy": "Scripts/toy_reference.py",
        "toy": toy(),
        "sigmoidNetwork": sigmoid_network(),
    }
    # Sanity checks against the well-known published numbers.
    sn = data["sigmoidNetwork"]
    assert abs(sn["loss"] - 0.298371109) < 1e-9, sn["loss"]
    assert abs(sn["update"]["parameters"]["w5"] - 0.35891648) < 1e-8, sn["update"]["parameters"]["w5"]
    assert sn["update"]["lossAfter"] < sn["loss"]

    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w") as fh:
        # json.dumps writes floats with repr(float), i.e. round-trip exact.
        json.dump(data, fh, indent=2)
        fh.write("\n")
    print(f"wrote {os.path.relpath(OUT_PATH, ROOT)}")


if __name__ == "__main__":
    main()
