#!/usr/bin/env python3
"""ChainRule against SymPy and SymEngine on the same two items, measured in the same run.

1. The toy model: parse + the 8 partial derivatives + print. SymPy and SymEngine get no
   simplify() call (their automatic canonicalisation only); ChainRule also simplifies.
2. The chain f_k = b_k + w_k*g(f_{k-1}) (g cycling sin, cos, tanh), loss (f_N - y)^2: build the
   formula and take all 2N+2 partial derivatives. SymPy and SymEngine build it from objects
   (SymPy's parser rejects ~100 nested brackets); ChainRule parses definitions text.

Each time is the median of repeated runs after a warm-up; SymPy's cache is cleared before
every run so nothing is reused between runs. ChainRule's numbers come from running
chainrule-bench --json in the same run. With --update-docs FILE, the generated section of
docs/performance.md (between its BEGIN/END GENERATED markers) is replaced.

Usage: compare.py --bench PATH/chainrule-bench [--chainrule PATH]... [--quick] [--update-docs FILE]
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import symengine
import sympy

try:
    import numpy
except ImportError:  # the gradient row is left out
    numpy = None

TOY = "(beta3 + omega3*cos(beta2 + omega2*exp(beta1 + omega1*sin(beta0 + omega0*x))) - y)**2"
TOY_PARAMETERS = ["beta0", "omega0", "beta1", "omega1", "beta2", "omega2", "beta3", "omega3"]
LAYERS = [10, 30, 100, 300, 1000, 10000]
BEGIN = "<!-- BEGIN GENERATED: benchmarks/run-comparison.sh -->"
END = "<!-- END GENERATED -->"


def median_time(body, budget, setup=None):
    """Median seconds of body() over repeated runs after a warm-up; budget bounds the total."""
    warm_up, samples, limit = budget
    times = []
    deadline = time.perf_counter() + warm_up
    while True:
        if setup:
            setup()
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
        if time.perf_counter() >= deadline:
            break
    times = []
    spent = 0.0
    while len(times) < samples and (spent < limit or len(times) < 3):
        if setup:
            setup()
        start = time.perf_counter()
        body()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        spent += elapsed
    return statistics.median(times)


def toy(module):
    expression = module.sympify(TOY)
    symbols = [module.Symbol(name) for name in TOY_PARAMETERS]
    return [str(expression.diff(s)) for s in symbols]


def chain(module, n):
    functions = [module.sin, module.cos, module.tanh]
    x, y = module.Symbol("x"), module.Symbol("y")
    parameters = []
    f = None
    for k in range(n + 1):
        b, w = module.Symbol(f"b{k}"), module.Symbol(f"w{k}")
        parameters += [b, w]
        f = b + w * x if k == 0 else b + w * functions[(k - 1) % 3](f)
    loss = (f - y) ** 2
    return [loss.diff(p) for p in parameters]


TOY_THETA = [1, 0.1, 2, -0.4, -3, 2, 0.4, 3]  # beta0, omega0, ... as ToyModel.theta


def toy_data(count):
    """chainrule-bench's data, from the same generator: x uniform in [-2, 2], y = 0.5 sin x + noise."""
    state = 0x9E3779B97F4A7C15
    mask = (1 << 64) - 1
    xs = numpy.empty(count)
    ys = numpy.empty(count)
    for i in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        x = 4 * ((state >> 11) * 2.0 ** -53) - 2
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        xs[i] = x
        ys[i] = 0.5 * numpy.sin(x) + 0.1 * ((state >> 11) * 2.0 ** -53 - 0.5)
    return xs, ys


