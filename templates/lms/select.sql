SELECT {% for c in columns %}`{{ c }}`{% if !loop.last %}, {% endif %}{% endfor %} FROM `{{ table }}`
