#!/usr/bin/env bash
# End to end: `edxc apply` (enrollments + user_activity, embedded engine, SQLite result store) against DuckDB running
# the same two workflows (scripts/bench/e2e_duckdb.sql) and against `edxc-map` scanning the logs alone, on the same
# generated logs in three layouts. Long (minutes per round at 1G): not part of the test suite.
#
#   scripts/bench-e2e.sh [SIZE]          # SIZE for gen_tracking_log.py --size: default 1G; 64M for a quick check
#
# Environment:
#   ROUNDS=3           interleaved rounds (every command once per layout per round, in a rotating order)
#   BENCH_DIR=...      where logs and runs go (default /dev/shm/edxc-bench-e2e: tmpfs stays in the page cache,
#                      see BENCHMARKS.md on DAMON reclaim; else target/bench-e2e)
#   SEED=1             generator seed
#   DUCKDB_VERSION=2.0.1, DUCKDB_VENV=~/.cache/edxc-bench-duckdb-venv   (installed from PyPI, idempotently)
#   DUCKDB_THREADS=2   DuckDB's `SET threads`
#   EDXC_BIN, EDXC_MAP_BIN   use these binaries instead of building (default: cargo build --release)
#   LAYOUTS="plain gz daily"  which layouts to run
#
# Logs: gen_tracking_log.py --size SIZE --seed SEED --start 2026-10-26 --days 14 (the dates of the local profile),
# as (plain) one tracking.log, (gz) the same as one tracking.log.gz, (daily) 14 tracking.log-YYYYMMDD.gz files
# (scripts/bench/split_daily.py; concatenated they are the same bytes). Each edxc apply runs with a fresh warehouse,
# result store and state under BENCH_DIR (--var), --interval 2026-10-26-2026-11-09 --today 2026-11-09 and
# overwrite_n_days=14, date/end_date=2026-11-09, weeks=2. Wall time and peak RSS come from /usr/bin/time; the
# summary gives medians over ROUNDS. After the timed rounds the result-store tables of edxc and DuckDB are compared
# row for row (scripts/bench/e2e_compare.py) for each layout; the script exits 1 if any differs.
set -euo pipefail

SIZE="${1:-1G}"
case "$SIZE" in -h|--help) sed -n '2,24p' "$0"; exit 0 ;; esac
ROUNDS="${ROUNDS:-3}"
SEED="${SEED:-1}"
DUCKDB_VERSION="${DUCKDB_VERSION:-2.0.1}"
DUCKDB_VENV="${DUCKDB_VENV:-$HOME/.cache/edxc-bench-duckdb-venv}"
DUCKDB_THREADS="${DUCKDB_THREADS:-2}"
LAYOUTS="${LAYOUTS:-plain gz daily}"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${BENCH_DIR:-}" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_DIR=/dev/shm/edxc-bench-e2e; else BENCH_DIR="$ROOT/target/bench-e2e"; fi
fi
DATA="$BENCH_DIR/logs-$SIZE-seed$SEED"
RUNS="$BENCH_DIR/runs"
START=2026-10-26
END=2026-11-09
DAYS=14
LMS="$ROOT/sample-data/lms"
TABLES="course_enrollment_daily course_enrollment_mode_daily course_enrollment_gender_daily
course_enrollment_birth_year_daily course_enrollment_education_level_daily course_meta_summary_enrollment
course_activity"

log() { printf '[bench-e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- binaries ------------------------------------------------------------------------------------------------------
if [ -z "${EDXC_BIN:-}" ] || [ -z "${EDXC_MAP_BIN:-}" ]; then
  log "building edxc and edxc-map (release)"
  (cd "$ROOT" && cargo build --release --quiet -p edxc --bin edxc && cargo build --release --quiet -p edxc-map)
  TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/edxc-target}"
  EDXC_BIN="${EDXC_BIN:-$TARGET/release/edxc}"
  EDXC_MAP_BIN="${EDXC_MAP_BIN:-$TARGET/release/edxc-map}"
fi
if [ ! -x "$EDXC_BIN" ] || [ ! -x "$EDXC_MAP_BIN" ]; then echo "missing $EDXC_BIN or $EDXC_MAP_BIN" >&2; exit 2; fi

