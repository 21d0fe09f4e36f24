#!/usr/bin/env bash
# Instructions per toy-model run (parse + 8 partials + simplify + print), counted by callgrind:
# repeatable whatever else the machine is doing, so two builds can be compared.
#   Scripts/toy_instructions.sh [path/to/chainrule-bench]
set -eu
BENCH=${1:-.build/release/chainrule-bench}
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BENCH" --profile toy "$1" 2>&1 | awk '/refs/ {gsub(",", "", $4); print $4}'; }
a=$(count 100); b=$(count 200)
echo "$(( (b - a) / 100 )) instructions per toy run"
