#!/usr/bin/env python3
"""Compares edxc's SQLite result store with the tables DuckDB wrote (scripts/bench-e2e.sh).

    e2e_compare.py EDXC_SQLITE DUCKDB_FILE TABLE...

Rows are compared as multisets over the DuckDB table's columns (edxc's `id` and `created` are left out), with
dates and datetimes as text (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, a zero fraction dropped) and numbers as
numbers. Prints one line per table; exits 1 when any table differs.
"""
import collections
import datetime
import decimal
import re
import sqlite3
import sys

import duckdb

ZERO_FRACTION = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.0*)?$")


def norm(v):
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        v = v.isoformat(sep=" ")
    elif isinstance(v, datetime.date):
        return v.isoformat()
    elif isinstance(v, bool):
        return int(v)
    elif isinstance(v, (int, float, decimal.Decimal)):
        f = float(v)
        return int(f) if f.is_integer() else round(f, 9)
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    if isinstance(v, str):
        m = ZERO_FRACTION.match(v)
        if m:
            return f"{m.group(1)} {m.group(2)}"
        if re.fullmatch(r"-?\d+", v):
            return int(v)
    return v


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sq = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    dd = duckdb.connect(sys.argv[2], read_only=True)
    failed = False
    for table in sys.argv[3:]:
        cols = [r[0] for r in dd.execute(f"DESCRIBE {table}").fetchall()]
        quoted = ", ".join(f'"{c}"' for c in cols)
        try:
            ours = sq.execute(f"SELECT {quoted} FROM {table}").fetchall()
        except sqlite3.Error as e:
            print(f"{table}: cannot read edxc's table: {e}")
            failed = True
            continue
        theirs = dd.execute(f"SELECT {quoted} FROM {table}").fetchall()
        a = collections.Counter(tuple(norm(v) for v in r) for r in ours)
        b = collections.Counter(tuple(norm(v) for v in r) for r in theirs)
        if a == b:
            print(f"{table}: EQUAL ({sum(a.values())} rows)")
            continue
        failed = True
        only_e, only_d = a - b, b - a
        print(f"{table}: DIFFERENT (edxc {sum(a.values())} rows, DuckDB {sum(b.values())}; "
              f"{sum(only_e.values())} only in edxc, {sum(only_d.values())} only in DuckDB)")
        for label, diff in (("edxc only", only_e), ("DuckDB only", only_d)):
            for row in sorted(diff, key=repr)[:5]:
                print(f"    {label}: {row}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
