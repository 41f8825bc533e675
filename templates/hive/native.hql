{{ header }}
-- The rows of `{{ table }}` are computed by edxc itself (native function `{{ function }}`{% if let Some(f) = input_file %}
-- over {{ warehouse }}/{{ f }}{% endif %}) and staged into {{ location }}dt={{ partition }}/.
{{ ddl }}

ALTER TABLE {{ table }} DROP IF EXISTS PARTITION (dt='{{ partition }}');
ALTER TABLE {{ table }} ADD PARTITION (dt='{{ partition }}');
