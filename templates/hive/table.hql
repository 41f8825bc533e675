CREATE EXTERNAL TABLE IF NOT EXISTS {{ table }} (
{%- for c in columns %}
  `{{ c.0 }}` {{ c.1 }}{% if !loop.last %},{% endif %}
{%- endfor %}
)
PARTITIONED BY (dt STRING)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
STORED AS TEXTFILE
LOCATION '{{ location }}'
TBLPROPERTIES ('serialization.escape.crlf' = 'true');
