{% if mysql %}CREATE TABLE IF NOT EXISTS {{ p }}artifacts (pipeline VARCHAR(255) NOT NULL, path VARCHAR(255) NOT NULL,
             text LONGTEXT NOT NULL, run_id VARCHAR(64), PRIMARY KEY (pipeline, path)){% else %}CREATE TABLE IF NOT EXISTS {{ p }}artifacts (pipeline TEXT NOT NULL, path TEXT NOT NULL, text TEXT NOT NULL, run_id TEXT,
             PRIMARY KEY (pipeline, path)){% endif %}
