CREATE INDEX IF NOT EXISTS "{{ name }}" ON "{{ table }}" ({% for c in columns %}"{{ c }}"{% if !loop.last %},{% endif %}{% endfor %})
