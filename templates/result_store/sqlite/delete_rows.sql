DELETE FROM "{{ table }}"
