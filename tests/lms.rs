//! LMS readers: TSV directories and a real MariaDB loaded from the conformance fixtures.

mod common;

use common::{row, run_mysql_script, tsv_escape, write_tsv, TestDb};
use edxc::lms::read_table;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lms")
}

fn fixture_sql(name: &str) -> String {
    // The LMS scripts of the conformance suite are used as they are; only extra fixtures live beside the TSVs.
    let shared = fixtures().join("../../conformance/fixtures").join(name);
    std::fs::read_to_string(if shared.is_file() { shared } else { fixtures().join(name) }).expect("fixture")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const PROFILE_COLUMNS: [&str; 14] = [
    "id",
    "user_id",
    "name",
    "language",
    "location",
    "meta",
    "courseware",
    "gender",
    "mailing_address",
    "year_of_birth",
    "level_of_education",
    "goals",
    "country",
    "city",
];

const GRADE_COLUMNS: [&str; 11] = [
    "id",
    "user_id",
    "course_id",
    "course_edited_timestamp",
    "course_version",
    "grading_policy_hash",
    "percent_grade",
    "letter_grade",
    "passed_timestamp",
    "created",
    "modified",
];

fn long_goal() -> String {
    "x".repeat(32788)
}

fn expected_profiles() -> Vec<Vec<Option<String>>> {
    vec![
        row(&[
            Some("1"),
            Some("1"),
            Some("honor"),
            Some("es-ES"),
            Some("Europe"),
            Some(""),
            Some("course.xml"),
            Some("m"),
            Some("Luna\n10 - 3\n28300\nARANJUEZ"),
            Some("1984"),
            Some("a"),
            Some("Me\tencanta\taprender."),
            Some("ES"),
            Some("Madrid"),
        ]),
        row(&[
            Some("2"),
            Some("2"),
            Some("audit"),
            Some(""),
            Some(""),
            Some(""),
            Some("course.xml"),
            Some("m"),
            None,
            Some("1975"),
            Some("b"),
            None,
            Some(""),
            None,
        ]),
        row(&[
            Some("3"),
            Some("3"),
            Some("verified"),
            Some(""),
            Some(""),
            Some(""),
            Some("course.xml"),
            Some(""),
            None,
            Some("2000"),
            Some("b"),
            None,
            Some(""),
            None,
        ]),
        row(&[
            Some("4"),
            Some("4"),
            Some("staff"),
            Some(""),
            Some(""),
            Some(""),
            Some("course.xml"),
            None,
            None,
            Some("2000"),
            Some(""),
            Some(&long_goal()),
            Some(""),
            None,
        ]),
    ]
}

fn expected_grades() -> Vec<Vec<Option<String>>> {
    let g = |id: &str, user: &str, pct: &str, letter: &str, passed: Option<&str>| {
        row(&[
            Some(id),
            Some(user),
            Some("edX/Open_DemoX/edx_demo_course"),
            None,
            Some("version-1"),
            Some("grading-policy-1"),
            Some(pct),
            Some(letter),
            passed,
            Some("2017-02-01 00:00:00.000000"),
            Some("2017-02-01 00:00:00.000000"),
        ])
    };
    vec![
        g("1", "1", "0.7", "C", Some("2017-01-31 00:05:00.000000")),
        g("2", "2", "0.8", "B", Some("2017-01-31 00:05:00.000000")),
        g("3", "3", "0.2", "Fail", None),
        g("4", "4", "0", "", Some("2017-01-31 00:05:00.000000")),
    ]
}

/// Loads both fixtures into a fresh MariaDB database.
fn loaded_db() -> TestDb {
    let db = TestDb::new("lms");
    run_mysql_script(&db.url, &fixture_sql("load_auth_userprofile.sql")).expect("auth_userprofile script");
    run_mysql_script(&db.url, &fixture_sql("load_grades_persistentcoursegrade.sql")).expect("grades script");
    db
}

#[test]
fn reads_fixtures_from_mariadb() {
    let db = loaded_db();
    let mut profiles = read_table(&db.url, "auth_userprofile", &strings(&PROFILE_COLUMNS)).expect("read");
    profiles.sort_by_key(|r| r[0].as_deref().and_then(|v| v.parse::<u32>().ok()));
    assert_eq!(profiles, expected_profiles());
    assert_eq!(profiles[3][11].as_ref().map(|s| s.len()), Some(32788));

    let mut grades = read_table(&db.url, "grades_persistentcoursegrade", &strings(&GRADE_COLUMNS)).expect("read");
    grades.sort_by_key(|r| r[0].as_deref().and_then(|v| v.parse::<u32>().ok()));
    assert_eq!(grades, expected_grades());

    // A subset, in the requested order.
    let sub = read_table(&db.url, "auth_userprofile", &strings(&["gender", "user_id"])).expect("subset");
    assert!(sub.contains(&row(&[Some("m"), Some("1")])), "{sub:?}");

    let e = read_table(&db.url, "auth_userprofile", &strings(&["user_id", "no_such_column"])).expect_err("missing");
    assert!(format!("{e:#}").contains("no_such_column"), "{e:#}");
    assert!(read_table(&db.url, "auth_userprofile; DROP TABLE x", &strings(&["id"])).is_err());
}

#[test]
fn checked_in_tsv_fixtures_match_mariadb() {
    // The TSV fixtures are produced by this code from the SQL fixtures; EDXC_REGEN_LMS_FIXTURES=1 rewrites them.
    let db = loaded_db();
    for (table, cols) in
        [("auth_userprofile", strings(&PROFILE_COLUMNS)), ("grades_persistentcoursegrade", strings(&GRADE_COLUMNS))]
    {
        let mut rows = read_table(&db.url, table, &cols).expect("read");
        rows.sort_by_key(|r| r[0].as_deref().and_then(|v| v.parse::<u32>().ok()));
        let path = fixtures().join(format!("{table}.tsv"));
        if std::env::var_os("EDXC_REGEN_LMS_FIXTURES").is_some() {
            write_tsv(&path, &cols, &rows).expect("write fixture");
        }
        let dir = fixtures().display().to_string();
        let from_tsv = read_table(&dir, table, &cols).expect("read tsv fixture");
        assert_eq!(from_tsv, rows, "{table}.tsv is stale: rerun with EDXC_REGEN_LMS_FIXTURES=1");
        // Byte-exact: writing the same rows reproduces the checked-in file.
        let tmp = tempfile::tempdir().expect("tempdir");
        let again = tmp.path().join(format!("{table}.tsv"));
        write_tsv(&again, &cols, &rows).expect("write");
        assert_eq!(std::fs::read(&again).expect("read"), std::fs::read(&path).expect("read"));
    }
    let expected = expected_profiles();
    let from_tsv =
        read_table(&fixtures().display().to_string(), "auth_userprofile", &strings(&PROFILE_COLUMNS)).expect("read");
    assert_eq!(from_tsv, expected);
    let text = std::fs::read_to_string(fixtures().join("auth_userprofile.tsv")).expect("read");
    assert!(text.contains("Luna\\n10 - 3\\n28300\\nARANJUEZ\t1984\ta\tMe\\tencanta\\taprender."), "escapes");
    assert!(text.starts_with("id\tuser_id\tname\t"));
    let grades = std::fs::read_to_string(fixtures().join("grades_persistentcoursegrade.tsv")).expect("read");
    assert!(grades.contains("\t\\N\tversion-1\t") && grades.contains("2017-02-01 00:00:00.000000\n"), "{grades}");
}

#[test]
fn tsv_round_trip_with_escapes_and_null() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cols = strings(&["id", "name", "note"]);
    let rows = vec![
        row(&[Some("1"), Some("tab\there"), Some("line\nbreak\r\n")]),
        row(&[Some("2"), None, Some("back\\slash \\N \\t literal")]),
        row(&[Some("3"), Some("\\N"), Some("")]),
        row(&[Some("4"), Some("ünïcødé ✓"), None]),
    ];
    let path = dir.path().join("sub/course_x.tsv");
    write_tsv(&path, &cols, &rows).expect("write");
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        text,
        "id\tname\tnote\n1\ttab\\there\tline\\nbreak\\r\\n\n2\t\\N\tback\\\\slash \\\\N \\\\t literal\n\
         3\t\\\\N\t\n4\tünïcødé ✓\t\\N\n"
    );
    let src = dir.path().join("sub").display().to_string();
    assert_eq!(read_table(&src, "course_x", &cols).expect("read"), rows);
    // Columns by header name, any order.
    assert_eq!(
        read_table(&src, "course_x", &strings(&["note", "id"])).expect("read")[0],
        row(&[Some("line\nbreak\r\n"), Some("1")])
    );
    let e = read_table(&src, "course_x", &strings(&["id", "missing"])).expect_err("missing column");
    assert!(e.to_string().contains("missing") && e.to_string().contains("id, name, note"), "{e}");
    assert!(read_table(&src, "nope", &cols).is_err());
    // Header only → zero rows; ragged rows → error with the line number.
    write_tsv(&dir.path().join("empty.tsv"), &cols, &[]).expect("write");
    assert!(read_table(&dir.path().display().to_string(), "empty", &cols).expect("read").is_empty());
    std::fs::write(dir.path().join("ragged.tsv"), "id\tname\n1\ta\n2\n").expect("write");
    let e = read_table(&dir.path().display().to_string(), "ragged", &strings(&["id"])).expect_err("ragged");
    assert!(e.to_string().contains(":3:"), "{e}");
    assert!(write_tsv(&dir.path().join("bad.tsv"), &cols, &[row(&[Some("1")])]).is_err());
    assert!(!dir.path().join("bad.tsv").exists());
}

