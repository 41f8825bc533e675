{{ header }}
SET hive.exec.dynamic.partition=true;
SET hive.exec.dynamic.partition.mode=nonstrict;
SET mapreduce.input.fileinputformat.input.dir.recursive=true;
SET hive.mapred.supports.subdirectories=true;
ADD FILE {{ mapper_path }};

CREATE EXTERNAL TABLE IF NOT EXISTS edxc_tracking_log (line STRING)
STORED AS TEXTFILE
LOCATION '{{ tracking_logs }}';

{{ ddl }}
{% for d in days %}
ALTER TABLE {{ table }} DROP IF EXISTS PARTITION (dt='{{ d }}');
{%- endfor %}

INSERT OVERWRITE TABLE {{ table }} PARTITION (dt)
{%- if let Some(count) = count_as %}
SELECT {% for c in columns %}`{{ c }}`, {% endfor %}COUNT(1) AS `{{ count }}`, dt
FROM (
  SELECT TRANSFORM (line)
  USING '{{ mapper_name }} --extractor {{ extractor }} --interval {{ window }}{% if ccx %} --ccx{% endif %}'
  AS ({% for c in columns %}`{{ c }}`, {% endfor %}dt)
  FROM edxc_tracking_log
  WHERE INPUT__FILE__NAME RLIKE '{{ file_regex }}' OR INPUT__FILE__NAME RLIKE '{{ undated_regex }}'
) mapped
GROUP BY {% for c in columns %}`{{ c }}`, {% endfor %}dt;
{%- else %}
SELECT TRANSFORM (line)
USING '{{ mapper_name }} --extractor {{ extractor }} --interval {{ window }}{% if ccx %} --ccx{% endif %}'
AS ({% for c in columns %}`{{ c }}`, {% endfor %}dt)
FROM edxc_tracking_log
WHERE INPUT__FILE__NAME RLIKE '{{ file_regex }}' OR INPUT__FILE__NAME RLIKE '{{ undated_regex }}';
{%- endif %}
{% for d in days %}
ALTER TABLE {{ table }} ADD IF NOT EXISTS PARTITION (dt='{{ d }}');
{%- endfor %}
