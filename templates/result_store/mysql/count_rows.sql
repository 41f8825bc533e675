SELECT COUNT(*) FROM `{{ table }}`
