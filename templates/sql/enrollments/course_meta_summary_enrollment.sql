-- Per course and mode on the last day of the interval: enrolled now, change over 7 days, cumulative, passing,
-- with the catalog's title, dates, pacing and availability.
SELECT enrollment_end.course_id,
       course.catalog_course_title,
       course.catalog_course,
       course.start_time,
       course.end_time,
       course.pacing_type,
       course.availability,
       enrollment_end.mode AS enrollment_mode,
       enrollment_end.`count`,
       enrollment_end.`count` - COALESCE(enrollment_start.`count`, 0) AS count_change_7_days,
       enrollment_end.cumulative_count,
       course_grade_by_mode.passing_users
FROM course_enrollment_mode_daily enrollment_end
LEFT OUTER JOIN course_enrollment_mode_daily enrollment_start
  ON enrollment_start.course_id = enrollment_end.course_id
 AND enrollment_start.mode = enrollment_end.mode
 AND enrollment_start.`date` = '{{ interval_end - 8d }}'
LEFT OUTER JOIN course_catalog course
  ON course.course_id = enrollment_end.course_id
LEFT OUTER JOIN course_grade_by_mode
  ON enrollment_end.course_id = course_grade_by_mode.course_id
 AND enrollment_end.mode = course_grade_by_mode.mode
WHERE enrollment_end.`date` = '{{ interval_end - 1d }}'
