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
