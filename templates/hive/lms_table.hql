{{ header }}
-- Step {{ sqoop_step }} ({{ sqoop_file }}) imports the rows into {{ location }}dt={{ partition }}/.
{{ ddl }}

ALTER TABLE {{ table }} ADD IF NOT EXISTS PARTITION (dt='{{ partition }}');
