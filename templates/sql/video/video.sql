-- One row per video: its duration, viewers of its first segment and of its end, and seconds viewed in all
-- (views of every segment times the segment length).
SELECT vu.pipeline_video_id,
       vu.course_id,
       vu.encoded_module_id,
       vu.duration,
       vu.segment_length,
       vu.users_at_start,
       vu.users_at_end,
       SUM(vu.num_views) * vu.segment_length AS total_viewed_seconds
FROM video_usage vu
GROUP BY vu.pipeline_video_id, vu.course_id, vu.encoded_module_id, vu.duration, vu.segment_length,
         vu.users_at_start, vu.users_at_end
