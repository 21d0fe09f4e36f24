#!/usr/bin/env bash
# Regenerates the measured section of docs/performance.md: builds the release binaries (the
# CLI both as built by default and with a static Swift runtime), runs chainrule-bench, and times
# SymPy and SymEngine on the same items in the same run (benchmarks/compare.py).
#
#   benchmarks/run-comparison.sh            full run, rewrites docs/performance.md (~10 minutes)
#   benchmarks/run-comparison.sh --quick    short smoke run, prints the table only
#
# SymPy, SymEngine and NumPy come from PyPI into a virtual environment of its own, benchmarks/.venv.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=benchmarks/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check sympy symengine numpy

scratch=${CHAINRULE_BENCH_SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product chainrule-bench
swift build -c release --scratch-path "$scratch" --product chainrule
swift build -c release --scratch-path "$scratch-static" --static-swift-stdlib --product chainrule
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
static_bin=$(swift build -c release --scratch-path "$scratch-static" --static-swift-stdlib --show-bin-path)

arguments=(--bench "$bin/chainrule-bench" --chainrule "$bin/chainrule" --chainrule "$static_bin/chainrule")
if [ "${1:-}" = "--quick" ]; then
  arguments+=(--quick)
else
  arguments+=(--update-docs docs/performance.md)
fi
"$venv/bin/python" benchmarks/compare.py "${arguments[@]}"
