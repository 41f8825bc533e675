#!/usr/bin/env python3
"""Best-of-many A/B of two edxc-map builds on a noisy VM.

    scripts/bench-ab.py N LOG OLD_BIN NEW_BIN [EDXC-MAP ARGS...]

Runs the two binaries alternately N times each on LOG (output to /dev/null) and reads each run's CPU time
(user + sys) from getrusage, with microsecond resolution. Prints, per binary, the best and the median MB/s
(MB = 10^6 bytes of input), the ratio of the best times and the median of the per-pair ratios. On a host that
steals CPU time in bursts, the best of many runs is the stable figure; scripts/bench-pairs.sh is the same idea with
/usr/bin/time.
"""
import os
import statistics as st
import sys


def run(binary, args, log):
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execv(binary, [binary, *args, log])
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_utime + usage.ru_stime


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    n, log, old, new, args = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
    mb = os.path.getsize(log) / 1e6
    with open(log, "rb") as f:
        while f.read(1 << 24):
            pass
    a, b = [], []
    for i in range(n):
        first, second = ((old, a), (new, b)) if i % 2 == 0 else ((new, b), (old, a))
        first[1].append(run(first[0], args, log))
        second[1].append(run(second[0], args, log))
    ratios = [x / y for x, y in zip(a, b)]
    print(f"old: best {mb / min(a):.0f} MB/s, median {mb / st.median(a):.0f}   "
          f"new: best {mb / min(b):.0f} MB/s, median {mb / st.median(b):.0f}")
    print(f"new/old speed: best {min(a) / min(b):.3f}, median of pairs {st.median(ratios):.3f} ({n} pairs)")


if __name__ == "__main__":
    main()
