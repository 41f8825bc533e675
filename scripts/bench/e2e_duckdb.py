#!/usr/bin/env python3
"""Runs scripts/bench/e2e_duckdb.sql with DuckDB (the Python package) for scripts/bench-e2e.sh.

    e2e_duckdb.py OUT_DB THREADS LMS_DIR ENR_END ENR_DAYS ACT_END ACT_DAYS WEEK_START WEEK_END LOG...

OUT_DB is created afresh (the result tables go there); dates are YYYY-MM-DD.
"""
import os
import sys

import duckdb


def main():
    if len(sys.argv) < 11:
        sys.exit(__doc__)
    out_db, threads, lms_dir, enr_end, enr_days, act_end, act_days, week_start, week_end = sys.argv[1:10]
    logs = sys.argv[10:]
    for p in (out_db, out_db + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    sql = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e_duckdb.sql"), encoding="utf-8").read()
    con = duckdb.connect(out_db)
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET VARIABLE logs = ?", [logs])
    con.execute("SET VARIABLE lms_dir = ?", [lms_dir])
    for name, value in (("enr_end", enr_end), ("act_end", act_end), ("week_start", week_start), ("week_end", week_end)):
        con.execute(f"SET VARIABLE {name} = CAST(? AS DATE)", [value])
    con.execute("SET VARIABLE enr_days = ?", [int(enr_days)])
    con.execute("SET VARIABLE act_days = ?", [int(act_days)])
    con.execute(sql)
    con.close()


if __name__ == "__main__":
    main()
