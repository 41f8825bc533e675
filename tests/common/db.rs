//! Test helpers: throw-away MariaDB databases (real server, no mocks).
#![allow(dead_code)]

use mysql::prelude::Queryable;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Server URL without database; override with `EDXC_TEST_MYSQL` (e.g. `mysql://root@127.0.0.1:3306`).
pub fn server_url() -> String {
    std::env::var("EDXC_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_string())
}

/// A uniquely named database, dropped when the guard goes out of scope.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let name = format!("edxc_t_{tag}_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let url = format!("{}/{name}", server_url());
        Self { name, url }
    }

    pub fn conn(&self) -> mysql::Conn {
        let url = edxc::sinks::mysql_conn::MysqlUrl::parse(&self.url).expect("test url");
        url.connect(true).expect("MariaDB must be running on 127.0.0.1:3306 (see README)")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = mysql::Conn::new(mysql::Opts::from_url(&server_url()).expect("server url")) {
            let _ = c.query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
        }
    }
}

pub fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

pub fn row(cells: &[Option<&str>]) -> Vec<Option<String>> {
    cells.iter().map(|c| c.map(str::to_string)).collect()
}
