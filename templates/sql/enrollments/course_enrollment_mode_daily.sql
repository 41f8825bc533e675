-- Like course_enrollment_daily, bucketed by the mode each learner has on that day.
SELECT ce.`date`,
       ce.course_id,
       ce.mode,
       SUM(ce.at_end) AS `count`,
       COUNT(ce.user_id) AS cumulative_count
FROM course_enrollment ce
GROUP BY ce.`date`, ce.course_id, ce.mode
