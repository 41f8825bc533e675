{{ header }}
-- Imported by the Sqoop command beside this file into {{ location }}dt={{ partition }}/.
{{ ddl }}

ALTER TABLE {{ table }} DROP IF EXISTS PARTITION (dt='{{ partition }}');
ALTER TABLE {{ table }} ADD PARTITION (dt='{{ partition }}');