# --- DuckDB from PyPI, in a venv (idempotent) -------------------------------------------------------------------------
PY="$DUCKDB_VENV/bin/python"
have_duckdb() { [ -x "$PY" ] && "$PY" -c 'import duckdb, sys; sys.exit(duckdb.__version__ != sys.argv[1])' "$1" 2>/dev/null; }
if ! have_duckdb "$DUCKDB_VERSION"; then
  [ -x "$PY" ] || python3 -m venv "$DUCKDB_VENV"
  if ! "$PY" -m pip install --quiet "duckdb==$DUCKDB_VERSION"; then
    # Not on PyPI: the nearest published version (the newest below it, else the oldest above it).
    versions="$("$PY" -m pip index versions duckdb 2>/dev/null | sed -n 's/^Available versions: //p' | tr -d ' ')"
    nearest="$("$PY" - "$DUCKDB_VERSION" "$versions" <<'PY'
import sys
want = tuple(int(x) for x in sys.argv[1].split("."))
vs = [v for v in sys.argv[2].split(",") if v and all(p.isdigit() for p in v.split("."))]
key = lambda v: tuple(int(x) for x in v.split("."))
below = [v for v in vs if key(v) <= want]
print(max(below, key=key) if below else min(vs, key=key))
PY
)"
    log "duckdb $DUCKDB_VERSION is not on PyPI; installing the nearest, $nearest"
    "$PY" -m pip install --quiet "duckdb==$nearest"
  fi
fi
DUCKDB_ACTUAL="$("$PY" -c 'import duckdb; print(duckdb.__version__)')"

# --- logs ----------------------------------------------------------------------------------------------------------
if [ ! -e "$DATA/.complete" ]; then
  log "generating $SIZE of tracking logs (seed $SEED) in $DATA"
  rm -rf "$DATA"
  mkdir -p "$DATA/plain" "$DATA/gz" "$DATA/daily"
  python3 "$ROOT/scripts/gen_tracking_log.py" --size "$SIZE" --seed "$SEED" --start "$START" --days "$DAYS" \
    -o "$DATA/plain/tracking.log"
  gzip -6 -n -c "$DATA/plain/tracking.log" > "$DATA/gz/tracking.log.gz"
  python3 "$ROOT/scripts/bench/split_daily.py" "$DATA/plain/tracking.log" "$DATA/daily"
  touch "$DATA/.complete"
fi
layout_files() {
  case "$1" in
    plain) echo "$DATA/plain/tracking.log" ;;
    gz) echo "$DATA/gz/tracking.log.gz" ;;
    daily) printf '%s\n' "$DATA"/daily/tracking.log-*.gz ;;
  esac
}

# --- the measured commands -----------------------------------------------------------------------------------------
rm -rf "$RUNS"
mkdir -p "$RUNS"
RESULTS="$RUNS/times.tsv"        # layout, command, round, wall s, user s, sys s, peak RSS KiB
: > "$RESULTS"
APPLY_HAS_JOBS=0
if "$EDXC_BIN" apply --help 2>&1 | grep -q -- '--jobs'; then APPLY_HAS_JOBS=1; fi

# measure LAYOUT NAME ROUND CMD...: runs CMD under /usr/bin/time, appends a line to RESULTS.
measure() {
  local layout="$1" name="$2" round="$3"; shift 3
  local t="$RUNS/time.$$" out="$RUNS/$layout.$name.$round.out"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" > "$out" 2>&1; then
    echo "FAILED: $*" >&2; tail -20 "$out" >&2; exit 1
  fi
  printf '%s\t%s\t%s\t%s\n' "$layout" "$name" "$round" "$(tr ' ' '\t' < "$t")" >> "$RESULTS"
  log "$(printf '%-6s %-22s round %s: %s s wall, %s KiB peak' "$layout" "$name" "$round" \
    "$(cut -d' ' -f1 "$t")" "$(cut -d' ' -f4 "$t")")"
}

