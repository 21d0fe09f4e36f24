#!/usr/bin/env bash
# Builds the libFuzzer target and fuzzes parse → differentiate → simplify → print → re-parse.
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

swift build -c release --product ChainRuleFuzz --scratch-path "$scratch" \
  --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING
binary="$(swift build -c release --product ChainRuleFuzz --scratch-path "$scratch" \
  --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING --show-bin-path)/ChainRuleFuzz"

mkdir -p "$scratch/fuzz-corpus" "$scratch/fuzz-crashes"
# Swift's own backtracer would fight libFuzzer's signal handlers.
export SWIFT_BACKTRACE=enable=no
"$binary" "$scratch/fuzz-corpus" Tests/Fuzz/corpus \
  -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=4096 \
  -artifact_prefix="$scratch/fuzz-crashes/" -print_final_stats=1 "$@"
