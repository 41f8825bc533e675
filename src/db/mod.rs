//! Database plumbing shared by the result store (`sinks`) and the LMS reader (`lms`): MySQL/MariaDB connections
//! and cell rendering (`mysql`), and the one parser and renderer of DATE/DATETIME texts (`datetime`). Nothing here
//! knows about sinks or the LMS.

pub mod datetime;
pub mod mysql;

/// Plain decimal rendering of a DOUBLE/REAL cell, the same from every backend (Rust's `Display` never uses an
/// exponent and gives the shortest digits that round-trip).
pub fn fmt_f64(v: f64) -> String {
    format!("{v}")
}
