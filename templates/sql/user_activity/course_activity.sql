-- Distinct learners per course, ISO week and activity label, over the whole weeks of the interval.
SELECT act.course_id,
       CONCAT(cal.iso_week_start, ' 00:00:00') AS interval_start,
       CONCAT(cal.iso_week_end, ' 00:00:00') AS interval_end,
       act.category AS label,
       COUNT(DISTINCT act.user_id) AS `count`
FROM user_activity_by_user act
JOIN calendar cal
  ON act.`date` = cal.`date`
 AND act.dt >= '{{ interval_start }}' AND act.dt < '{{ interval_end }}'
WHERE cal.`date` >= '{{ interval_start }}' AND cal.`date` < '{{ interval_end }}'
GROUP BY act.course_id, cal.iso_week_start, cal.iso_week_end, act.category
