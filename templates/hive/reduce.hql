{{ header }}
ADD FILE {{ mapper_path }};
{%- for f in add_files %}
ADD FILE {{ f }};
{%- endfor %}

{{ ddl }}

-- edxc-map reads and writes Hive text (TAB-separated, \N for NULL, backslash escapes): the same SerDe on both sides.
INSERT OVERWRITE TABLE {{ table }} PARTITION (dt='{{ partition }}')
SELECT TRANSFORM ({% for c in input_columns %}`{{ c }}`{% if !loop.last %}, {% endif %}{% endfor %})
  {% include "hive/serde.hql" %}
  USING '{{ mapper_name }} --reducer {{ reducer }}{% for a in args %} --arg {{ a.0 }}={{ a.1 }}{% endfor %}'
  AS ({% for c in columns %}`{{ c.0 }}` {{ c.1 }}{% if !loop.last %}, {% endif %}{% endfor %})
  {% include "hive/serde.hql" %}
FROM (
  SELECT {% for c in input_columns %}`{{ c }}`{% if !loop.last %}, {% endif %}{% endfor %}
  FROM {{ input }}
  WHERE {{ input_filter }}{% if !enabled %} AND 1 = 0{% endif %}
  DISTRIBUTE BY {% for c in key %}`{{ c }}`{% if !loop.last %}, {% endif %}{% endfor %}
  SORT BY {% for c in sort %}`{{ c }}`{% if !loop.last %}, {% endif %}{% endfor %}
) sorted_input;
