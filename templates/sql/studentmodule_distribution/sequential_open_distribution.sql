-- Per sequential (subsection), how many state rows it has: one per learner who opened it.
SELECT sm.module_id,
       sm.course_id,
       COUNT(1) AS `count`
FROM courseware_studentmodule sm
WHERE sm.module_type = 'sequential'
GROUP BY sm.module_id, sm.course_id
