-- Distinct viewers and views of every 5-second segment of every video, up to the video's final segment.
SELECT vu.pipeline_video_id,
       vu.segment,
       vu.num_users,
       vu.num_views
FROM video_usage vu
