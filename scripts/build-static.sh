#!/usr/bin/env bash
# Builds edxc-map as static binaries (the file to ship to a cluster with `ADD FILE`), checks that each is statically
# linked and maps an event. Part of scripts/test.sh.
#
#   scripts/build-static.sh            # prints the binaries' paths, the recommended one first
#
# Two builds: x86_64-unknown-linux-gnu with `+crt-static` (static glibc; recommended: glibc's allocator keeps the
# throughput of the dynamic build) and x86_64-unknown-linux-musl (the classic static target; musl's allocator makes
# the all-extractor pass about 2x slower, see BENCHMARKS.md). The edxc-map crate has only pure-Rust dependencies
# (zlib-rs for gzip) and does no name lookups, so neither needs a C toolchain beyond the system linker.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=x86_64-unknown-linux-musl
TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/edxc-target}"

line='{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01T10:00:00.000000+00:00", "context": {"course_id": "course-v1:A+B+C", "user_id": 5}, "event": {"course_id": "course-v1:A+B+C", "user_id": 5, "mode": "honor"}, "username": "u"}'
want=$(printf 'course-v1:A+B+C\t5\t2014-08-01T10:00:00.000000\tedx.course.enrollment.activated\thonor\t2014-08-01')

check() {
  local bin="$1" desc got
  desc=$(file -b "$bin")
  case "$desc" in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) echo "error: $bin is not static: $desc" >&2; exit 1 ;;
  esac
  got=$(printf '%s\n' "$line" | "$bin" --extractor enrollment 2>/dev/null)
  if [ "$got" != "$want" ]; then
    echo "error: static edxc-map $bin mapped the event to: $got" >&2
    exit 1
  fi
  echo "== static edxc-map: $bin ($(stat -c %s "$bin") bytes; $desc)" >&2
  echo "$bin"
}

# Static glibc. Its own target dir: RUSTFLAGS differ from the normal build's.
CARGO_TARGET_DIR="$TARGET_DIR/static" RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --quiet -p edxc-map --profile mapper --target x86_64-unknown-linux-gnu
check "$TARGET_DIR/static/x86_64-unknown-linux-gnu/mapper/edxc-map"

if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  if ! rustup target add "$TARGET" >&2; then
    echo "warning: rustup cannot fetch $TARGET here; musl build skipped" >&2
    exit 0
  fi
fi
cargo build --quiet -p edxc-map --profile mapper --target "$TARGET"
check "$TARGET_DIR/$TARGET/mapper/edxc-map"
