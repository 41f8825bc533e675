-- Every learner enrolled at the end of each day of the interval, with that day's engagement (zeros when inactive):
-- JoinedStudentEngagementTableTask, daily (docs/contract.md §3.11).
SELECT ce.`date` AS end_date,
       ce.course_id,
       au.username,
       au.email,
       COALESCE(cohort.name, '') AS cohort,
       COALESCE(ser.days_active, 0) AS days_active,
       COALESCE(ser.problems_attempted, 0) AS problems_attempted,
       COALESCE(ser.problem_attempts, 0) AS problem_attempts,
       COALESCE(ser.problems_correct, 0) AS problems_correct,
       COALESCE(ser.videos_played, 0) AS videos_played,
       COALESCE(ser.forum_posts, 0) AS forum_posts,
       COALESCE(ser.forum_responses, 0) AS forum_responses,
       COALESCE(ser.forum_comments, 0) AS forum_comments,
       COALESCE(ser.forum_upvotes_given, 0) AS forum_upvotes_given,
       COALESCE(ser.forum_downvotes_given, 0) AS forum_downvotes_given,
       COALESCE(ser.forum_upvotes_received, 0) AS forum_upvotes_received,
       COALESCE(ser.forum_downvotes_received, 0) AS forum_downvotes_received,
       COALESCE(ser.textbook_pages_viewed, 0) AS textbook_pages_viewed,
       COALESCE(ser.last_subsection_viewed, '') AS last_subsection_viewed
FROM student_engagement_enrollment ce
INNER JOIN auth_user au ON ce.user_id = au.id
LEFT OUTER JOIN student_engagement_raw_daily ser
  ON au.username = ser.username AND ce.`date` = ser.end_date AND ce.course_id = ser.course_id
LEFT OUTER JOIN (
    SELECT cugu.user_id, cug.course_id, cug.name
    FROM course_groups_courseusergroup_users cugu
    INNER JOIN course_groups_courseusergroup cug ON cugu.courseusergroup_id = cug.id
) cohort
  ON au.id = cohort.user_id AND ce.course_id = cohort.course_id
WHERE ce.at_end = 1 AND ce.`date` >= '{{ interval_start }}' AND ce.`date` < '{{ interval_end }}'
