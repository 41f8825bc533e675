#!/usr/bin/env bash
# Bounded cargo-fuzz run of edxc-map's line parser (fuzz/fuzz_targets/line_parser.rs); part of scripts/test.sh.
#
#   scripts/fuzz.sh [SECONDS]        # default: $EDXC_FUZZ_SECONDS or 60
#
# Installs cargo-fuzz once under ~/.cache/edxc-tools (idempotent). Uses nightly when rustup has it, otherwise the
# stable toolchain with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Z flags). Seeds: one fixture line per file from
# crates/edxc-map/tests/fixtures/mapper. A crash leaves its input in fuzz/artifacts/line_parser/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_BUDGET="${1:-${EDXC_FUZZ_SECONDS:-60}}"
TOOLS="${EDXC_TOOLS_DIR:-$HOME/.cache/edxc-tools}"
TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/edxc-target}/fuzz"
export PATH="$TOOLS/bin:$PATH"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz into $TOOLS" >&2
  cargo install --quiet --locked --root "$TOOLS" cargo-fuzz
fi

toolchain=()
if rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi

corpus="$TARGET_DIR/corpus/line_parser"
seeds="$TARGET_DIR/seeds"
rm -rf "$seeds" && mkdir -p "$corpus" "$seeds"
for f in crates/edxc-map/tests/fixtures/mapper/*.log; do
  split -l 1 -d -a 4 "$f" "$seeds/$(basename "$f" .log)-"
done

echo "== cargo fuzz run line_parser for ${SECONDS_BUDGET}s ($(ls "$seeds" | wc -l) seeds)" >&2
out="$TARGET_DIR/fuzz-run.log"
if cargo "${toolchain[@]}" fuzz run --fuzz-dir fuzz --target-dir "$TARGET_DIR" line_parser "$corpus" "$seeds" -- \
  -max_total_time="$SECONDS_BUDGET" -max_len=65536 -timeout=10 -print_final_stats=1 > "$out" 2>&1; then
  grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' "$out" >&2
else
  tail -60 "$out" >&2
  echo "fuzz: line_parser failed; the input is in fuzz/artifacts/line_parser/" >&2
  exit 1
fi
