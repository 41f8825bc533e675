{#- A value into a BOOLEAN column. Not CAST: Hive casts any non-empty string to TRUE, 'false' included. A value is
    read as the embedded engine reads a boolean cell: 'true' or '1' is TRUE, 'false' or '0' FALSE, anything else NULL.
    A typed value goes through STRING, where Hive spells a boolean TRUE/FALSE and Spark SQL true/false. -#}
{%- if from_string -%}
CASE WHEN {{ expr }} IN ('true', '1') THEN TRUE WHEN {{ expr }} IN ('false', '0') THEN FALSE END
{%- else -%}
CASE WHEN CAST({{ expr }} AS STRING) IN ('true', 'TRUE', '1') THEN TRUE WHEN CAST({{ expr }} AS STRING) IN ('false', 'FALSE', '0') THEN FALSE END
{%- endif -%}
