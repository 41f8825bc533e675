-- Enrollments per course and country of the learner's last located address (docs/contract.md §3.6 step C):
-- `count` the active ones, `cumulative_count` all. A learner never located has a NULL country_code (kept as a
-- group of its own); UNKNOWN means the lookup found no country. `date` is the enrollment snapshot's date (§6.8).
SELECT sce.dt AS `date`,
       sce.course_id,
       uc.country_code,
       SUM(CASE WHEN sce.is_active THEN 1 ELSE 0 END) AS `count`,
       COUNT(sce.user_id) AS cumulative_count
FROM student_courseenrollment sce
LEFT OUTER JOIN last_country_of_user_id uc ON sce.user_id = uc.user_id
GROUP BY sce.dt, sce.course_id, uc.country_code
