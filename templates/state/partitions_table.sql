CREATE TABLE IF NOT EXISTS partitions (tbl TEXT NOT NULL, dt TEXT NOT NULL, pipeline TEXT, fingerprint TEXT,
             rows INTEGER, run_id TEXT, finished TEXT, PRIMARY KEY (tbl, dt))
