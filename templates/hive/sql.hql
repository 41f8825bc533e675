{{ header }}
{{ ddl }}

WITH
{%- for i in inputs %}
{{ i.0 }} AS (SELECT * FROM {{ database }}.{{ i.0 }} WHERE {{ i.1 }}){% if !loop.last %},{% endif %}
{%- endfor %}
INSERT OVERWRITE TABLE {{ table }} PARTITION (dt='{{ partition }}')
{{ body }};