def numpy_toy_gradient(xs, ys, theta):
    """The toy model's gradient summed over all points: forward and backward pass as whole-array
    NumPy operations (the vectorised backprop of a NumPy tutorial)."""
    b0, w0, b1, w1, b2, w2, b3, w3 = theta
    f0 = b0 + w0 * xs
    h1 = numpy.sin(f0)
    f1 = b1 + w1 * h1
    h2 = numpy.exp(f1)
    f2 = b2 + w2 * h2
    h3 = numpy.cos(f2)
    f3 = b3 + w3 * h3
    df3 = 2 * (f3 - ys)
    df2 = -numpy.sin(f2) * w3 * df3
    df1 = h2 * w2 * df2
    df0 = numpy.cos(f0) * w1 * df1
    return [df0.sum(), (df0 * xs).sum(), df1.sum(), (df1 * h1).sum(), df2.sum(), (df2 * h2).sum(),
            df3.sum(), (df3 * h3).sum()]


def gradient_table(ours, points):
    """Seconds per point for NumPy, beside chainrule-bench's item 3, as a Markdown table."""
    gradient = ours.get("gradient")
    if numpy is None or not gradient:
        return None
    xs, ys = toy_data(points)
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        numpy_toy_gradient(xs, ys, TOY_THETA)
        runs.append(time.perf_counter() - start)
    numpy_time = statistics.median(runs) / points
    rows = [("ChainRule tape (one point per pass)", gradient["tape"]),
            ("ChainRule batched tape (8 points per pass, SIMD)", gradient.get("batched")),
            ("hand-written Swift", gradient["handWritten"]),
            ("Swift `_Differentiation`", gradient["compiledAutodiff"]),
            (f"NumPy {numpy.__version__}, whole-array forward and backward (median of 7)", numpy_time)]
    lines = ["| toy-model gradient over %s points, one thread | per point | M points/s |" % f"{points:,}",
             "| --- | ---: | ---: |"]
    for name, seconds in rows:
        if seconds:
            lines.append(f"| {name} | {seconds * 1e9:.1f} ns | {1e-6 / seconds:.1f} |")
    return "\n".join(lines)


def clear_sympy_cache():
    sympy.core.cache.clear_cache()


def measure_python(name, module, budget, chain_limit):
    """Times for the toy model and each chain size.

    Sizes grow at least 3× per step and these systems' times at least quadratically, so a size
    is skipped once the previous one took more than a ninth of `chain_limit`.
    """
    setup = clear_sympy_cache if module is sympy else None
    results = {"toy": median_time(lambda: toy(module), budget, setup), "chain": {}}
    previous = 0.0
    for n in LAYERS:
        if previous * 9 > chain_limit:
            results["chain"][n] = "skipped"
            continue
        try:
            if setup:
                setup()
            start = time.perf_counter()
            chain(module, n)
            first = time.perf_counter() - start
            results["chain"][n] = first if first > chain_limit / 3 else median_time(
                lambda: chain(module, n), budget, setup)
            previous = results["chain"][n]
        except RecursionError:
            results["chain"][n] = "RecursionError"
            previous = float("inf")
        print(f"  {name} N={n}: {results['chain'][n]}", file=sys.stderr, flush=True)
    return results


