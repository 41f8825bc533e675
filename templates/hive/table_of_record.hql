{{ header }}
-- Written before this run (by another workflow): the table is declared over its files and the partition this run
-- reads is registered; nothing is written.
{{ ddl }}

ALTER TABLE {{ table }} ADD IF NOT EXISTS PARTITION (dt='{{ partition }}');
