-- Learners enrolled at the end of each day (count) and learners with any enrollment event so far (cumulative_count).
SELECT ce.course_id,
       ce.`date`,
       SUM(ce.at_end) AS `count`,
       COUNT(ce.user_id) AS cumulative_count
FROM course_enrollment ce
GROUP BY ce.course_id, ce.`date`
