//! Conformance scenarios of the original pipeline's acceptance suite (tests/conformance/, format in its
//! README.upstream.md), run end to end through the `edxc apply` CLI against SQLite and against the real MariaDB.

mod common;
use common::{check_expected, run_scenario, Backend};

fn scenario(name: &str, backend: Backend) {
    let world = run_scenario(name, backend);
    let failures = check_expected(name, &world);
    assert!(failures.is_empty(), "scenario {name} ({backend:?}):\n{}", failures.join("\n"));
}

#[test]
fn enrollments_with_catalog_sqlite() {
    scenario("enrollments_with_catalog", Backend::Sqlite);
}

#[test]
fn enrollments_with_catalog_mariadb() {
    scenario("enrollments_with_catalog", Backend::Mariadb);
}

#[test]
fn enrollments_without_catalog_sqlite() {
    scenario("enrollments_without_catalog", Backend::Sqlite);
}

#[test]
fn enrollments_without_catalog_mariadb() {
    scenario("enrollments_without_catalog", Backend::Mariadb);
}

#[test]
fn grades_by_mode_sqlite() {
    scenario("grades_by_mode", Backend::Sqlite);
}

#[test]
fn grades_by_mode_mariadb() {
    scenario("grades_by_mode", Backend::Mariadb);
}

#[test]
fn user_activity_sqlite() {
    scenario("user_activity", Backend::Sqlite);
}

#[test]
fn user_activity_mariadb() {
    scenario("user_activity", Backend::Mariadb);
}

/// The course ids of the answer distribution fixture: those with explicit server problem_check events.
const ANSWER_DIST_COURSES: [&str; 3] =
    ["course-v1:edX+DemoX+Test_2014", "edX/E929/2014_T2", "edX/Open_DemoX/edx_demo_course"];

/// answer_distribution_csv, and the properties the original test asserts (the scenario's `property` checks): every
/// report has a header and a data line, one with a First Response Count (4th field) above 0, one report per course.
fn answer_distribution_csv(backend: Backend) {
    let world = run_scenario("answer_distribution_csv", backend);
    let failures = check_expected("answer_distribution_csv", &world);
    assert!(failures.is_empty(), "answer_distribution_csv ({backend:?}):\n{}", failures.join("\n"));
    let out = std::path::PathBuf::from(world.local("${OUT}"));
    let reports = common::file_tree(&out);
    assert_eq!(reports.len(), 3, "{:?}", reports.keys());
    for (path, bytes) in &reports {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert!(!lines.is_empty(), "{}: no data line", path.display());
        assert!(
            lines.iter().any(|l| l.split(',').nth(3).and_then(|n| n.parse::<i64>().ok()).is_some_and(|n| n > 0)),
            "{}: no First Response Count above 0",
            path.display()
        );
    }
    let mut dirs: Vec<String> =
        reports.keys().map(|p| p.components().next().unwrap().as_os_str().to_string_lossy().into_owned()).collect();
    dirs.sort();
    let mut want: Vec<String> = ANSWER_DIST_COURSES
        .iter()
        .map(|c| {
            use sha1::Digest;
            sha1::Sha1::digest(c.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
        })
        .collect();
    want.sort();
    assert_eq!(dirs, want, "one directory per course, named after the SHA-1 of its id");
}

/// answer_distribution_mysql, and the original test's properties: for each of the three courses, some row has a
/// last_response_count above 0.
fn answer_distribution_mysql(backend: Backend) {
    let world = run_scenario("answer_distribution_mysql", backend);
    let failures = check_expected("answer_distribution_mysql", &world);
    assert!(failures.is_empty(), "answer_distribution_mysql ({backend:?}):\n{}", failures.join("\n"));
    let mut store = edxc::sinks::result_store::open(&world.result_store).unwrap();
    let rows = store
        .query("SELECT DISTINCT course_id FROM answer_distribution WHERE last_response_count > 0 ORDER BY course_id")
        .unwrap();
    let ids: Vec<&str> = rows.iter().filter_map(|r| r[0].as_deref()).collect();
    assert_eq!(ids, ANSWER_DIST_COURSES);
}

#[test]
fn answer_distribution_csv_sqlite() {
    answer_distribution_csv(Backend::Sqlite);
}

#[test]
fn answer_distribution_csv_mariadb() {
    answer_distribution_csv(Backend::Mariadb);
}

#[test]
fn answer_distribution_mysql_sqlite() {
    answer_distribution_mysql(Backend::Sqlite);
}

#[test]
fn answer_distribution_mysql_mariadb() {
    answer_distribution_mysql(Backend::Mariadb);
}

#[test]
fn video_sqlite() {
    scenario("video", Backend::Sqlite);
}

#[test]
fn video_mariadb() {
    scenario("video", Backend::Mariadb);
}

#[test]
fn location_per_course_sqlite() {
    scenario("location_per_course", Backend::Sqlite);
}

#[test]
fn location_per_course_mariadb() {
    scenario("location_per_course", Backend::Mariadb);
}

#[test]
fn tags_distribution_sqlite() {
    scenario("tags_distribution", Backend::Sqlite);
}

#[test]
fn tags_distribution_mariadb() {
    scenario("tags_distribution", Backend::Mariadb);
}

#[test]
fn grade_distribution_sqlite() {
    scenario("grade_distribution", Backend::Sqlite);
}

#[test]
fn grade_distribution_mariadb() {
    scenario("grade_distribution", Backend::Mariadb);
}

#[test]
fn sequential_open_distribution_sqlite() {
    scenario("sequential_open_distribution", Backend::Sqlite);
}

#[test]
fn sequential_open_distribution_mariadb() {
    scenario("sequential_open_distribution", Backend::Mariadb);
}

#[test]
fn enrollment_validation_sqlite() {
    scenario("enrollment_validation", Backend::Sqlite);
}

#[test]
fn enrollment_validation_mariadb() {
    scenario("enrollment_validation", Backend::Mariadb);
}

#[test]
fn student_engagement_csv_daily_sqlite() {
    scenario("student_engagement_csv_daily", Backend::Sqlite);
}

#[test]
fn student_engagement_csv_daily_mariadb() {
    scenario("student_engagement_csv_daily", Backend::Mariadb);
}

#[test]
fn student_engagement_csv_weekly_sqlite() {
    scenario("student_engagement_csv_weekly", Backend::Sqlite);
}

#[test]
fn student_engagement_csv_weekly_mariadb() {
    scenario("student_engagement_csv_weekly", Backend::Mariadb);
}

#[test]
fn student_engagement_csv_all_sqlite() {
    scenario("student_engagement_csv_all", Backend::Sqlite);
}

#[test]
fn student_engagement_csv_all_mariadb() {
    scenario("student_engagement_csv_all", Backend::Mariadb);
}

#[test]
fn student_engagement_mysql_daily_sqlite() {
    scenario("student_engagement_mysql_daily", Backend::Sqlite);
}

#[test]
fn student_engagement_mysql_daily_mariadb() {
    scenario("student_engagement_mysql_daily", Backend::Mariadb);
}

#[test]
fn student_engagement_mysql_weekly_sqlite() {
    scenario("student_engagement_mysql_weekly", Backend::Sqlite);
}

#[test]
fn student_engagement_mysql_weekly_mariadb() {
    scenario("student_engagement_mysql_weekly", Backend::Mariadb);
}

#[test]
fn problem_response_hive_input_sqlite() {
    scenario("problem_response_hive_input", Backend::Sqlite);
}

#[test]
fn problem_response_hive_input_mariadb() {
    scenario("problem_response_hive_input", Backend::Mariadb);
}
