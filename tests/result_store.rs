//! Result store against real backends: a SQLite file and a throw-away MariaDB database.

mod common;

use common::{row, TestDb};
use edxc::model::{Column, ColumnType};
use edxc::sinks::result_store::{open, redact_url, LoadOptions, ResultStore, TableSpec};
use mysql::prelude::Queryable;

fn col(name: &str, ty: ColumnType, nullable: bool) -> Column {
    Column { name: name.to_string(), ty, nullable }
}

fn daily_spec() -> TableSpec {
    TableSpec::new(
        "course_enrollment_daily",
        vec![
            col("course_id", ColumnType::String(Some(255)), false),
            col("date", ColumnType::Date, false),
            col("count", ColumnType::Int, true),
            col("cumulative_count", ColumnType::Int, true),
        ],
    )
    .with_index(&["course_id"])
    .with_index(&["course_id", "date"])
}

fn opts(overwrite: bool, update_id: &str) -> LoadOptions {
    LoadOptions { overwrite, allow_empty: false, update_id: update_id.to_string() }
}

/// Keeps the backing database / directory alive for the store's lifetime.
enum Guard {
    Db(#[allow(dead_code)] TestDb),
    Dir(#[allow(dead_code)] tempfile::TempDir),
}

fn backends(tag: &str) -> Vec<(Box<dyn ResultStore>, Guard)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = open(&format!("sqlite:{}", dir.path().join("nested/dir/results.sqlite").display())).expect("sqlite");
    let db = TestDb::new(tag);
    let my = open(&db.url).expect("MariaDB must be running on 127.0.0.1:3306");
    vec![(sqlite, Guard::Dir(dir)), (my, Guard::Db(db))]
}

fn daily_rows(n: usize, offset: i64) -> Vec<Vec<Option<String>>> {
    (0..n)
        .map(|i| {
            vec![
                Some(format!("course-v1:edX+C{}+T", i % 7)),
                Some(format!("2014-08-{:02}", 1 + i % 28)),
                Some((i as i64 + offset).to_string()),
                if i % 5 == 0 { Some("None".into()) } else { Some((i as i64 * 2).to_string()) },
            ]
        })
        .collect()
}

fn all(store: &mut dyn ResultStore, table: &str) -> Vec<Vec<Option<String>>> {
    store.query(&format!("SELECT course_id, date, count, cumulative_count FROM {table} ORDER BY id")).expect("query")
}

fn markers(store: &mut dyn ResultStore) -> Vec<Vec<Option<String>>> {
    store.query("SELECT update_id, target_table FROM table_updates ORDER BY update_id").expect("markers")
}

#[test]
fn mariadb_ddl_shape() {
    let db = TestDb::new("ddl");
    let mut store = open(&db.url).expect("open");
    store.load(&daily_spec(), &daily_rows(3, 0), &opts(true, "u1")).expect("load");
    let ddl = store.query("SHOW CREATE TABLE course_enrollment_daily").expect("show");
    let text = ddl[0][1].clone().unwrap_or_default();
    for line in [
        "`id` bigint(20) NOT NULL AUTO_INCREMENT,",
        "`course_id` varchar(255) NOT NULL,",
        "`date` date NOT NULL,",
        "`count` int(11) DEFAULT NULL,",
        "`cumulative_count` int(11) DEFAULT NULL,",
        "`created` timestamp NULL DEFAULT current_timestamp(),",
        "PRIMARY KEY (`id`),",
        "KEY `course_id` (`course_id`),",
        "KEY `course_id_2` (`course_id`,`date`)",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
    // Column order: id, declared columns, created.
    let cols = store
        .query(&format!(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = '{}' AND \
             table_name = 'course_enrollment_daily' ORDER BY ordinal_position",
            db.name
        ))
        .expect("columns");
    let cols: Vec<String> = cols.into_iter().filter_map(|mut r| r.remove(0)).collect();
    assert_eq!(cols, ["id", "course_id", "date", "count", "cumulative_count", "created"]);

    let marker = store.query("SHOW CREATE TABLE table_updates").expect("show");
    let text = marker[0][1].clone().unwrap_or_default();
    for line in [
        "`id` bigint(20) NOT NULL AUTO_INCREMENT,",
        "`update_id` varchar(128) NOT NULL,",
        "`target_table` varchar(128) DEFAULT NULL,",
        "`inserted` timestamp NULL DEFAULT current_timestamp(),",
        "PRIMARY KEY (`update_id`),",
        "KEY `id` (`id`),",
        "KEY `target_table` (`target_table`)",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
}

#[test]
fn mariadb_never_alters_existing_table_and_other_types() {
    let db = TestDb::new("types");
    let mut store = open(&db.url).expect("open");
    let spec = TableSpec {
        name: "student_engagement_daily".into(),
        columns: vec![
            col("end_date", ColumnType::Date, true),
            col("course_id", ColumnType::String(Some(255)), false),
            col("username", ColumnType::String(Some(255)), false),
            col("ok", ColumnType::Boolean, true),
            col("big", ColumnType::BigInt, true),
            col("t", ColumnType::TinyInt, true),
            col("f", ColumnType::Float, true),
            col("d", ColumnType::Double, true),
            col("ts", ColumnType::Timestamp, true),
            col("s", ColumnType::String(None), true),
        ],
        indexes: vec![],
        auto_id: false,
        primary_key: vec!["course_id".into(), "username".into(), "end_date".into()],
    };
    store.load(&spec, &[], &LoadOptions { overwrite: true, allow_empty: true, update_id: "u".into() }).expect("load");
    let ddl = store.query("SHOW CREATE TABLE student_engagement_daily").expect("show");
    let text = ddl[0][1].clone().unwrap_or_default();
    for line in [
        "`end_date` date NOT NULL,",
        "`ok` tinyint(1) DEFAULT NULL,",
        "`big` bigint(20) DEFAULT NULL,",
        "`t` tinyint(4) DEFAULT NULL,",
        "`f` float DEFAULT NULL,",
        "`d` double DEFAULT NULL,",
        "`ts` datetime DEFAULT NULL,",
        "`s` varchar(255) DEFAULT NULL,",
        "`created` timestamp NULL DEFAULT current_timestamp(),",
        "PRIMARY KEY (`course_id`,`username`,`end_date`)",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
    assert!(!text.contains("`id`"), "{text}");
    // A later spec with an extra column does not alter the table: the insert fails instead.
    let mut wider = spec.clone();
    wider.columns.push(col("extra", ColumnType::Int, true));
    let r = vec![Some("2015-09-01".into()); 1]
        .into_iter()
        .chain(
            ["c", "u", "1", "2", "3", "0.5", "0.25", "2015-09-01 10:00:00", "x", "7"]
                .iter()
                .map(|v| Some(v.to_string())),
        )
        .collect::<Vec<_>>();
    assert!(store.load(&wider, &[r], &opts(true, "u2")).is_err());
    let ddl2 = store.query("SHOW CREATE TABLE student_engagement_daily").expect("show");
    assert_eq!(ddl, ddl2);
}

#[test]
fn overwrite_replaces_rows_and_marker_atomically() {
    for (mut store, _g) in backends("ovw") {
        let store = store.as_mut();
        let spec = daily_spec();
        let r = store.load(&spec, &daily_rows(250, 0), &opts(true, "first")).expect("load 1");
        assert_eq!((r.rows, r.skipped_as_done), (250, false));
        assert_eq!(store.row_count("course_enrollment_daily").expect("count"), 250);
        let r = store.load(&spec, &daily_rows(3, 1000), &opts(true, "second")).expect("load 2");
        assert_eq!(r.rows, 3);
        assert_eq!(
            all(store, "course_enrollment_daily"),
            vec![
                row(&[Some("course-v1:edX+C0+T"), Some("2014-08-01"), Some("1000"), None]),
                row(&[Some("course-v1:edX+C1+T"), Some("2014-08-02"), Some("1001"), Some("2")]),
                row(&[Some("course-v1:edX+C2+T"), Some("2014-08-03"), Some("1002"), Some("4")]),
            ],
            "{}",
            store.describe()
        );
        assert_eq!(markers(store), vec![row(&[Some("second"), Some("course_enrollment_daily")])]);
        // Overwrite with the same update_id again: still one marker, rows replaced.
        store.load(&spec, &daily_rows(2, 0), &opts(true, "second")).expect("load 3");
        assert_eq!(store.row_count("course_enrollment_daily").expect("count"), 2);
        assert_eq!(markers(store).len(), 1);
        // `id` and `created` are filled in.
        let meta = store.query("SELECT id, created FROM course_enrollment_daily").expect("q");
        assert!(meta.iter().all(|r| r[0].is_some() && r[1].as_deref().is_some_and(|c| c.len() == 19)), "{meta:?}");
    }
}

#[test]
fn failing_load_leaves_previous_contents() {
    for (mut store, _g) in backends("fail") {
        let store = store.as_mut();
        let spec = daily_spec();
        store.load(&spec, &daily_rows(5, 0), &opts(true, "good")).expect("load");
        let before = all(store, "course_enrollment_daily");
        let before_markers = markers(store);

        let mut bad_arity = daily_rows(150, 0);
        bad_arity[120].pop();
        let e = store.load(&spec, &bad_arity, &opts(true, "bad1")).expect_err("arity");
        assert!(e.to_string().contains("row 121"), "{e}");

        let mut bad_int = daily_rows(150, 0);
        bad_int[130][2] = Some("12abc".into());
        let e = format!("{:#}", store.load(&spec, &bad_int, &opts(true, "bad2")).expect_err("int"));
        assert!(e.contains("course_enrollment_daily") && e.contains("row 131") && e.contains("`count`"), "{e}");

        let mut bad_null = daily_rows(10, 0);
        bad_null[3][0] = Some("\\N".into());
        let e = store.load(&spec, &bad_null, &opts(true, "bad3")).expect_err("null");
        assert!(e.to_string().contains("NOT NULL"), "{e}");

        let mut bad_date = daily_rows(10, 0);
        bad_date[9][1] = Some("2014-13-01".into());
        assert!(store.load(&spec, &bad_date, &opts(false, "bad4")).is_err());

        assert_eq!(all(store, "course_enrollment_daily"), before, "{}", store.describe());
        assert_eq!(markers(store), before_markers);
    }
}

#[test]
fn database_error_mid_load_rolls_back() {
    // The table exists with a UNIQUE key the spec does not know about; the duplicate sits in the third chunk,
    // after the DELETE and two INSERT chunks have run: everything must roll back.
    let db = TestDb::new("midfail");
    let mut conn = db.conn();
    conn.query_drop(
        "CREATE TABLE course_enrollment_daily (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
         course_id VARCHAR(255) NOT NULL, date DATE NOT NULL, count INT, cumulative_count INT, \
         created TIMESTAMP DEFAULT NOW(), UNIQUE KEY uq (course_id, date, count))",
    )
    .expect("create");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("r.db");
    {
        let c = rusqlite::Connection::open(&path).expect("sqlite");
        c.execute_batch(
            "CREATE TABLE course_enrollment_daily (id INTEGER PRIMARY KEY AUTOINCREMENT, course_id TEXT NOT NULL, \
             date TEXT NOT NULL, count INTEGER, cumulative_count INTEGER, created TIMESTAMP DEFAULT \
             CURRENT_TIMESTAMP, UNIQUE (course_id, date, count))",
        )
        .expect("create");
    }
    for url in [db.url.clone(), path.display().to_string()] {
        let mut store = open(&url).expect("open");
        let spec = daily_spec();
        store.load(&spec, &daily_rows(4, 0), &opts(true, "good")).expect("load");
        let before = all(store.as_mut(), "course_enrollment_daily");
        let mut rows = daily_rows(260, 0);
        rows[255] = rows[10].clone();
        let e = store.load(&spec, &rows, &opts(true, "dup")).expect_err("duplicate");
        assert!(format!("{e:#}").to_lowercase().contains("unique") || format!("{e:#}").contains("Duplicate"), "{e:#}");
        assert_eq!(all(store.as_mut(), "course_enrollment_daily"), before, "{url}");
        assert_eq!(markers(store.as_mut()), vec![row(&[Some("good"), Some("course_enrollment_daily")])]);
    }
}

#[test]
fn empty_overwrite_refused_unless_allowed() {
    for (mut store, _g) in backends("empty") {
        let store = store.as_mut();
        let spec = daily_spec();
        store.load(&spec, &daily_rows(3, 0), &opts(true, "a")).expect("load");
        let e = store.load(&spec, &[], &opts(true, "b")).expect_err("empty");
        assert!(e.to_string().contains("empty"), "{e}");
        assert_eq!(store.row_count("course_enrollment_daily").expect("count"), 3);
        assert_eq!(markers(store).len(), 1);
        let r = store
            .load(&spec, &[], &LoadOptions { overwrite: true, allow_empty: true, update_id: "b".into() })
            .expect("allowed");
        assert_eq!(r.rows, 0);
        assert_eq!(store.row_count("course_enrollment_daily").expect("count"), 0);
        assert_eq!(markers(store), vec![row(&[Some("b"), Some("course_enrollment_daily")])]);
        // Refused even when the table does not exist yet, and then nothing is created.
        let mut other = daily_spec();
        other.name = "course_enrollment_mode_daily".into();
        assert!(store.load(&other, &[], &opts(true, "c")).is_err());
        assert!(!store.table_exists("course_enrollment_mode_daily").expect("exists"));
    }
}

#[test]
fn append_once_per_update_id() {
    for (mut store, _g) in backends("append") {
        let store = store.as_mut();
        let spec = daily_spec();
        let r = store.load(&spec, &daily_rows(4, 0), &opts(false, "u1")).expect("load");
        assert!(!r.skipped_as_done);
        let r = store.load(&spec, &daily_rows(4, 0), &opts(false, "u1")).expect("again");
        assert_eq!((r.rows, r.skipped_as_done), (0, true));
        assert_eq!(store.row_count("course_enrollment_daily").expect("count"), 4);
        store.load(&spec, &daily_rows(4, 0), &opts(false, "u2")).expect("append");
        assert_eq!(store.row_count("course_enrollment_daily").expect("count"), 8);
        assert_eq!(markers(store).len(), 2);
        // A non-overwrite load with zero rows is allowed and records its marker.
        store.load(&spec, &[], &opts(false, "u3")).expect("empty append");
        assert_eq!(markers(store).len(), 3);
        // Overwrite removes every marker of the table.
        store.load(&spec, &daily_rows(1, 0), &opts(true, "u4")).expect("overwrite");
        assert_eq!(markers(store), vec![row(&[Some("u4"), Some("course_enrollment_daily")])]);
    }
}

#[test]
fn identifier_injection_refused() {
    for (mut store, _g) in backends("inject") {
        let store = store.as_mut();
        let mut spec = daily_spec();
        spec.name = "x; DROP TABLE table_updates".into();
        assert!(store.load(&spec, &daily_rows(1, 0), &opts(true, "a")).is_err());
        let mut spec = daily_spec();
        spec.columns[0].name = "course_id` VARCHAR(1), evil INT, `x".into();
        assert!(store.load(&spec, &daily_rows(1, 0), &opts(true, "a")).is_err());
        let mut spec = daily_spec();
        spec.indexes.push(vec!["date`) , INDEX (`count".into()]);
        assert!(store.load(&spec, &daily_rows(1, 0), &opts(true, "a")).is_err());
        let mut spec = daily_spec();
        spec.name = "table_updates".into();
        assert!(store.load(&spec, &daily_rows(1, 0), &opts(true, "a")).is_err());
        assert!(store.table_exists("t; DROP TABLE x").is_err());
        assert!(store.row_count("t`").is_err());
        assert!(!store.table_exists("table_updates").expect("exists"));
        // Values are bound, never spliced.
        let spec = daily_spec();
        let evil = "x'); DROP TABLE course_enrollment_daily; --";
        store
            .load(&spec, &[row(&[Some(evil), Some("2014-08-01"), Some("1"), Some("1")])], &opts(true, "v"))
            .expect("load");
        assert_eq!(all(store, "course_enrollment_daily")[0][0].as_deref(), Some(evil));
    }
}

#[test]
fn values_render_identically_on_both_backends() {
    let spec = TableSpec::new(
        "module_engagement_metric_ranges",
        vec![
            col("course_id", ColumnType::String(Some(255)), false),
            col("low_value", ColumnType::Float, true),
            col("high_value", ColumnType::Float, true),
            col("dbl", ColumnType::Double, true),
            col("flag", ColumnType::Boolean, true),
            col("big", ColumnType::BigInt, true),
            col("start_time", ColumnType::Timestamp, true),
            col("day", ColumnType::Date, true),
            col("txt", ColumnType::String(None), true),
        ],
    )
    .with_index(&["course_id"]);
    let rows = vec![
        row(&[
            Some("Demo_Course_2"),
            Some("0.45"),
            Some("inf"),
            Some("0.1"),
            Some("1"),
            Some("9007199254740993"),
            Some("2014-08-01T17:09:59.2"),
            Some("2014-08-01"),
            Some("ünïcode\ttab"),
        ]),
        row(&[
            Some("c"),
            Some("-inf"),
            Some("2.55"),
            Some("1e20"),
            Some("false"),
            Some("-1"),
            Some("2014-08-01 00:00:00"),
            Some("None"),
            Some(""),
        ]),
        row(&[Some("d"), Some("0.123456789"), Some("3"), Some("-0.5"), None, None, None, None, Some("None")]),
    ];
    let expected = vec![
        row(&[
            Some("Demo_Course_2"),
            Some("0.45"),
            None,
            Some("0.1"),
            Some("1"),
            Some("9007199254740993"),
            Some("2014-08-01 17:09:59"),
            Some("2014-08-01"),
            Some("ünïcode\ttab"),
        ]),
        row(&[
            Some("c"),
            None,
            Some("2.55"),
            Some("100000000000000000000"),
            Some("0"),
            Some("-1"),
            Some("2014-08-01 00:00:00"),
            None,
            Some(""),
        ]),
        row(&[Some("d"), Some("0.12345679"), Some("3"), Some("-0.5"), None, None, None, None, None]),
    ];
    for (mut store, _g) in backends("render") {
        store.load(&spec, &rows, &opts(true, "r")).expect("load");
        let got = store
            .query(
                "SELECT course_id, low_value, high_value, dbl, flag, big, start_time, day, txt \
                 FROM module_engagement_metric_ranges ORDER BY id",
            )
            .expect("query");
        assert_eq!(got, expected, "{}", store.describe());
        assert!(store.table_exists("module_engagement_metric_ranges").expect("exists"));
        assert!(!store.table_exists("nope").expect("exists"));
    }
}

#[test]
fn mariadb_renders_fractional_datetimes() {
    let db = TestDb::new("frac");
    let mut conn = db.conn();
    conn.query_drop("CREATE TABLE t (a DATETIME(6), b DATETIME(6), c DATE, d DECIMAL(10,2))").expect("create");
    conn.query_drop("INSERT INTO t VALUES ('2017-01-31 00:05:00', '2017-01-31 00:05:00.25', '2017-01-31', 0.7)")
        .expect("insert");
    let mut store = open(&db.url).expect("open");
    assert_eq!(
        store.query("SELECT a, b, c, d FROM t").expect("q"),
        vec![row(&[Some("2017-01-31 00:05:00"), Some("2017-01-31 00:05:00.250000"), Some("2017-01-31"), Some("0.70")])]
    );
}

#[test]
fn urls_and_connection_errors() {
    assert_eq!(redact_url("mysql://root:secret@h/db"), "mysql://root:***@h/db");
    let e = match open("mysql://root:hunter2@127.0.0.1:1/edxc_nowhere") {
        Ok(_) => panic!("connected to port 1?"),
        Err(e) => format!("{e:#}"),
    };
    assert!(e.contains("127.0.0.1:1") && e.contains("mysql://root:***@127.0.0.1:1/edxc_nowhere"), "{e}");
    assert!(!e.contains("hunter2") && !e.contains('\n'), "{e}");
    assert!(open("postgres://x/y").is_err());
    assert!(open("mysql://root@127.0.0.1/bad-name").is_err());

    let dir = tempfile::tempdir().expect("tempdir");
    for url in [
        format!("sqlite:{}", dir.path().join("a/b/one.sqlite").display()),
        format!("sqlite://{}", dir.path().join("c/two.anything").display()),
        dir.path().join("d/three.db").display().to_string(),
    ] {
        let mut store = open(&url).expect("open sqlite");
        store.load(&daily_spec(), &daily_rows(1, 0), &opts(true, "x")).expect("load");
        assert!(store.describe().starts_with("sqlite:"), "{}", store.describe());
    }
    assert!(dir.path().join("a/b/one.sqlite").exists());
    assert!(dir.path().join("c/two.anything").exists());
    assert!(dir.path().join("d/three.db").exists());
    let db = TestDb::new("describe");
    let store = open(&db.url.replace("root@", "root:pw@")).map(|s| s.describe());
    // root has an empty password here, so a wrong one may be refused; either way nothing leaks.
    match store {
        Ok(d) => assert!(d.contains("root:***@") && !d.contains(":pw@"), "{d}"),
        Err(e) => assert!(!format!("{e:#}").contains(":pw@"), "{e:#}"),
    }
}

#[test]
fn sqlite_ddl_and_integer_storage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("r.sqlite");
    let mut store = open(&path.display().to_string()).expect("open");
    store.load(&daily_spec(), &daily_rows(3, 0), &opts(true, "x")).expect("load");
    let types = store
        .query("SELECT typeof(count), typeof(date), typeof(course_id) FROM course_enrollment_daily LIMIT 1")
        .expect("typeof");
    assert_eq!(types, vec![row(&[Some("integer"), Some("text"), Some("text")])]);
    let idx = store
        .query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'course_enrollment_daily' ORDER BY name")
        .expect("indexes");
    assert_eq!(
        idx,
        vec![
            row(&[Some("course_enrollment_daily_idx1_course_id")]),
            row(&[Some("course_enrollment_daily_idx2_course_id_date")])
        ]
    );
}
