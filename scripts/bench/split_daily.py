#!/usr/bin/env python3
"""Splits a generated tracking log into daily gzipped files, as logrotate leaves them (scripts/bench-e2e.sh).

    split_daily.py LOG OUT_DIR

Writes OUT_DIR/tracking.log-YYYYMMDD.gz (gzip -6 -n), one per day: a line goes to the day of its event's `time`
(a syslog-prefixed line: its prefix's date), and a line without either (malformed, or an event without `time`) to
the day of the line before it. Days never go backwards (the generator's +2 s jitter around midnight stays in the
earlier file), so the files, concatenated in name order, are the input log byte for byte.
"""
import os
import re
import subprocess
import sys

TIME = re.compile(rb'"time": "(\d{4})-(\d{2})-(\d{2})T')
PREFIX = re.compile(rb"^(\d{4})-(\d{2})-(\d{2}) \d{2}:\d{2}:\d{2} ")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    log, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    day, proc, out = None, None, None
    with open(log, "rb") as f:
        for line in f:
            m = PREFIX.match(line) or TIME.search(line)
            d = b"".join(m.groups()).decode() if m else day
            if d is None:
                d = "00000000"
            if day is None or d > day:
                if proc is not None:
                    out.close()
                    proc.wait()
                day = d
                out_file = open(os.path.join(out_dir, f"tracking.log-{day}.gz"), "wb")
                proc = subprocess.Popen(["gzip", "-6", "-n", "-c"], stdin=subprocess.PIPE, stdout=out_file)
                out_file.close()
                out = proc.stdin
            out.write(line)
    if proc is not None:
        out.close()
        if proc.wait() != 0:
            sys.exit("gzip failed")


if __name__ == "__main__":
    main()
