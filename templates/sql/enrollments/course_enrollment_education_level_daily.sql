-- Counts by education level (profile codes mapped to Insights' names), for the last day of the interval only.
SELECT labelled.`date`,
       labelled.course_id,
       labelled.education_level,
       SUM(labelled.at_end) AS `count`,
       COUNT(labelled.user_id) AS cumulative_count
FROM (
    SELECT ce.`date`,
           ce.course_id,
           ce.user_id,
           ce.at_end,
           CASE p.level_of_education
               WHEN 'el' THEN 'primary'
               WHEN 'jhs' THEN 'junior_secondary'
               WHEN 'hs' THEN 'secondary'
               WHEN 'a' THEN 'associates'
               WHEN 'b' THEN 'bachelors'
               WHEN 'm' THEN 'masters'
               WHEN 'p' THEN 'doctorate'
               WHEN 'p_se' THEN 'doctorate'
               WHEN 'p_oth' THEN 'doctorate'
               WHEN 'none' THEN 'none'
               WHEN 'other' THEN 'other'
               ELSE NULL
           END AS education_level
    FROM course_enrollment ce
    LEFT OUTER JOIN auth_userprofile p ON p.user_id = ce.user_id
    WHERE ce.`date` = '{{ interval_end - 1d }}'
) labelled
GROUP BY labelled.`date`, labelled.course_id, labelled.education_level
