-- Counts by birth year, for the last day of the interval only.
SELECT ce.`date`,
       ce.course_id,
       p.year_of_birth AS birth_year,
       SUM(ce.at_end) AS `count`,
       COUNT(ce.user_id) AS cumulative_count
FROM course_enrollment ce
LEFT OUTER JOIN auth_userprofile p ON p.user_id = ce.user_id
WHERE ce.`date` = '{{ interval_end - 1d }}'
GROUP BY ce.`date`, ce.course_id, p.year_of_birth
