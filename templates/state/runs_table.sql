CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, started TEXT, pipelines TEXT)
