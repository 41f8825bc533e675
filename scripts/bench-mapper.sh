#!/usr/bin/env bash
# End-to-end throughput of edxc-map, per core (from CPU time), next to the issue's baselines.
#
#   scripts/bench-mapper.sh [SIZE] [--cachegrind]
#
# SIZE is passed to gen_tracking_log.py --size (default 1G; e.g. 256M for a quick run). The log
# is generated once (seed 1) under ${BENCH_DIR:-target/bench-data}. MB = 10^6 bytes of
# uncompressed input; MB/s = input MB / (user + sys CPU seconds) of the measured process, page
# cache warm (each input is read once before measuring). --cachegrind also counts instructions
# per event on a 16 MiB log (valgrind --tool=cachegrind; exact run to run).
# BASELINE_BIN=/path/to/older/edxc-map also measures that binary on the same inputs, right after this one, for a
# side-by-side comparison that does not depend on how fast the machine is today.
set -euo pipefail

SIZE=1G
CACHEGRIND=0
for a in "$@"; do
  case "$a" in
    --cachegrind) CACHEGRIND=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) SIZE="$a" ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
GEN="${GEN:-$ROOT/scripts/gen_tracking_log.py}"
DATA="${BENCH_DIR:-$ROOT/target/bench-data}"
mkdir -p "$DATA"
LOG="$DATA/tracking-$SIZE.log"
GZ="$LOG.gz"

if [ ! -s "$LOG" ]; then
  echo "generating $LOG (gen_tracking_log.py --size $SIZE --seed 1)" >&2
  python3 "$GEN" --size "$SIZE" --seed 1 -o "$LOG"
fi
if [ ! -s "$GZ" ]; then
  echo "compressing $GZ (gzip -6)" >&2
  gzip -6 -c "$LOG" > "$GZ"
fi

(cd "$ROOT" && cargo build --profile mapper -p edxc-map >&2)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET_DIR/mapper/edxc-map"

BYTES=$(stat -c %s "$LOG")
MB=$(python3 -c "print($BYTES/1e6)")
cat "$LOG" "$GZ" > /dev/null   # warm the page cache

RUNS="${RUNS:-3}"
# measure LABEL BASELINE CMD... : best of $RUNS runs (least CPU time): MB/s per core, peak RSS
measure() {
  local label="$1" base="$2"; shift 2
  local best="" out
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$DATA/.time" -f '%U %S %M' "$@" > /dev/null 2> /dev/null
    out=$(tail -1 "$DATA/.time")
    best=$(python3 -c "
import sys
a = '$best'.split(); b = '$out'.split()
print(' '.join(b) if not a or float(b[0]) + float(b[1]) < float(a[0]) + float(a[1]) else ' '.join(a))")
  done
  read -r user sys rss <<< "$best"
  python3 - "$label" "$base" "$MB" "$user" "$sys" "$rss" <<'EOF'
import sys
label, base, mb, user, sys_, rss = sys.argv[1:]
cpu = float(user) + float(sys_)
rate = float(mb) / cpu if cpu > 0 else float("inf")
print(f"{label:<34} {rate:>9.0f} MB/s   cpu {cpu:6.2f}s (user {float(user):.2f} sys {float(sys_):.2f})"
      f"   rss {int(rss)/1024:6.1f} MiB   baseline {base}")
EOF
}

ALL=()
for e in $("$BIN" --list | cut -f1); do ALL+=(--extractor "$e"); done

echo "input: $LOG ($MB MB uncompressed; $(stat -c %s "$GZ") bytes gzipped)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo
measure "cat"                              "6,350"                     cat "$LOG"
measure "zcat (gzip -dc)"                  "168"                       gzip -dc "$GZ"
measure "edxc-map enrollment"              "py 68 / naive rust 439"    "$BIN" --extractor enrollment "$LOG"
measure "edxc-map user_activity"           "py 33 / naive rust 294"    "$BIN" --extractor user_activity "$LOG"
measure "edxc-map video"                   "py 119 / naive rust 778"   "$BIN" --extractor video "$LOG"
measure "edxc-map all extractors (1 pass)" "target 400"                "$BIN" "${ALL[@]}" "$LOG"
if [ -n "${BASELINE_BIN:-}" ]; then
  measure "  same, BASELINE_BIN"             "(earlier build)"           "$BASELINE_BIN" "${ALL[@]}" "$LOG"
  measure "  same, this build again"         "(noise check)"             "$BIN" "${ALL[@]}" "$LOG"
fi
measure "  same, --no-output (extract only)" "(library path)"            "$BIN" --no-output "${ALL[@]}" "$LOG"
measure "edxc-map enrollment, .gz input"   "zcat 168"                  "$BIN" --extractor enrollment "$GZ"
measure "edxc-map user_activity, .gz"      "zcat 168"                  "$BIN" --extractor user_activity "$GZ"

if [ "$CACHEGRIND" = 1 ]; then
  SMALL="$DATA/tracking-16M.log"
  [ -s "$SMALL" ] || python3 "$GEN" --size 16M --seed 1 -o "$SMALL"
  LINES=$(wc -l < "$SMALL")
  echo
  echo "cachegrind (instructions per event, $LINES lines in 16 MiB):"
  for e in enrollment user_activity video all; do
    if [ "$e" = all ]; then args=("${ALL[@]}"); else args=(--extractor "$e"); fi
    cg="$DATA/cachegrind.$e.out"
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$cg" \
      "$BIN" "${args[@]}" "$SMALL" > /dev/null 2> "$DATA/cachegrind.$e.log"
    ir=$(grep -E '^summary:' "$cg" | awk '{print $2}')
    python3 -c "print(f'  {\"$e\":<14} {int($ir):>14,} Ir   {int($ir)/$LINES:>8.0f} Ir/event')"
    if [ -n "${BASELINE_BIN:-}" ]; then
      valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$cg.baseline" \
        "$BASELINE_BIN" "${args[@]}" "$SMALL" > /dev/null 2> /dev/null
      ir=$(grep -E '^summary:' "$cg.baseline" | awk '{print $2}')
      python3 -c "print(f'  {\"  baseline\":<14} {int($ir):>14,} Ir   {int($ir)/$LINES:>8.0f} Ir/event')"
    fi
  done
fi
