//! `apply --junit FILE`: the run as a JUnit XML report, for Jenkins and other CI servers. One test suite per
//! pipeline, one test case per task (with its seconds and rows); a failed run is one failing test case holding the
//! error. Written to a temporary file and renamed, so a reader never sees half a report.

use crate::engine::RunReport;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The report of a run that finished (`Ok`) or failed with an error message.
pub fn render(run_id: &str, outcome: std::result::Result<&RunReport, &str>) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match outcome {
        Ok(report) => {
            let mut suites: BTreeMap<&str, Vec<&crate::engine::TaskReport>> = BTreeMap::new();
            for t in &report.tasks {
                suites.entry(t.pipeline.as_str()).or_default().push(t);
            }
            let total: f64 = report.tasks.iter().map(|t| t.elapsed.as_secs_f64()).sum();
            let _ = writeln!(
                xml,
                "<testsuites name=\"edxc apply {}\" tests=\"{}\" failures=\"0\" time=\"{total:.3}\">",
                escape(run_id),
                report.tasks.len()
            );
            for (pipeline, tasks) in suites {
                let time: f64 = tasks.iter().map(|t| t.elapsed.as_secs_f64()).sum();
                let _ = writeln!(
                    xml,
                    "  <testsuite name=\"{}\" tests=\"{}\" failures=\"0\" time=\"{time:.3}\">",
                    escape(pipeline),
                    tasks.len()
                );
                for t in tasks {
                    let _ = writeln!(
                        xml,
                        "    <testcase classname=\"{}.{}\" name=\"{}\" time=\"{:.3}\"><system-out>{} rows{}</system-out></testcase>",
                        escape(pipeline),
                        t.kind,
                        escape(&t.table),
                        t.elapsed.as_secs_f64(),
                        t.rows,
                        t.note.as_deref().map(|n| format!(" ({})", escape(n))).unwrap_or_default()
                    );
                }
                xml.push_str("  </testsuite>\n");
            }
        }
        Err(message) => {
            let _ = writeln!(
                xml,
                "<testsuites name=\"edxc apply {}\" tests=\"1\" failures=\"1\">\n  <testsuite name=\"edxc\" tests=\"1\" \
                 failures=\"1\">\n    <testcase classname=\"edxc\" name=\"apply\"><failure message=\"{}\">{}</failure></testcase>\n  </testsuite>",
                escape(run_id),
                escape(message),
                escape(message)
            );
        }
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Writes `xml` to `path` atomically.
pub fn write(path: &Path, xml: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("xml.tmp");
    std::fs::write(&tmp, xml).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write the JUnit report {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_reports_failures() {
        let xml = render("r1", Err("bad <thing> & \"more\"\u{1}"));
        assert!(xml.contains("failures=\"1\""), "{xml}");
        assert!(xml.contains("bad &lt;thing&gt; &amp; &quot;more&quot;</failure>"), "{xml}");
    }
}
