CREATE TABLE IF NOT EXISTS "{{ table }}" (
{%- if auto_id %}"id" INTEGER PRIMARY KEY AUTOINCREMENT, {% endif %}
{%- for c in columns %}"{{ c.name }}" {{ c.ty }}{% if c.not_null %} NOT NULL{% endif %}, {% endfor -%}
"created" TIMESTAMP DEFAULT CURRENT_TIMESTAMP
{%- if !primary_key.is_empty() %}, PRIMARY KEY ({% for c in primary_key %}"{{ c }}"{% if !loop.last %},{% endif %}{% endfor %}){% endif -%}
)
