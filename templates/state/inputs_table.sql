{% if mysql %}CREATE TABLE IF NOT EXISTS {{ p }}partition_inputs (tbl VARCHAR(255) NOT NULL, dt VARCHAR(64) NOT NULL,
             digest VARCHAR(128) NOT NULL, PRIMARY KEY (tbl, dt)){% else %}CREATE TABLE IF NOT EXISTS {{ p }}partition_inputs (tbl TEXT NOT NULL, dt TEXT NOT NULL, digest TEXT NOT NULL,
             PRIMARY KEY (tbl, dt)){% endif %}
