#!/usr/bin/env bash
# Builds edxc-map with profile-guided optimisation and checks it against the plain build. Part of scripts/test.sh.
#
#   scripts/build-pgo.sh [--static]    # prints the binary's path (--static: static glibc, the file to ship)
#
# An instrumented build runs every extractor (one pass with all ten, then each alone, a .gz input and stdin) over a
# generated 32 MB training log: seed 2, so not the seed-1 log the benchmarks measure. llvm-profdata merges the
# counts and a second build optimises with them (branch layout, inlining). Measured against the plain build on the
# 1 GiB bench log (BENCHMARKS.md): all ten extractors +12 %, video +9 %, user_activity +13 %.
# The PGO binary must give byte-identical records and counters to the plain one on the training log, or this fails.
# The profile records which run-time CPU paths ran (AVX-512BW, AVX2 or SSE2 escaping and indexing); paths the
# training machine did not take are laid out as cold, so build on the CPU type the binary will run on.
# llvm-profdata comes from rustup's llvm-tools component; where rustup cannot fetch it, the script says so and
# exits 0 without a binary, as scripts/build-static.sh does for the musl target.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/edxc-target}"
STATIC=0
[ "${1:-}" = --static ] && STATIC=1

HOST=$(rustc -vV | sed -n 's/^host: //p')
PROFDATA="$(rustc --print sysroot)/lib/rustlib/$HOST/bin/llvm-profdata"
if [ ! -x "$PROFDATA" ] && ! rustup component add llvm-tools-preview >&2; then
  echo "warning: rustup cannot fetch llvm-tools here; PGO build skipped" >&2
  exit 0
fi

WORK="$TARGET_DIR/pgo"
VARIANT="$WORK/$([ "$STATIC" = 1 ] && echo static || echo dynamic)"
FLAGS=""
[ "$STATIC" = 1 ] && FLAGS="-C target-feature=+crt-static"
mkdir -p "$WORK"
LOG="$WORK/train.log"
if [ ! -s "$LOG" ]; then
  python3 scripts/gen_tracking_log.py --size 32M --seed 2 --malformed-rate 0.01 --prefixed-rate 0.005 -o "$LOG.tmp"
  mv "$LOG.tmp" "$LOG"
fi
[ -s "$LOG.gz" ] || gzip -c "$LOG" > "$LOG.gz"

# build DIR EXTRA_RUSTFLAGS: the mapper binary of a build in its own target dir (RUSTFLAGS differ between builds)
build() {
  CARGO_TARGET_DIR="$1" RUSTFLAGS="$FLAGS $2" cargo build --quiet -p edxc-map --profile mapper --target "$HOST"
  echo "$1/$HOST/mapper/edxc-map"
}

rm -rf "$VARIANT/raw"
GEN=$(build "$VARIANT/gen" "-Cprofile-generate=$VARIANT/raw")
ALL=()
for e in $("$GEN" --list | cut -f1); do ALL+=(--extractor "$e"); done
"$GEN" "${ALL[@]}" "$LOG" > /dev/null 2>&1
for e in $("$GEN" --list | cut -f1); do "$GEN" --extractor "$e" "$LOG" > /dev/null 2>&1; done
"$GEN" --extractor enrollment --extractor user_activity "$LOG.gz" > /dev/null 2>&1
"$GEN" --extractor user_activity < "$LOG" > /dev/null 2>&1
"$PROFDATA" merge -o "$VARIANT/merged.profdata" "$VARIANT/raw"

BIN=$(build "$VARIANT/use" "-Cprofile-use=$VARIANT/merged.profdata")
PLAIN=$(build "$VARIANT/plain" "")
if ! cmp -s <("$PLAIN" "${ALL[@]}" "$LOG" 2>&1) <("$BIN" "${ALL[@]}" "$LOG" 2>&1); then
  echo "error: the PGO build of edxc-map does not map the training log like the plain build" >&2
  exit 1
fi
echo "== PGO edxc-map: $BIN ($(stat -c %s "$BIN") bytes; same records and counters as the plain build)" >&2
echo "$BIN"