run_edxc() {  # LAYOUT ROUND [JOBS]
  local layout="$1" round="$2" jobs="${3:-}" dir name=edxc_apply
  [ -n "$jobs" ] && name="edxc_apply_j$jobs"
  dir="$RUNS/$layout/$name.$round"
  rm -rf "$dir"
  mkdir -p "$dir"
  local extra=()
  [ -n "$jobs" ] && extra=(--jobs "$jobs")
  (cd "$ROOT" && measure "$layout" "$name" "$round" "$EDXC_BIN" apply --profile local \
    --pipeline enrollments --pipeline user_activity \
    --var "tracking_logs=$DATA/$layout" --var "lms=$LMS" --var "warehouse=$dir/warehouse" \
    --var "result_store=sqlite:$dir/results.sqlite" --var "state=$dir/state.sqlite" \
    --interval "$START-$END" --param overwrite_n_days="$DAYS" --param date="$END" \
    --param end_date="$END" --param weeks=2 --today "$END" "${extra[@]}")
}

run_map() {  # LAYOUT ROUND JOBS
  local files
  mapfile -t files < <(layout_files "$1")
  measure "$1" "edxc_map_j$3" "$2" sh -c 'exec "$@" > /dev/null' sh "$EDXC_MAP_BIN" \
    --extractor enrollment --extractor user_activity --interval "$START-$END" --jobs "$3" "${files[@]}"
}

run_duckdb() {  # LAYOUT ROUND
  local files dir="$RUNS/$1/duckdb.$2"
  mapfile -t files < <(layout_files "$1")
  mkdir -p "$dir"
  measure "$1" duckdb "$2" "$PY" "$ROOT/scripts/bench/e2e_duckdb.py" "$dir/results.duckdb" "$DUCKDB_THREADS" "$LMS" \
    "$END" "$DAYS" "$END" "$DAYS" "$START" "$END" "${files[@]}"
}

# The edge cases first (scripts/bench/e2e_edge_cases.py, not timed): does the DuckDB SQL agree with edxc on them?
EDGE="$RUNS/edge"
mkdir -p "$EDGE/logs"
python3 "$ROOT/scripts/bench/e2e_edge_cases.py" "$EDGE/logs/tracking.log"
(cd "$ROOT" && "$EDXC_BIN" apply --profile local --pipeline enrollments --pipeline user_activity \
  --var "tracking_logs=$EDGE/logs" --var "lms=$LMS" --var "warehouse=$EDGE/warehouse" \
  --var "result_store=sqlite:$EDGE/results.sqlite" --var "state=$EDGE/state.sqlite" \
  --interval "$START-$END" --param overwrite_n_days="$DAYS" --param date="$END" \
  --param end_date="$END" --param weeks=2 --today "$END") > "$EDGE/edxc.out" 2>&1
"$PY" "$ROOT/scripts/bench/e2e_duckdb.py" "$EDGE/results.duckdb" "$DUCKDB_THREADS" "$LMS" \
  "$END" "$DAYS" "$END" "$DAYS" "$START" "$END" "$EDGE/logs/tracking.log"
edge_status=0
# shellcheck disable=SC2086  # TABLES is a word list
"$PY" "$ROOT/scripts/bench/e2e_compare.py" "$EDGE/results.sqlite" "$EDGE/results.duckdb" $TABLES \
  > "$EDGE/compare.txt" || edge_status=1

