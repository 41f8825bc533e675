#!/usr/bin/env python3
"""Differential check: edxc-map against scripts/reference_mapper.py, record by record.

    scripts/diff-reference.py LOG [EXTRACTOR ...] [--bin PATH] [--ccx]

Records are compared as multisets (order-insensitive); JSON-valued columns (problem_data,
saved_tags) are compared after decoding. Exit status 1 on any difference.
"""
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
JSON_COLS = {"problem_check": [4], "problem_response": [4], "tags": [4]}
ALL = ["enrollment", "user_activity", "video", "problem_check", "problem_response", "location",
       "module_engagement", "student_engagement", "tags", "event_export"]


def unescape(field):
    if field == "\\N":
        return None
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            out.append({"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}.get(field[i + 1], field[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def norm(name, line):
    cols = [unescape(f) for f in line.rstrip("\n").split("\t")]
    for i in JSON_COLS.get(name, []):
        if cols[i] is not None:
            cols[i] = json.dumps(json.loads(cols[i]), sort_keys=True)
    return tuple(cols)


def main():
    args = [a for a in sys.argv[1:]]
    ccx = "--ccx" in args
    if ccx:
        args.remove("--ccx")
    binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "..", "target")),
                          "release", "edxc-map")
    if "--bin" in args:
        i = args.index("--bin")
        binary = args[i + 1]
        del args[i:i + 2]
    log, names = args[0], args[1:] or ALL
    bad = 0
    for name in names:
        extra = ["--ccx"] if ccx else []
        got = subprocess.run([binary, "--extractor", name, log] + extra, capture_output=True,
                             text=True, errors="surrogateescape").stdout.splitlines()
        with open(log, "rb") as f:
            want = subprocess.run([sys.executable, os.path.join(HERE, "reference_mapper.py"), name] + extra,
                                  stdin=f, capture_output=True, text=True,
                                  errors="surrogateescape").stdout.splitlines()
        g = collections.Counter(norm(name, l) for l in got)
        w = collections.Counter(norm(name, l) for l in want)
        if g == w:
            print(f"{name:<20} identical ({sum(g.values())} records)")
        else:
            bad += 1
            only_g, only_w = g - w, w - g
            print(f"{name:<20} DIFFER: {sum(only_g.values())} only in edxc-map, "
                  f"{sum(only_w.values())} only in reference")
            for rec in list(only_g)[:3]:
                print("   edxc-map :", rec)
            for rec in list(only_w)[:3]:
                print("   reference:", rec)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
