{% if mysql %}SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?{% else %}SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?{% endif %}
