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
# PGO=1 measures the profile-guided build of scripts/build-pgo.sh instead of the plain one.
# BASELINE_BIN=/path/to/older/edxc-map also measures that binary on the same inputs, right after this one, for a
# side-by-side comparison that does not depend on how fast the machine is today.
# Every line also gives its rate over the measured zcat rate next to the same ratio in the issue (zcat 168 MB/s there);
# for the enrollment, user_activity, video and all-extractor passes, zcat runs alternate with the measured runs and
# the ratio is to them, so that a VM's drift between the two measurements does not enter the ratio.
# Under each of the enrollment / user_activity / video lines, the issue's "straightforward Rust port with typed
# serde_json" (crates/edxc-map/examples/naive_port.rs, release profile) is measured on the same log, and the edxc-map
# line gives its ratio to it next to the issue's target/naive ratio. A last block scales the issue's targets to this
# machine by zcat and by the naive port, and says whether the measured rates meet them.
set -euo pipefail

SIZE=1G
CACHEGRIND=0
for a in "$@"; do
  case "$a" in
    --cachegrind) CACHEGRIND=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
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
(cd "$ROOT" && cargo build --release --example naive_port -p edxc-map >&2)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET_DIR/mapper/edxc-map"
if [ "${PGO:-0}" = 1 ]; then
  BIN=$(CARGO_TARGET_DIR="$TARGET_DIR" "$ROOT/scripts/build-pgo.sh")
  [ -n "$BIN" ] || { echo "PGO=1: no PGO build here (see scripts/build-pgo.sh)" >&2; exit 1; }
fi
NAIVE="$TARGET_DIR/release/examples/naive_port"

BYTES=$(stat -c %s "$LOG")
MB=$(python3 -c "print($BYTES/1e6)")
cat "$LOG" "$GZ" > /dev/null   # warm the page cache
# A kernel that pages out cold file pages (DAMON's reclaim scheme runs on some VMs) empties that cache between runs,
# and each run then reads the disk. Files on tmpfs stay in memory when there is no swap.
if command -v fincore > /dev/null; then
  resident=$(fincore -nb -o RES "$LOG" 2>/dev/null | tr -d ' ' || true)
  if [ -n "$resident" ] && [ "$resident" -lt "$BYTES" ]; then
    echo "warning: only $resident of $BYTES bytes of $LOG stay in the page cache; rerun with BENCH_DIR on tmpfs (e.g. /dev/shm/edxc-bench)" >&2
  fi
fi