#[test]
fn mysql_script_features() {
    let db = TestDb::new("script");
    let script = r#"
-- a comment; with a semicolon
DROP TABLE IF EXISTS `t`;
CREATE TABLE `t` (`id` int NOT NULL, `s` varchar(100), `d` date, `ts` datetime(6), PRIMARY KEY (`id`));
/* block; comment */
INSERT INTO `t` VALUES (1, 'it''s; "quoted"', '2014-01-02', '2014-01-02T03:04:05.5'),
  (2, 'tab\there\nnew \"dq\" back\\slash', NULL, NULL), # trailing comment;
  (3, "double 'quoted'", '2014-01-03', '2014-01-03 00:00:00');
"#;
    run_mysql_script(&db.url, script).expect("script");
    run_mysql_script(&db.url, script).expect("re-run (DROP first)");
    let mut rows = read_table(&db.url, "t", &strings(&["id", "s", "d", "ts"])).expect("read");
    rows.sort();
    assert_eq!(
        rows,
        vec![
            row(&[Some("1"), Some("it's; \"quoted\""), Some("2014-01-02"), Some("2014-01-02 03:04:05.500000")]),
            row(&[Some("2"), Some("tab\there\nnew \"dq\" back\\slash"), None, None]),
            row(&[Some("3"), Some("double 'quoted'"), Some("2014-01-03"), Some("2014-01-03 00:00:00.000000")]),
        ]
    );
    // Foreign keys to tables another fixture loads (auth_user, course_groups_courseusergroup) do not block it.
    run_mysql_script(&db.url, &fixture_sql("load_course_groups_courseusergroup_users.sql")).expect("fk fixture");
    let mut members =
        read_table(&db.url, "course_groups_courseusergroup_users", &strings(&["courseusergroup_id", "user_id"]))
            .expect("read");
    members.sort();
    assert_eq!(
        members,
        vec![
            row(&[Some("1"), Some("1")]),
            row(&[Some("2"), Some("1")]),
            row(&[Some("2"), Some("4")]),
            row(&[Some("3"), Some("1")]),
        ]
    );
    let e = run_mysql_script(&db.url, "SELECT 1; SELEC broken;").expect_err("syntax");
    assert!(format!("{e:#}").contains("statement 2"), "{e:#}");
}

