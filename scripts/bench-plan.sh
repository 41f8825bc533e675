#!/usr/bin/env bash
# How fast `edxc plan` answers over every shipped pipeline (issue target: well under a second), after an apply of
# the sample data so the state store and recorded artifacts exist. Release build; prints every run and the median.
#
#   scripts/bench-plan.sh [RUNS]      # default 15
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/edxc-target}"
RUNS="${1:-15}"
cargo build --release --quiet --bin edxc
bin="$CARGO_TARGET_DIR/release/edxc"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vars=(--var "warehouse=$work/wh" --var "result_store=sqlite:$work/results.sqlite" --var "state=$work/state.sqlite")
"$bin" apply "${vars[@]}" --today 2026-11-10 >/dev/null 2>&1
times=()
for _ in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  "$bin" plan "${vars[@]}" --today 2026-11-10 >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "edxc plan over every shipped pipeline, $RUNS runs (ms): ${times[*]}"
echo "median: ${sorted[$((RUNS / 2))]} ms (min ${sorted[0]}, max ${sorted[$((RUNS - 1))]})"
