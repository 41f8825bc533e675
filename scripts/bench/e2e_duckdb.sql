-- The `enrollments` and `user_activity` workflows of edxc (pipelines/*.toml) in DuckDB SQL, for the end-to-end
-- comparison of scripts/bench-e2e.sh. Run by scripts/bench/e2e_duckdb.py, which sets these variables first:
--   logs          list of tracking-log files (plain or .gz)
--   lms_dir       directory of the LMS exports (auth_userprofile.tsv, grades_persistentcoursegrade.tsv)
--   enr_end       enrollments interval_end (date_b), a DATE; enr_days: its overwrite_n_days
--   act_end       user_activity end_date, a DATE; act_days: its overwrite_n_days
--   week_start, week_end   the user_activity interval (Mondays, half-open), DATEs
-- Every result table is created in the database the script is connected to; intermediates are TEMP tables.
--
-- Semantics (docs/contract.md §1, §3.1, §3.2; crates/edxc-map/src/events): one JSON object per line, else the
-- syslog fallback `^.*?(\{.*\})\s*$`; an event's day is the text before the `T` of its `time` (a string), compared
-- as text with the window; course ids validated with the opaque-keys 0.4 grammar (§1.6, ccx off); user_activity
-- takes the course from context.course_id, else (missing or blank) from the URL of a server (event_type) or browser
-- (page) event (§1.5). Known differences from edxc are listed in BENCHMARKS.md ("End to end").

-- Python unicode.strip() (Unicode whitespace and the separators \x1c-\x1f).
CREATE OR REPLACE TEMP MACRO py_strip(s) AS
    regexp_replace(s, '^[\s\x0b\x1c-\x1f\x85\pZ]+|[\s\x0b\x1c-\x1f\x85\pZ]+$', '', 'g');

-- opaque_key_util.is_valid_course_id (opaque-keys 0.4, §1.6): course-v1 / slashes / library-v1 keys, else the
-- deprecated org/course/run form. ID = [\w\-~.:]+ with Unicode \w.
CREATE OR REPLACE TEMP MACRO is_valid_course_id(s) AS s IS NOT NULL AND (
    regexp_full_match(s, '(?:course-v1|slashes):(?:'
        || '[\pL\pN_~.:-]+\+[\pL\pN_~.:-]+\+[\pL\pN_~.:-]+(?:\+branch@[\pL\pN_~.:-]+)?(?:\+version@[0-9a-f]{24})?'
        || '|[\pL\pN_~.:-]+\+[\pL\pN_~.:-]+(?:\+branch@[\pL\pN_~.:-]+)?\+version@[0-9a-f]{24}'
        || '|(?:branch@[\pL\pN_~.:-]+\+)?version@[0-9a-f]{24})'
        || '(?:\+type@[\pL\pN_~.:-]+)?(?:\+block@[\pL\pN_~.:%-]+)?')
    OR regexp_full_match(s, 'library-v1:(?:'
        || '[\pL\pN_~.:-]+\+[\pL\pN_~.:-]+(?:\+[\pL\pN_~.:-]+)?(?:\+branch@[\pL\pN_~.:-]+)?(?:\+version@[0-9a-f]{24})?'
        || '|(?:branch@[\pL\pN_~.:-]+\+)?version@[0-9a-f]{24})'
        || '(?:\+type@[\pL\pN_~.:-]+)?(?:\+block@[\pL\pN_~.:%-]+)?')
    OR regexp_full_match(s, '[\pL\pN_.%-]+/[\pL\pN_.%-]+/[\pL\pN_.%-]*'));

-- The canonical serialisation of a valid key (unicode(CourseKey.from_string(s))): slashes: becomes course-v1:,
-- type@/block@ parts and a library key's run are dropped.
CREATE OR REPLACE TEMP MACRO canonical_course_id(s) AS
    regexp_replace(
        regexp_replace(regexp_replace(s, '^slashes:', 'course-v1:'), '\+type@[^+]*|\+block@.*$', '', 'g'),
        '^(library-v1:[^+@]+\+[^+@]+)\+[^+@]+', '\1');

-- get_course_key_from_url (§1.5 step 3): the xblock pattern first (its usage key's course), else the course
-- pattern, whose (?!v[0-9]+/[^/]+) look-ahead RE2 lacks: spelled out as "first part is not v<digits> followed by /".
CREATE OR REPLACE TEMP MACRO url_course_id(url) AS CASE
    WHEN regexp_matches(url, '^.*?/xblock/[^/+]+[/+][^/+]+[/+][^/?#]+') THEN (
        WITH b AS (SELECT regexp_extract(url, '^.*?/xblock/([^/+]+[/+][^/+]+[/+][^/?#]+)', 1) AS block_id)
        SELECT CASE
            WHEN regexp_full_match(block_id, 'block-v1:(?:'
                || '[\pL\pN_~.:-]+\+[\pL\pN_~.:-]+\+[\pL\pN_~.:-]+(?:\+branch@[\pL\pN_~.:-]+)?(?:\+version@[0-9a-f]{24})?'
                || '|[\pL\pN_~.:-]+\+[\pL\pN_~.:-]+(?:\+branch@[\pL\pN_~.:-]+)?\+version@[0-9a-f]{24}'
                || '|(?:branch@[\pL\pN_~.:-]+\+)?version@[0-9a-f]{24})'
                || '\+type@[\pL\pN_~.:-]+\+block@[\pL\pN_~.:%-]+')
            THEN 'course-v1:' || regexp_extract(block_id, '^block-v1:(.*?)\+type@', 1)
            WHEN regexp_full_match(block_id, 'lib-block-v1:[\pL\pN_~.:-]+\+[\pL\pN_~.:-]+(?:\+[\pL\pN_~.:-]+)?'
                || '(?:\+branch@[\pL\pN_~.:-]+)?(?:\+version@[0-9a-f]{24})?\+type@[\pL\pN_~.:-]+\+block@[\pL\pN_~.:%-]+')
            THEN canonical_course_id('library-v1:' || regexp_extract(block_id, '^lib-block-v1:(.*?)\+type@', 1))
        END FROM b)
    ELSE (
        WITH c AS (SELECT regexp_extract(url, '^.*?/courses/('
            || '(?:[^/+v][^/+]*|v|v[0-9]*[^0-9/+][^/+]*)/[^/+]+[/+][^/?]+'
            || '|[^/+]+\+[^/+]+[/+][^/?]+)', 1) AS cid)
        SELECT CASE WHEN cid <> '' AND is_valid_course_id(cid) THEN canonical_course_id(cid) END FROM c)
END;

-- Python truthiness of a JSON value.
CREATE OR REPLACE TEMP MACRO json_truthy(v) AS CASE json_type(v)
    WHEN 'NULL' THEN false
    WHEN 'BOOLEAN' THEN v::VARCHAR = 'true'
    WHEN 'VARCHAR' THEN (v ->> '$') <> ''
    WHEN 'ARRAY' THEN json_array_length(v) > 0
    WHEN 'OBJECT' THEN v::VARCHAR <> '{}'
    ELSE coalesce(TRY_CAST(v::VARCHAR AS DOUBLE) <> 0, true)
END;

-- Python str() of a JSON scalar (what the mappers write for user_id and mode).
CREATE OR REPLACE TEMP MACRO py_str(v) AS CASE json_type(v)
    WHEN 'VARCHAR' THEN v ->> '$'
    WHEN 'BOOLEAN' THEN CASE WHEN v::VARCHAR = 'true' THEN 'True' ELSE 'False' END
    ELSE v::VARCHAR
END;

-- ---------------------------------------------------------------------------------------------------------------
-- One pass over the logs: the lines either extractor can use (edxc's pre-filter needles), decoded once.
CREATE OR REPLACE TEMP TABLE ev AS
WITH docs AS (
    SELECT CASE WHEN starts_with(line, '{') THEN line ELSE regexp_extract(line, '^.*?(\{.*\})\s*$', 1) END AS doc
    FROM read_csv(getvariable('logs'), columns = {'line': 'VARCHAR'}, delim = E'\x01', quote = '', escape = '',
                  header = false, auto_detect = false, strict_mode = false, max_line_size = 33554432)
    WHERE contains(line, 'user_id') OR contains(line, 'edx.course.enrollment.')
), fields AS (
    -- A line that is not JSON (after the fallback) gives NULL. context.user_id / context.course_id are NULL when
    -- the context is not an object, which is what "no context" does in both extractors.
    SELECT doc, try(json_extract(doc, ['$.time', '$.event_type', '$.event_source', '$.page', '$.context.user_id',
                                      '$.context.course_id'])) AS f
    FROM docs
    WHERE doc <> ''
), typed AS (
    SELECT doc,
           CASE WHEN json_type(f[1]) = 'VARCHAR' THEN f[1] ->> '$' END AS time,
           CASE WHEN json_type(f[2]) = 'VARCHAR' THEN f[2] ->> '$' END AS event_type,
           CASE WHEN json_type(f[3]) = 'VARCHAR' THEN f[3] ->> '$' END AS event_source,
           CASE WHEN json_type(f[4]) = 'VARCHAR' THEN f[4] ->> '$' END AS page,
           f[5] AS ctx_user_id,
           f[6] AS ctx_course_id
    FROM fields
    WHERE f IS NOT NULL
)
SELECT split_part(time, 'T', 1) AS day,
       time,
       event_type,
       event_source,
       page,
       ctx_user_id,
       ctx_course_id,
       CASE WHEN event_type IN ('edx.course.enrollment.activated', 'edx.course.enrollment.deactivated',
                                'edx.course.enrollment.mode_changed')
            THEN json_extract(doc, '$.event') END AS payload_raw
FROM typed
WHERE time <> '' AND TRY_CAST(split_part(time, 'T', 1) AS DATE) IS NOT NULL;

-- ---------------------------------------------------------------------------------------------------------------
-- user_activity (§3.2): user_activity_by_user, then course_activity. Course ids are resolved once per distinct
-- context course id and once per distinct URL (as edxc memoises validity), then joined back.
CREATE OR REPLACE TEMP TABLE user_activity_by_user AS
WITH a AS (
    SELECT day,
           py_str(ctx_user_id) AS user_id,
           event_type,
           event_source,
           CASE WHEN json_type(ctx_course_id) = 'VARCHAR' THEN ctx_course_id ->> '$' END AS ctx_str,
           -- a truthy context course id that is not a string: no course, no URL fallback
           ctx_course_id IS NOT NULL AND json_type(ctx_course_id) <> 'VARCHAR' AND json_truthy(ctx_course_id)
               AS ctx_other,
           CASE WHEN event_source = 'server' THEN event_type WHEN event_source = 'browser' THEN page END AS url
    FROM ev
    WHERE day >= CAST(getvariable('act_end') - INTERVAL (getvariable('act_days')) DAY AS DATE)::VARCHAR
      AND day < getvariable('act_end')::VARCHAR
      AND ctx_user_id IS NOT NULL AND json_truthy(ctx_user_id)
), ctx AS (
    -- decided: the context course id is a non-blank string; it is then the answer if valid, else there is none
    SELECT ctx_str, py_strip(ctx_str) <> '' AS decided,
           CASE WHEN is_valid_course_id(py_strip(ctx_str)) THEN py_strip(ctx_str) END AS course_id
    FROM (SELECT DISTINCT ctx_str FROM a WHERE ctx_str IS NOT NULL)
), b AS (
    SELECT a.*, coalesce(ctx.decided, false) AS decided, ctx.course_id AS ctx_course
    FROM a LEFT JOIN ctx USING (ctx_str)
), urls AS (
    SELECT url, url_course_id(url) AS course_id
    FROM (SELECT DISTINCT url FROM b WHERE NOT decided AND NOT ctx_other AND url IS NOT NULL)
), resolved AS (
    SELECT b.user_id, b.day, b.event_type, b.event_source,
           CASE WHEN b.decided THEN b.ctx_course WHEN b.ctx_other THEN NULL ELSE urls.course_id END AS course_id
    FROM b LEFT JOIN urls ON urls.url = b.url AND NOT b.decided AND NOT b.ctx_other
), labelled AS (
    SELECT user_id, course_id, day,
           unnest(CASE
               WHEN event_source = 'task' OR event_type IS NULL OR starts_with(event_type, 'edx.course.enrollment.')
                   THEN []::VARCHAR[]
               ELSE ['ACTIVE']
                    || CASE WHEN event_source = 'server' AND event_type = 'problem_check'
                            THEN ['ATTEMPTED_PROBLEM'] ELSE [] END
                    || CASE WHEN event_source = 'server' AND starts_with(event_type, 'edx.forum.')
                                 AND ends_with(event_type, '.created')
                            THEN ['POSTED_FORUM'] ELSE [] END
                    || CASE WHEN event_source IN ('browser', 'mobile') AND event_type = 'play_video'
                            THEN ['PLAYED_VIDEO'] ELSE [] END
           END) AS category
    FROM resolved
    WHERE course_id IS NOT NULL
)
SELECT TRY_CAST(user_id AS INTEGER) AS user_id, course_id, day AS date, category, count(*) AS count, day AS dt
FROM labelled
GROUP BY ALL;

CREATE OR REPLACE TABLE course_activity AS
SELECT act.course_id,
       strftime(date_trunc('week', act.date::DATE), '%Y-%m-%d') || ' 00:00:00' AS interval_start,
       strftime(date_trunc('week', act.date::DATE) + INTERVAL 7 DAY, '%Y-%m-%d') || ' 00:00:00' AS interval_end,
       act.category AS label,
       count(DISTINCT act.user_id) AS count
FROM user_activity_by_user act
WHERE act.dt >= getvariable('week_start')::VARCHAR AND act.dt < getvariable('week_end')::VARCHAR
  AND act.date >= getvariable('week_start')::VARCHAR AND act.date < getvariable('week_end')::VARCHAR
  AND act.date >= '2012-01-01' AND act.date < '2030-01-01'          -- calendar_interval
GROUP BY ALL;

-- ---------------------------------------------------------------------------------------------------------------
-- enrollments (§3.1). Step A: the enrollment events of the window.
CREATE OR REPLACE TEMP TABLE course_enrollment_events AS
WITH p AS (
    SELECT time, event_type,
           CASE json_type(payload_raw)
               WHEN 'OBJECT' THEN payload_raw
               WHEN 'VARCHAR' THEN CASE
                   WHEN (payload_raw ->> '$') = '' THEN '{}'::JSON
                   WHEN length(payload_raw ->> '$') = 512 AND contains(payload_raw ->> '$', 'POST') THEN NULL
                   WHEN json_valid(payload_raw ->> '$') AND json_type((payload_raw ->> '$')::JSON) = 'OBJECT'
                       THEN (payload_raw ->> '$')::JSON
               END
           END AS payload
    FROM ev
    WHERE payload_raw IS NOT NULL
      AND day >= CAST(getvariable('enr_end') - INTERVAL (getvariable('enr_days')) DAY AS DATE)::VARCHAR
      AND day < getvariable('enr_end')::VARCHAR
), f AS (
    SELECT time, event_type, json_extract(payload, ['$.course_id', '$.user_id', '$.mode']) AS v
    FROM p
    WHERE payload IS NOT NULL
)
SELECT py_strip(v[1] ->> '$') AS course_id,
       py_str(v[2]) AS user_id,
       CASE WHEN contains(split_part(time, '+', 1), '.') THEN split_part(time, '+', 1)
            ELSE split_part(time, '+', 1) || '.000000' END AS timestamp,
       event_type,
       py_str(v[3]) AS mode
FROM f
WHERE json_type(v[1]) = 'VARCHAR' AND is_valid_course_id(py_strip(v[1] ->> '$'))
  AND v[2] IS NOT NULL AND json_type(v[2]) <> 'NULL'
  AND v[3] IS NOT NULL AND json_type(v[3]) <> 'NULL';

-- Step B: the "days enrolled" state machine (enrollment_days), one row per learner, course and day.
CREATE OR REPLACE TEMP TABLE course_enrollment AS
WITH e AS (
    SELECT course_id, user_id, timestamp, event_type, mode, split_part(timestamp, 'T', 1) AS ds
    FROM course_enrollment_events
    WHERE TRY_CAST(split_part(timestamp, 'T', 1) AS DATE) IS NOT NULL
), s AS (
    SELECT *,
           coalesce(last_value(CASE event_type WHEN 'edx.course.enrollment.activated' THEN 1
                                               WHEN 'edx.course.enrollment.deactivated' THEN 0 END IGNORE NULLS)
                        OVER (PARTITION BY course_id, user_id ORDER BY timestamp, event_type, mode
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0) AS state,
           lead(ds) OVER (PARTITION BY course_id, user_id ORDER BY timestamp, event_type, mode) AS next_ds,
           row_number() OVER (PARTITION BY course_id, user_id ORDER BY timestamp, event_type, mode) AS seq
    FROM e
), day_end AS (
    SELECT *,
           coalesce(lag(state) OVER (PARTITION BY course_id, user_id ORDER BY seq), 0) AS previous_state
    FROM s
    WHERE next_ds IS NULL OR next_ds <> ds
)
SELECT d::DATE AS date, course_id, TRY_CAST(user_id AS INTEGER) AS user_id, state AS at_end,
       CASE WHEN d::DATE = ds::DATE THEN state - previous_state ELSE 0 END AS change, mode
FROM day_end,
     generate_series(ds::DATE, coalesce(next_ds::DATE, getvariable('enr_end')) - INTERVAL 1 DAY, INTERVAL 1 DAY) g(d);

-- The LMS exports (TSV with a header, \N for NULL).
CREATE OR REPLACE TEMP TABLE auth_userprofile AS
SELECT TRY_CAST(user_id AS INTEGER) AS user_id, gender, TRY_CAST(year_of_birth AS INTEGER) AS year_of_birth,
       level_of_education
FROM read_csv(getvariable('lms_dir') || '/auth_userprofile.tsv', delim = '\t', header = true, quote = '',
              escape = '', nullstr = '\N', all_varchar = true);

CREATE OR REPLACE TEMP TABLE grades_persistentcoursegrade AS
SELECT TRY_CAST(user_id AS INTEGER) AS user_id, course_id, letter_grade,
       TRY_CAST(passed_timestamp AS TIMESTAMP) AS passed_timestamp, TRY_CAST(modified AS TIMESTAMP) AS modified
FROM read_csv(getvariable('lms_dir') || '/grades_persistentcoursegrade.tsv', delim = '\t', header = true,
              quote = '', escape = '', nullstr = '\N', all_varchar = true);

-- Step C: the daily aggregates.
CREATE OR REPLACE TABLE course_enrollment_daily AS
SELECT course_id, date, sum(at_end) AS count, count(user_id) AS cumulative_count
FROM course_enrollment GROUP BY course_id, date;

CREATE OR REPLACE TABLE course_enrollment_mode_daily AS
SELECT date, course_id, mode, sum(at_end) AS count, count(user_id) AS cumulative_count
FROM course_enrollment GROUP BY date, course_id, mode;

CREATE OR REPLACE TABLE course_enrollment_gender_daily AS
SELECT ce.date, ce.course_id, CASE WHEN p.gender = '' THEN NULL ELSE p.gender END AS gender,
       sum(ce.at_end) AS count, count(ce.user_id) AS cumulative_count
FROM course_enrollment ce LEFT JOIN auth_userprofile p ON p.user_id = ce.user_id
GROUP BY ALL;

CREATE OR REPLACE TABLE course_enrollment_birth_year_daily AS
SELECT ce.date, ce.course_id, p.year_of_birth AS birth_year, sum(ce.at_end) AS count,
       count(ce.user_id) AS cumulative_count
FROM course_enrollment ce LEFT JOIN auth_userprofile p ON p.user_id = ce.user_id
WHERE ce.date = getvariable('enr_end') - INTERVAL 1 DAY
GROUP BY ALL;

CREATE OR REPLACE TABLE course_enrollment_education_level_daily AS
SELECT ce.date, ce.course_id,
       CASE p.level_of_education
           WHEN 'el' THEN 'primary' WHEN 'jhs' THEN 'junior_secondary' WHEN 'hs' THEN 'secondary'
           WHEN 'a' THEN 'associates' WHEN 'b' THEN 'bachelors' WHEN 'm' THEN 'masters'
           WHEN 'p' THEN 'doctorate' WHEN 'p_se' THEN 'doctorate' WHEN 'p_oth' THEN 'doctorate'
           WHEN 'none' THEN 'none' WHEN 'other' THEN 'other'
       END AS education_level,
       sum(ce.at_end) AS count, count(ce.user_id) AS cumulative_count
FROM course_enrollment ce LEFT JOIN auth_userprofile p ON p.user_id = ce.user_id
WHERE ce.date = getvariable('enr_end') - INTERVAL 1 DAY
GROUP BY ALL;

-- Step D: learners passing per course and mode; Step E: the per-course summary (catalog disabled: its columns NULL).
CREATE OR REPLACE TEMP TABLE course_grade_by_mode AS
WITH graded AS (
    SELECT ce.course_id, ce.user_id, max(ce.date) AS closest_date, max(g.passed_timestamp) AS passed_timestamp,
           max(g.letter_grade) AS letter_grade
    FROM course_enrollment ce
    JOIN grades_persistentcoursegrade g ON g.course_id = ce.course_id AND g.user_id = ce.user_id
    WHERE ce.date <= g.modified::DATE
    GROUP BY ce.course_id, ce.user_id
)
SELECT every_row.course_id, every_row.mode,
       sum(CASE WHEN graded.passed_timestamp IS NOT NULL AND graded.letter_grade <> '' THEN 1 ELSE 0 END)
           AS passing_users
FROM course_enrollment every_row
LEFT JOIN graded ON every_row.course_id = graded.course_id AND every_row.user_id = graded.user_id
                AND every_row.date = graded.closest_date
GROUP BY every_row.course_id, every_row.mode;

CREATE OR REPLACE TABLE course_meta_summary_enrollment AS
SELECT e_end.course_id,
       NULL::VARCHAR AS catalog_course_title, NULL::VARCHAR AS catalog_course, NULL::TIMESTAMP AS start_time,
       NULL::TIMESTAMP AS end_time, NULL::VARCHAR AS pacing_type, NULL::VARCHAR AS availability,
       e_end.mode AS enrollment_mode,
       e_end.count,
       e_end.count - coalesce(e_start.count, 0) AS count_change_7_days,
       e_end.cumulative_count,
       g.passing_users
FROM course_enrollment_mode_daily e_end
LEFT JOIN course_enrollment_mode_daily e_start
       ON e_start.course_id = e_end.course_id AND e_start.mode = e_end.mode
      AND e_start.date = getvariable('enr_end') - INTERVAL 8 DAY
LEFT JOIN course_grade_by_mode g ON g.course_id = e_end.course_id AND g.mode = e_end.mode
WHERE e_end.date = getvariable('enr_end') - INTERVAL 1 DAY;