log "edxc $("$EDXC_BIN" --version 2>/dev/null || echo '?'), duckdb $DUCKDB_ACTUAL ($DUCKDB_THREADS threads), $ROUNDS rounds"
for layout in $LAYOUTS; do cat "$DATA/$layout"/* > /dev/null; done     # warm the page cache
CMDS=(edxc map1 map2 duckdb)
[ "$APPLY_HAS_JOBS" = 1 ] && CMDS+=(edxc1)
for round in $(seq "$ROUNDS"); do
  for layout in $LAYOUTS; do
    n=${#CMDS[@]}
    for i in $(seq 0 $((n - 1))); do       # rotate the order each round
      case "${CMDS[$(( (i + round - 1) % n ))]}" in
        edxc) run_edxc "$layout" "$round" ;;
        edxc1) run_edxc "$layout" "$round" 1 ;;
        map1) run_map "$layout" "$round" 1 ;;
        map2) run_map "$layout" "$round" 2 ;;
        duckdb) run_duckdb "$layout" "$round" ;;
      esac
    done
  done
done

# --- summary -------------------------------------------------------------------------------------------------------
echo
echo "End to end, $SIZE log (seed $SEED, $(du -b "$DATA/plain/tracking.log" | cut -f1) bytes plain, gz $(du -b "$DATA/gz/tracking.log.gz" | cut -f1)," \
  "daily $(cat "$DATA"/daily/*.gz | wc -c) in $(find "$DATA/daily" -name '*.gz' | wc -l) files); $ROUNDS rounds; $(nproc) cores, $(uptime | sed 's/.*load/load/')"
echo "edxc: $EDXC_BIN; edxc-map: $EDXC_MAP_BIN; duckdb $DUCKDB_ACTUAL (Python package, $DUCKDB_THREADS threads)"
python3 - "$RESULTS" "$APPLY_HAS_JOBS" <<'PY'
import collections, statistics as st, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
has_jobs = sys.argv[2] == "1"
m = collections.defaultdict(list)
for layout, name, _round, wall, user, sys_, rss in rows:
    m[(layout, name)].append((float(wall), float(user) + float(sys_), int(rss)))
def med(layout, name, i):
    v = m.get((layout, name))
    return st.median(x[i] for x in v) if v else None
names = [("edxc_apply", "edxc apply (all cores)"), ("edxc_apply_j1", "edxc apply --jobs 1"), ("edxc_map_j1", "edxc-map, 1 job"),
         ("edxc_map_j2", "edxc-map, 2 jobs"), ("duckdb", "DuckDB")]
layouts = [l for l in ("plain", "gz", "daily") if any(k[0] == l for k in m)]
title = {"plain": "1 plain file", "gz": "1 .gz file", "daily": "14 daily .gz"}
print()
print("| layout | command | wall s (median) | min–max | CPU s (user+sys) | peak RSS MiB |")
print("|---|---|---:|---:|---:|---:|")
for l in layouts:
    for key, label in names:
        v = m.get((l, key))
        if not v:
            continue
        walls = [x[0] for x in v]
        print(f"| {title[l]} | {label} | {st.median(walls):.2f} | {min(walls):.2f}–{max(walls):.2f} | "
              f"{med(l, key, 1):.2f} | {med(l, key, 2) / 1024:.0f} |")
print()
print("Ratios of medians (wall):")
for l in layouts:
    e, d, m1, m2 = (med(l, k, 0) for k in ("edxc_apply", "duckdb", "edxc_map_j1", "edxc_map_j2"))
    parts = [f"edxc/DuckDB {e / d:.2f}x", f"edxc apply / edxc-map 1 job {e / m1:.2f}x",
             f"edxc apply / edxc-map 2 jobs {e / m2:.2f}x", f"edxc-map 1 job / 2 jobs {m1 / m2:.2f}x"]
    if has_jobs:
        e1 = med(l, "edxc_apply_j1", 0)
        parts.append(f"edxc apply --jobs 1 / all cores {e1 / e:.2f}x")
    print(f"  {title[l]}: " + ", ".join(parts))
if not has_jobs:
    print("  edxc apply has no --jobs option (its embedded mapper reads the files one after the other on one thread);"
          " the 2-job figure is edxc-map's")
print()
print("Peak RSS (median, MiB): " + "; ".join(
    f"{title[l]}: edxc {med(l, 'edxc_apply', 2) / 1024:.0f}, DuckDB {med(l, 'duckdb', 2) / 1024:.0f}, "
    f"edxc-map {med(l, 'edxc_map_j1', 2) / 1024:.0f}/{med(l, 'edxc_map_j2', 2) / 1024:.0f} (1/2 jobs)"
    for l in layouts))
PY

# --- equality of the result-store tables -----------------------------------------------------------------------------
echo
echo "Result-store tables, edxc vs DuckDB (last round):"
status=$edge_status
echo "  edge cases (scripts/bench/e2e_edge_cases.py):"
sed 's/^/    /' "$EDGE/compare.txt"
for layout in $LAYOUTS; do
  echo "  $layout:"
  # shellcheck disable=SC2086  # TABLES is a word list
  "$PY" "$ROOT/scripts/bench/e2e_compare.py" "$RUNS/$layout/edxc_apply.$ROUNDS/results.sqlite" \
    "$RUNS/$layout/duckdb.$ROUNDS/results.duckdb" $TABLES | sed 's/^/    /' || status=1
done
echo
echo "Times: $RESULTS; runs under $RUNS (logs kept in $DATA)"
exit "$status"
