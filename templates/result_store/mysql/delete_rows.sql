DELETE FROM `{{ table }}`
