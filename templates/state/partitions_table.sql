{% if mysql %}CREATE TABLE IF NOT EXISTS {{ p }}partitions (tbl VARCHAR(255) NOT NULL, dt VARCHAR(64) NOT NULL,
             pipeline VARCHAR(255), fingerprint VARCHAR(128), `rows` BIGINT, run_id VARCHAR(64), finished VARCHAR(32),
             PRIMARY KEY (tbl, dt)){% else %}CREATE TABLE IF NOT EXISTS {{ p }}partitions (tbl TEXT NOT NULL, dt TEXT NOT NULL, pipeline TEXT, fingerprint TEXT,
             rows INTEGER, run_id TEXT, finished TEXT, PRIMARY KEY (tbl, dt)){% endif %}
