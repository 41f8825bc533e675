-- Daily counts by the learner's profile gender; an empty or missing gender counts as NULL.
SELECT ce.`date`,
       ce.course_id,
       CASE WHEN p.gender IS NULL OR p.gender = '' THEN NULL ELSE p.gender END AS gender,
       SUM(ce.at_end) AS `count`,
       COUNT(ce.user_id) AS cumulative_count
FROM course_enrollment ce
LEFT OUTER JOIN auth_userprofile p ON p.user_id = ce.user_id
GROUP BY ce.`date`, ce.course_id, CASE WHEN p.gender IS NULL OR p.gender = '' THEN NULL ELSE p.gender END
