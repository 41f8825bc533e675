SELECT tbl, dt, fingerprint, rows, run_id, finished FROM partitions
