SELECT tbl, dt, fingerprint, {% if mysql %}`rows`{% else %}rows{% endif %}, run_id, finished FROM {{ p }}partitions
