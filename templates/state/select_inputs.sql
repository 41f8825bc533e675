SELECT tbl, dt, digest FROM partition_inputs
