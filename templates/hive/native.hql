{{ header }}
{%- if enabled %}
-- The {{ rows }} row(s) of `{{ table }}` were computed when this bundle was compiled, by the embedded engine's
-- native function `{{ function }}`{% if let Some(f) = input_file %} over {{ f }}{% endif %}. They ship in the bundle as Hive text,
--   {{ data_file }} (step {{ data_step }}),
-- which LOAD DATA LOCAL reads from the directory the bundle runs from.
{%- else %}
-- `{{ table }}` is off in this run (its `when` parameter is false): its data file,
--   {{ data_file }} (step {{ data_step }}),
-- is empty, so the partition is written with no rows, as the embedded engine writes it.
{%- endif %}
{{ ddl }}

LOAD DATA LOCAL INPATH '{{ data_file }}' OVERWRITE INTO TABLE {{ table }} PARTITION (dt='{{ partition }}');
