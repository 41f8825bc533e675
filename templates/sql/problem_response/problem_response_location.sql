-- ProblemResponseLocationPartitionTask (docs/contract.md §3.5): each latest response with its place in the course,
-- from the course_blocks partition of the run (a block id names its course, so the join needs no course id). A
-- problem course_blocks does not know (deleted, or the blocks were taken before it existed) is placed under
-- deleted_blocks_path and sorts first (-1). The original's ORDER BY is left to the report, which sorts its rows.
SELECT pr.course_id,
       pr.answer_id,
       pr.problem_id,
       pr.problem,
       pr.username,
       pr.question,
       pr.score,
       pr.max_score,
       pr.correct,
       pr.answer,
       pr.total_attempts,
       pr.first_attempt_date,
       pr.last_attempt_date,
       CONCAT(COALESCE(cb.course_path, '{{ deleted_blocks_path }}'), '{{ path_delimiter }}', pr.problem) AS location,
       COALESCE(cb.sort_idx, -1) AS sort_idx
FROM problem_response_latest pr
LEFT OUTER JOIN course_blocks cb ON cb.block_id = pr.problem_id
