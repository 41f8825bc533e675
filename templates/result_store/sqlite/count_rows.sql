SELECT COUNT(*) FROM "{{ table }}"
