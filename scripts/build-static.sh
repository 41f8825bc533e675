#!/usr/bin/env bash
# Builds edxc-map as a static x86_64 musl binary (the file to ship to a cluster with `ADD FILE`), checks that it is
# statically linked and that it maps an event. Part of scripts/test.sh.
#
#   scripts/build-static.sh            # prints the binary's path
#
# The edxc-map crate has only pure-Rust dependencies (zlib-rs for gzip), so no musl C toolchain is needed: rustc's
# self-contained musl CRT and the system linker suffice.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=x86_64-unknown-linux-musl
TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/edxc-target}"

if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  if ! rustup target add "$TARGET" >&2; then
    echo "warning: rustup cannot fetch $TARGET here; static build skipped" >&2
    exit 0
  fi
fi
cargo build --quiet -p edxc-map --profile mapper --target "$TARGET"
BIN="$TARGET_DIR/$TARGET/mapper/edxc-map"

desc=$(file -b "$BIN")
case "$desc" in
  *"statically linked"* | *"static-pie linked"*) ;;
  *) echo "error: $BIN is not static: $desc" >&2; exit 1 ;;
esac
line='{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01T10:00:00.000000+00:00", "context": {"course_id": "course-v1:A+B+C", "user_id": 5}, "event": {"course_id": "course-v1:A+B+C", "user_id": 5, "mode": "honor"}, "username": "u"}'
got=$(printf '%s\n' "$line" | "$BIN" --extractor enrollment 2>/dev/null)
want=$(printf 'course-v1:A+B+C\t5\t2014-08-01T10:00:00.000000\tedx.course.enrollment.activated\thonor\t2014-08-01')
if [ "$got" != "$want" ]; then
  echo "error: static edxc-map mapped the event to: $got" >&2
  exit 1
fi
echo "== static edxc-map: $BIN ($(stat -c %s "$BIN") bytes; $desc)" >&2
echo "$BIN"
