#!/usr/bin/env bash
# Real-time A/B of two edxc-map builds on a noisy machine: alternate runs of the old and the new binary and report
# the median of the per-pair CPU-time ratios, which cancels the slow drift of a shared VM.
#
#   scripts/bench-pairs.sh OLD_BIN NEW_BIN LOG [N] [-- EDXC-MAP ARGS...]
#
# N pairs (default 12). Without ARGS every extractor runs in one pass. MB/s = input MB / (user + sys CPU seconds).
set -euo pipefail
OLD="$1" NEW="$2" LOG="$3"
shift 3
N=12
if [ $# -gt 0 ] && [ "$1" != "--" ]; then N="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
ARGS=("$@")
if [ ${#ARGS[@]} -eq 0 ]; then
  for e in $("$NEW" --list | cut -f1); do ARGS+=(--extractor "$e"); done
fi
T="$(mktemp)"
trap 'rm -f "$T"' EXIT
cpu() { /usr/bin/time -f '%U %S' -o "$T" "$@" "$LOG" > /dev/null 2>&1; awk '{print $1 + $2}' "$T"; }
cat "$LOG" > /dev/null
pairs=""
for _ in $(seq "$N"); do
  pairs+="$(cpu "$OLD" "${ARGS[@]}") $(cpu "$NEW" "${ARGS[@]}");"
done
python3 - "$pairs" "$(stat -c %s "$LOG")" <<'PY'
import statistics as st, sys
pairs = [tuple(map(float, p.split())) for p in sys.argv[1].split(";") if p.strip()]
mb = int(sys.argv[2]) / 1e6
ratios = [o / n for o, n in pairs]
old = [o for o, _ in pairs]; new = [n for _, n in pairs]
print(f"pairs: {len(pairs)}   speed-up new/old: median {st.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
print(f"old: median {mb / st.median(old):.0f} MB/s, best {mb / min(old):.0f}   new: median {mb / st.median(new):.0f} MB/s, best {mb / min(new):.0f}")
PY
