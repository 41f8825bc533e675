-- Learners currently passing, per course and mode. Each learner counts in the group of the enrollment row closest
-- to (on or before) the day their grade was last modified; passing = passed_timestamp set and a non-empty letter.
-- The small sides come first in each join (grades, then the graded learners), so an engine that builds its hash
-- table on the left side, as DataFusion does when it knows no sizes, holds them and streams course_enrollment.
SELECT every_row.course_id AS course_id,
       every_row.mode AS mode,
       SUM(CASE WHEN graded.passed_timestamp IS NOT NULL AND graded.letter_grade <> '' THEN 1 ELSE 0 END)
           AS passing_users
FROM (
    SELECT ce.course_id,
           ce.user_id,
           MAX(ce.`date`) AS closest_date,
           MAX(g.passed_timestamp) AS passed_timestamp,
           MAX(g.letter_grade) AS letter_grade
    FROM grades_persistentcoursegrade g
    INNER JOIN course_enrollment ce ON g.course_id = ce.course_id AND g.user_id = ce.user_id
    WHERE ce.`date` <= to_date(g.modified)
    GROUP BY ce.course_id, ce.user_id
) graded
RIGHT OUTER JOIN course_enrollment every_row
  ON every_row.course_id = graded.course_id
 AND every_row.user_id = graded.user_id
 AND every_row.`date` = graded.closest_date
GROUP BY every_row.course_id, every_row.mode