RUNS="${RUNS:-3}"
# faster A B : whichever of two "user sys rss" measurements took less CPU time (B when A is empty)
faster() {
  python3 -c "
a = '$1'.split(); b = '$2'.split()
print(' '.join(b) if not a or float(b[0]) + float(b[1]) < float(a[0]) + float(a[1]) else ' '.join(a))"
}
# rate_of "user sys rss" : input MB per CPU second
rate_of() {
  python3 -c "
u, s, _ = '$1'.split(); cpu = float(u) + float(s)
print($MB / cpu if cpu > 0 else float('inf'))"
}
# once CMD... : one measured run; prints "user sys rss"
once() {
  /usr/bin/time -o "$DATA/.time" -f '%U %S %M' "$@" > /dev/null 2> /dev/null
  tail -1 "$DATA/.time"
}
# best CMD... : best of $RUNS runs (least CPU time); sets BEST="user sys rss" and RATE (input MB per CPU second)
best() {
  BEST=""
  for _ in $(seq "$RUNS"); do
    BEST=$(faster "$BEST" "$(once "$@")")
  done
  RATE=$(rate_of "$BEST")
}
# best_with_zcat CMD... : like best, with a zcat run before each run of CMD; also sets ZREF, the best zcat rate of
# those runs. On a shared VM whose speed drifts by 10-20 % over minutes, the ratio to a zcat measured minutes earlier
# carries that drift; the ratio to zcat runs interleaved with the measured ones does not.
best_with_zcat() {
  local z_best=""
  BEST=""
  for _ in $(seq "$RUNS"); do
    z_best=$(faster "$z_best" "$(once gzip -dc "$GZ")")
    BEST=$(faster "$BEST" "$(once "$@")")
  done
  ZREF=$(rate_of "$z_best")
  RATE=$(rate_of "$BEST")
}
# show LABEL BASELINE ISSUE_ZCAT_RATIO [NAIVE_RATE ISSUE_TARGET_OVER_NAIVE] : print the measurement in $BEST, then
# its rate over the measured zcat rate (${ZREF:-$ZCAT_RATE}: the interleaved zcat runs when there were any) next to the
# issue's ratio ("-" for none; a leading ">=" is
# kept), then (with NAIVE_RATE) its rate over the naive port's next to the issue's target/naive ratio
show() {
  local label="$1" base="$2" zx="$3" naive="${4:-}" tn="${5:-}"
  read -r user sys rss <<< "$BEST"
  python3 - "$label" "$base" "$MB" "$user" "$sys" "$rss" "${ZREF:-$ZCAT_RATE}" "$zx" "$naive" "$tn" <<'EOF'
import sys
label, base, mb, user, sys_, rss, zcat, zx, naive, tn = sys.argv[1:]
cpu = float(user) + float(sys_)
rate = float(mb) / cpu if cpu > 0 else float("inf")
line = (f"{label:<34} {rate:>9.0f} MB/s   cpu {cpu:6.2f}s (user {float(user):.2f} sys {float(sys_):.2f})"
        f"   rss {int(rss)/1024:6.1f} MiB   baseline {base}")
if zx == "-":
    issue = "issue: -"
elif label.startswith("edxc-map"):
    issue = f"issue: target/zcat {zx.replace('>=', '≥ ')}" if zx.startswith(">=") else f"issue: target/zcat = {zx}"
else:
    issue = f"issue: {zx}"
line = f"{line:<138} | {rate / float(zcat):5.1f}× zcat ({issue})"
if naive:
    line += f"   {rate / float(naive):4.1f}× naive (issue: target/naive = {tn})"
print(line)
EOF
}
# measure LABEL BASELINE ISSUE_ZCAT_RATIO CMD... : best + show
measure() {
  local label="$1" base="$2" zx="$3"; shift 3
  best "$@"
  show "$label" "$base" "$zx"
}
# pair EXTRACTOR BASELINE ISSUE_ZCAT_RATIO ISSUE_NAIVE ISSUE_TARGET_OVER_NAIVE : edxc-map and the naive port on the
# same log, one right after the other; the edxc-map line first, then the naive port's under it
declare -A R
pair() {
  local e="$1" base="$2" zx="$3" issue_naive="$4" tn="$5" mine mine_rate
  best_with_zcat "$BIN" --extractor "$e" "$LOG"; mine="$BEST"; mine_rate="$RATE"; R[zcat_$e]="$ZREF"
  best "$NAIVE" "$e" "$LOG"
  R[$e]="$mine_rate"; R[naive_$e]="$RATE"
  local naive_best="$BEST" naive_rate="$RATE"
  BEST="$mine"
  show "edxc-map $e" "$base" "$zx" "$naive_rate" "$tn"
  BEST="$naive_best"
  show "  same, naive serde port (example)" "issue naive rust $issue_naive" \
    "$(python3 -c "print(f'{$issue_naive / 168:.1f}')")"
  ZREF=""
}

ALL=()
for e in $("$BIN" --list | cut -f1); do ALL+=(--extractor "$e"); done

