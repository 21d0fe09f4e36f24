#!/usr/bin/env bash
# Builds the libFuzzer target and fuzzes parse → differentiate → simplify → print → re-parse,
# and the commands' JSON and LaTeX output (Sources/ChainRuleFuzz/FuzzCommandOutput.swift).
#
# usage: Scripts/fuzz.sh [seconds] [extra libFuzzer flags...]     (Linux; default 60 seconds)
#
# The seed corpus is Tests/Fuzz/corpus (kept in the repo); inputs libFuzzer finds go to
# .build-fuzz/fuzz-corpus, crashes to .build-fuzz/fuzz-crashes. Replay one file without the
# sanitizers with
#   swift run ChainRuleFuzz path/to/crash-file
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
scratch="${FUZZ_SCRATCH_PATH:-.build-fuzz}"

# `-sanitize=fuzzer` links libFuzzer but, with this toolchain, instruments nothing: without
# `-sanitize-coverage` libFuzzer sees no edges and mutates blindly ("no interesting inputs").
flags=(-c release --product ChainRuleFuzz --scratch-path "$scratch"
  --sanitize=fuzzer --sanitize=address
  -Xswiftc -DFUZZING -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp)
swift build "${flags[@]}"
binary="$(swift build "${flags[@]}" --show-bin-path)/ChainRuleFuzz"

mkdir -p "$scratch/fuzz-corpus" "$scratch/fuzz-crashes"
# Swift's own backtracer would fight libFuzzer's signal handlers.
export SWIFT_BACKTRACE=enable=no
# One-time globals that LeakSanitizer misreads as leaks at exit (see the file).
export LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
"$binary" "$scratch/fuzz-corpus" Tests/Fuzz/corpus \
  -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=4096 \
  -artifact_prefix="$scratch/fuzz-crashes/" -print_final_stats=1 "$@"
