{% if mysql %}CREATE TABLE IF NOT EXISTS {{ p }}runs (run_id VARCHAR(64) NOT NULL PRIMARY KEY, started VARCHAR(32),
             pipelines TEXT){% else %}CREATE TABLE IF NOT EXISTS {{ p }}runs (run_id TEXT PRIMARY KEY, started TEXT, pipelines TEXT){% endif %}