#[test]
fn tsv_escapes_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cols = strings(&["v"]);
    let rows: Vec<_> =
        ["", "a\tb", "x\ny\r\n", "back\\slash", "\\N", "tab\\t", "ü\u{1}"].iter().map(|v| row(&[Some(v)])).collect();
    write_tsv(&dir.path().join("t.tsv"), &cols, &rows).expect("write");
    assert_eq!(read_table(&dir.path().display().to_string(), "t", &cols).expect("read"), rows);
    assert_eq!(tsv_escape(None), "\\N");
    assert_eq!(tsv_escape(Some("\\N")), "\\\\N");
}

/// `courseware_studentmodule.tsv` (the grade and sequential-open distribution scenarios on SQLite) is the
/// conformance fixture `courseware_studentmodule_for_histograms.sql` loaded into MariaDB and read back with every
/// column: EDXC_REGEN_LMS_FIXTURES=1 rewrites it.
#[test]
fn studentmodule_tsv_fixture_is_the_histogram_sql_fixture() {
    let cols = strings(&[
        "id",
        "module_type",
        "module_id",
        "student_id",
        "state",
        "grade",
        "created",
        "modified",
        "max_grade",
        "done",
        "course_id",
    ]);
    let db = TestDb::new("lms");
    run_mysql_script(&db.url, &fixture_sql("courseware_studentmodule_for_histograms.sql")).expect("script");
    let mut rows = read_table(&db.url, "courseware_studentmodule", &cols).expect("read");
    rows.sort_by_key(|r| r[0].as_deref().and_then(|v| v.parse::<u32>().ok()));
    assert_eq!(rows.len(), 12);
    let path = fixtures().join("courseware_studentmodule.tsv");
    if std::env::var_os("EDXC_REGEN_LMS_FIXTURES").is_some() {
        write_tsv(&path, &cols, &rows).expect("write fixture");
    }
    let from_tsv = read_table(&fixtures().display().to_string(), "courseware_studentmodule", &cols).expect("read tsv");
    assert_eq!(from_tsv, rows, "courseware_studentmodule.tsv is stale: rerun with EDXC_REGEN_LMS_FIXTURES=1");
    // The row the grade histogram keeps with a NULL max_grade, and a sequential row (no grade).
    assert!(rows.iter().any(|r| r[0].as_deref() == Some("97289") && r[5].as_deref() == Some("1") && r[8].is_none()));
    assert!(rows.iter().any(|r| r[1].as_deref() == Some("sequential") && r[5].is_none()));
}
