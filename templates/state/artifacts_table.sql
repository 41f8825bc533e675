CREATE TABLE IF NOT EXISTS artifacts (pipeline TEXT NOT NULL, path TEXT NOT NULL, text TEXT NOT NULL, run_id TEXT,
             PRIMARY KEY (pipeline, path))
