SELECT tbl, dt, digest FROM {{ p }}partition_inputs