echo "input: $LOG ($MB MB uncompressed; $(stat -c %s "$GZ") bytes gzipped)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "edxc-map: $BIN"
echo
best cat "$LOG"; CAT_BEST="$BEST"
best gzip -dc "$GZ"; ZCAT_BEST="$BEST"; ZCAT_RATE="$RATE"
BEST="$CAT_BEST";  show "cat"                              "6,350"                     "37.8"
BEST="$ZCAT_BEST"; show "zcat (gzip -dc)"                  "168"                       "1.0"
pair enrollment    "py 68 / naive rust 439"    "11.9" 439 4.6
pair user_activity "py 33 / naive rust 294"    "3.0"  294 1.7
pair video         "py 119 / naive rust 778"   "8.9"  778 1.9
best_with_zcat "$BIN" "${ALL[@]}" "$LOG"
show "edxc-map all extractors (1 pass)" "target 400" "2.4"
R[all]="$RATE"; R[zcat_all]="$ZREF"; ZREF=""
if [ -n "${BASELINE_BIN:-}" ]; then
  measure "  same, BASELINE_BIN"             "(earlier build)"           "-"     "$BASELINE_BIN" "${ALL[@]}" "$LOG"
  measure "  same, this build again"         "(noise check)"             "-"     "$BIN" "${ALL[@]}" "$LOG"
fi
measure "  same, --no-output (extract only)" "(library path)"            "-"     "$BIN" --no-output "${ALL[@]}" "$LOG"
measure "edxc-map enrollment, .gz input"   "zcat 168"                  ">=1.0" "$BIN" --extractor enrollment "$GZ"
R[gz_enrollment]="$RATE"
measure "edxc-map user_activity, .gz"      "zcat 168"                  ">=1.0" "$BIN" --extractor user_activity "$GZ"
R[gz_user_activity]="$RATE"

echo
python3 - "$ZCAT_RATE" "${R[enrollment]}" "${R[naive_enrollment]}" "${R[user_activity]}" \
  "${R[naive_user_activity]}" "${R[video]}" "${R[naive_video]}" "${R[all]}" "${R[gz_enrollment]}" \
  "${R[gz_user_activity]}" "${R[zcat_enrollment]}" "${R[zcat_user_activity]}" "${R[zcat_video]}" \
  "${R[zcat_all]}" <<'EOF'
import sys
zcat, enr, n_enr, ua, n_ua, vid, n_vid, all_, gz_enr, gz_ua, z_enr, z_ua, z_vid, z_all = map(float, sys.argv[1:])
print(f"targets scaled to this machine: × zcat = target × (zcat here / 168), zcat here = the zcat runs interleaved"
      f" with that pass's; × naive = target × (naive port here / issue's naive rust 439, 294, 778)")
print(f"  {'':<26} {'target':>7} {'× zcat':>7} {'× naive':>8} {'edxc-map':>9}   meets (zcat, naive)")
ok = lambda rate, t: "✔" if rate >= t else "✘"
for name, target, rate, naive, issue_naive, z in [
    ("enrollment", 2000, enr, n_enr, 439, z_enr),
    ("user_activity", 500, ua, n_ua, 294, z_ua),
    ("video", 1500, vid, n_vid, 778, z_vid),
]:
    ns = naive / issue_naive
    zs = z / 168
    print(f"  {name:<26} {target:>7} {target * zs:>7.0f} {target * ns:>8.0f} {rate:>9.0f}"
          f"   {ok(rate, target * zs)} {ok(rate, target * ns)}   (zcat here {z:.0f}; naive here {naive:.0f} = × {ns:.2f})")
zs = z_all / 168
print(f"  {'all extractors (1 pass)':<26} {400:>7} {400 * zs:>7.0f} {'-':>8} {all_:>9.0f}   {ok(all_, 400 * zs)}"
      f"     (zcat here {z_all:.0f})")
for name, rate in [("enrollment, .gz input", gz_enr), ("user_activity, .gz", gz_ua)]:
    print(f"  {name:<26} {'≥ zcat':>7} {zcat:>7.0f} {'-':>8} {rate:>9.0f}   {ok(rate, zcat)}")
EOF

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
