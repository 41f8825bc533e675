-- The rows of the result-store table answer_distribution (docs/contract.md §3.4): an empty value id, answer text,
-- display name or question is NULL there; the variant is its INT value. Rows whose course, problem or part id, or
-- value id, exceed the table's VARCHAR(255) columns cannot be stored and are left out here (they stay in the reports).
SELECT course_id,
       module_id,
       part_id,
       correct,
       first_response_count,
       last_response_count,
       value_id,
       answer_value AS answer_value_text,
       answer_value_numeric,
       variant_number AS variant,
       problem_display_name,
       question_text
FROM answer_distribution_per_course
WHERE LENGTH(course_id) <= 255
  AND LENGTH(module_id) <= 255
  AND LENGTH(part_id) <= 255
  AND (value_id IS NULL OR LENGTH(value_id) <= 255)
