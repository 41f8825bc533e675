{{ header }}
SET mapreduce.input.fileinputformat.input.dir.recursive=true;
SET hive.mapred.supports.subdirectories=true;
ADD FILE {{ mapper_path }};

-- The tracking logs of this run: step {{ stage_step }} ({{ stage_file }}) put the files it reads under
--   {{ staged }}/
-- ({{ selection }}). No query here selects files by name (Hive's
-- INPUT__FILE__NAME is input_file_name() on Spark SQL, and neither accepts the other's), so the run reads those
-- files and nothing else, once, on either engine.
CREATE EXTERNAL TABLE IF NOT EXISTS edxc_tracking_log (line STRING)
PARTITIONED BY (run STRING)
STORED AS TEXTFILE
LOCATION '{{ warehouse }}/edxc_tracking_log';
ALTER TABLE edxc_tracking_log ADD IF NOT EXISTS PARTITION (run='{{ run }}');

-- One scan for every extractor of the run: edxc-map parses each line once and writes the rows of all of them into
-- a table of this run, dropped at the end (its rows are far fewer than the logs' lines; Spark SQL evaluates the FROM
-- of a multi-insert once per INSERT, so the INSERTs below read this table, not the logs).
DROP TABLE IF EXISTS {{ mapped }};
CREATE TABLE {{ mapped }} (`extractor` STRING{% for c in mapped_columns %}, `{{ c }}` STRING{% endfor %})
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
STORED AS TEXTFILE
TBLPROPERTIES ('serialization.escape.crlf' = 'true');
INSERT OVERWRITE TABLE {{ mapped }}
SELECT {% if let Some(e) = single_extractor %}'{{ e }}'{% else %}`extractor`{% endif %}{% for c in mapped_columns %}, `{{ c }}`{% endfor %}
FROM (
  SELECT TRANSFORM (line)
  USING '{{ mapper_name }}{% for e in extractors %} --extractor {{ e }}{% endfor %}{% if let Some(span) = span %} --interval {{ span }}{% endif %}{% if ccx %} --ccx{% endif %}'
  AS ({% if single_extractor.is_none() %}`extractor` STRING, {% endif %}{% for c in mapped_columns %}`{{ c }}` STRING{% if !loop.last %}, {% endif %}{% endfor %})
  {% include "hive/serde.hql" %}
  FROM edxc_tracking_log
  WHERE run = '{{ run }}'
) mapped;
{% for t in tables %}
{{ t }}
{% endfor %}
{% if by_day -%}
-- Every day of every map table's window is written, with rows or empty: the run's partitions are exactly these.
{%- else -%}
-- Every map table's one partition is written, with rows or empty: every event of the staged files, whatever its date.
{%- endif %}
{%- if inserts.len() > 1 %}
-- {{ inserts.len() }} queries of at most {{ per_query }} INSERTs: Hadoop caps a job's counters (mapreduce.job.counters.max, 120 by
-- default) and Hive counts each INSERT's rows in a counter of its own.
{%- endif %}
{%- for chunk in inserts %}
FROM {{ mapped }}
{%- for i in chunk %}
INSERT OVERWRITE TABLE {{ i.table }} PARTITION (dt='{{ i.day }}')
  SELECT {{ i.select }}
  WHERE `extractor` = '{{ i.extractor }}'{% if i.by_day %} AND `{{ i.dt_column }}` = '{{ i.day }}'{% endif %}
{%- if let Some(g) = i.group_by %}
  GROUP BY {{ g }}
{%- endif %}
{%- endfor %};
{%- endfor %}

-- The run's mapped rows and its copy of the logs are not needed any more.
DROP TABLE {{ mapped }};
ALTER TABLE edxc_tracking_log DROP IF EXISTS PARTITION (run='{{ run }}');
dfs -rm -r -f -skipTrash {{ staged }};
