-- Daily counts by the learner's profile gender; an empty or missing gender counts as NULL.
SELECT labelled.`date`,
       labelled.course_id,
       labelled.gender,
       SUM(labelled.at_end) AS `count`,
       COUNT(labelled.user_id) AS cumulative_count
FROM (
    SELECT ce.`date`,
           ce.course_id,
           ce.user_id,
           ce.at_end,
           CASE WHEN p.gender IS NULL OR p.gender = '' THEN NULL ELSE p.gender END AS gender
    FROM course_enrollment ce
    LEFT OUTER JOIN auth_userprofile p ON p.user_id = ce.user_id
) labelled
GROUP BY labelled.`date`, labelled.course_id, labelled.gender