def run_chainrule(bench, chainrule, quick):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        path = handle.name
    command = [bench, "--json", path, "--layers", ",".join(map(str, LAYERS))]
    for executable in chainrule:
        command += ["--chainrule", executable]
    if quick:
        command += ["--quick", "--points", "100000"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    with open(path) as handle:
        numbers = json.load(handle)
    os.unlink(path)
    return text, numbers


def fmt(seconds):
    if isinstance(seconds, str):
        return seconds
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def speedup(theirs, ours):
    if isinstance(theirs, str) or ours is None:
        return "—"
    return f"{theirs / ours:,.0f}×" if theirs / ours >= 10 else f"{theirs / ours:.1f}×"


def table(ours, sympy_results, symengine_results):
    chain = {c["layers"]: c for c in ours["chain"]}
    rows = [("toy model, the book's three lines: parse + 8 partials (+ simplify) + print",
             ours["toy"]["total"], None, symengine_results["toy"], sympy_results["toy"]),
            ("toy model, the same one-line ASCII formula SymPy and SymEngine parse",
             ours["toy"].get("totalASCII"), None, symengine_results["toy"], sympy_results["toy"])]
    for n in LAYERS:
        entry = chain.get(n, {})
        rows.append((f"chain N = {n:,}: all {2 * n + 2:,} partials", entry.get("derivatives"),
                     entry.get("buildAndDifferentiate"),
                     symengine_results["chain"].get(n, "—"), sympy_results["chain"].get(n, "—")))
    lines = ["| item | ChainRule | of which outside the parser | SymEngine | ChainRule's speed-up "
             "| SymPy | ChainRule's speed-up |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, mine, unparsed, engine, py in rows:
        lines.append(f"| {label} | {fmt(mine) if mine is not None else '—'} | "
                     f"{fmt(unparsed) if unparsed is not None else '—'} | {fmt(engine)} | "
                     f"{speedup(engine, mine)} | {fmt(py)} | {speedup(py, mine)} |")
    return "\n".join(lines)


def machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kib = int(handle.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip()
    swift = swift.splitlines()[0] if swift else "swift: unknown"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{model}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
            f"{swift}; Python {platform.python_version()}, SymPy {sympy.__version__}, "
            f"SymEngine {symengine.__version__}; load average at the end {load} (other work on "
            "the machine slows every column alike, ratios hold better than times)")


def update_docs(path, section):
    with open(path) as handle:
        text = handle.read()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        sys.exit(f"compare.py: {path} has no {BEGIN} … {END} section")
    text = text[: start + len(BEGIN)] + "\n" + section + "\n" + text[end:]
    with open(path, "w") as handle:
        handle.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="the chainrule-bench executable")
    parser.add_argument("--chainrule", action="append", default=[],
                        help="a chainrule executable for the process timing (repeatable)")
    parser.add_argument("--quick", action="store_true", help="short runs, for a smoke test")
    parser.add_argument("--update-docs", metavar="FILE", help="rewrite FILE's generated section")
    options = parser.parse_args()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))

    budget = (0.05, 3, 0.5) if options.quick else (0.5, 11, 20.0)
    chain_limit = 1.0 if options.quick else 15.0
    print("Running chainrule-bench …", file=sys.stderr, flush=True)
    bench_text, ours = run_chainrule(options.bench, options.chainrule, options.quick)
    print("Timing SymEngine …", file=sys.stderr, flush=True)
    engine = measure_python("SymEngine", symengine, budget, chain_limit)
    print("Timing SymPy …", file=sys.stderr, flush=True)
    py = measure_python("SymPy", sympy, budget, chain_limit)

    print("Timing NumPy …", file=sys.stderr, flush=True)
    gradients = gradient_table(ours, 100_000 if options.quick else 1_000_000)
    date = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    comparison = table(ours, py, engine)
    section = "\n".join([
        f"Measured {date} on {machine()}.",
        "",
        "### ChainRule against SymPy and SymEngine",
        "",
        comparison,
        "",
        "SymPy and SymEngine: parse (toy) or build from objects (chain) + `diff` + `str` (toy), "
        "no `simplify`; a chain size is skipped once the previous one took over "
        f"{chain_limit / 9:.1f} s (the next would take minutes), and a size over "
        f"{chain_limit / 3:.0f} s is run once. Speed-up = their time / ChainRule's time. "
        "\"Outside the parser\": building the graph from an already parsed program and "
        "differentiating.",
        "",
    ] + ([
        "### The toy model's gradient against NumPy",
        "",
        gradients,
        "",
        "All in process, on the same data (chainrule-bench's generator, re-run in Python); NumPy on "
        "one thread (its element-wise functions do not use more).",
        "",
    ] if gradients else []) + [
        "### chainrule-bench",
        "",
        "```",
        bench_text.rstrip(),
        "```",
    ])
    print(section)
    if options.update_docs:
        update_docs(options.update_docs, section)
        print(f"compare.py: updated {options.update_docs}", file=sys.stderr)


if __name__ == "__main__":
    main()
