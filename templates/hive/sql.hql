{{ header }}
{{ ddl }}

WITH
{%- for i in inputs %}
{{ i.0 }} AS (SELECT * FROM {{ database }}.{{ i.0 }} WHERE {{ i.1 }}){% if !loop.last %},{% endif %}
{%- endfor %}
INSERT OVERWRITE TABLE {{ table }} PARTITION (dt='{{ partition }}')
SELECT {% for c in columns %}{% if c.1 == "STRING" %}q.`{{ c.0 }}`{% else if c.1 == "BOOLEAN" %}{{ booleans[loop.index0] }}{% else %}CAST(q.`{{ c.0 }}` AS {{ c.1 }}){% endif %}{% if !loop.last %},
       {% endif %}{% endfor %}
FROM (
{{ body }}
) q{% if !enabled %}
WHERE 1 = 0{% endif %};
