CREATE TABLE IF NOT EXISTS partition_inputs (tbl TEXT NOT NULL, dt TEXT NOT NULL, digest TEXT NOT NULL,
             PRIMARY KEY (tbl, dt))
