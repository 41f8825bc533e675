-- Per problem, how many state rows have each (grade, max_grade) pair; rows without a grade are left out and a NULL
-- max_grade is a pair of its own.
SELECT sm.module_id,
       sm.course_id,
       sm.grade,
       sm.max_grade,
       COUNT(1) AS `count`
FROM courseware_studentmodule sm
WHERE sm.grade IS NOT NULL
GROUP BY sm.module_id, sm.course_id, sm.grade, sm.max_grade
