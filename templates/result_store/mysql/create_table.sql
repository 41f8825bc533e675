CREATE TABLE IF NOT EXISTS `{{ table }}` (
{%- if auto_id %}`id` BIGINT(20) NOT NULL AUTO_INCREMENT, {% endif %}
{%- for c in columns %}`{{ c.name }}` {{ c.ty }}{% if c.not_null %} NOT NULL{% endif %}, {% endfor -%}
`created` TIMESTAMP DEFAULT NOW()
{%- if auto_id %}, PRIMARY KEY (`id`){% endif %}
{%- for index in indexes %}, INDEX ({% for c in index %}`{{ c }}`{% if !loop.last %},{% endif %}{% endfor %}){% endfor %}
{%- if !primary_key.is_empty() %}, PRIMARY KEY ({% for c in primary_key %}`{{ c }}`{% if !loop.last %},{% endif %}{% endfor %}){% endif -%}
)
