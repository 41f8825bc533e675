#!/usr/bin/env bash
# System time of reading a file through read(2) into a page-aligned buffer and into one at offset 16 (what malloc
# gives a large block, and so std's BufReader): why edxc-map reads through `events::aligned::AlignedReader`.
#
#   scripts/read-align.sh FILE [RUNS]
set -euo pipefail
FILE="$1" RUNS="${2:-3}"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
cat > "$T/rd.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int off = atoi(argv[2]);
  char *b = aligned_alloc(4096, (1 << 18) + 8192);
  int fd = open(argv[1], O_RDONLY);
  long t = 0;
  ssize_t n;
  while ((n = read(fd, b + off, 1 << 18)) > 0) t += n;
  printf("%ld\n", t);
  return 0;
}
C
gcc -O2 -o "$T/rd" "$T/rd.c"
cat "$FILE" > /dev/null
MB=$(( $(stat -c %s "$FILE") / 1000000 ))
for _ in $(seq "$RUNS"); do
  for off in 0 16; do
    /usr/bin/time -f "%S" -o "$T/t" "$T/rd" "$FILE" "$off" > /dev/null
    printf 'buffer offset %-3s  sys %ss for %s MB\n' "$off" "$(cat "$T/t")" "$MB"
  done
done
