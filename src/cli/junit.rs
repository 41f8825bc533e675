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

/// The report of a run: one test suite per pipeline with a test case per task that ran and per data check (a
/// failing check of severity `error` is a failure; a `warn` one passes with the offending rows in its output), and,
/// when the run failed, a failing `edxc.apply` case holding the error.
pub fn render(run_id: &str, report: &RunReport, error: Option<&str>) -> String {
    struct Case {
        class: String,
        name: String,
        time: f64,
        out: String,
        failure: Option<String>,
    }
    let mut suites: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for t in &report.tasks {
        suites.entry(t.pipeline.clone()).or_default().push(Case {
            class: format!("{}.{}", t.pipeline, t.kind),
            name: t.table.clone(),
            time: t.elapsed.as_secs_f64(),
            out: format!("{} rows{}", t.rows, t.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()),
            failure: None,
        });
    }
    for c in &report.checks {
        let detail = format!("{} offending: {}", c.failures, c.examples.join("; "));
        suites.entry(c.pipeline.clone()).or_default().push(Case {
            class: format!("{}.check", c.pipeline),
            name: format!("{} dt={}: {}", c.table, c.dt, c.check),
            time: 0.0,
            out: if c.failures == 0 { "passed".to_string() } else { format!("{}: {detail}", c.severity) },
            failure: (c.failures > 0 && c.severity == "error").then_some(detail),
        });
    }
    if let Some(e) = error {
        suites.entry("edxc".to_string()).or_default().push(Case {
            class: "edxc".to_string(),
            name: "apply".to_string(),
            time: 0.0,
            out: String::new(),
            failure: Some(e.to_string()),
        });
    }
    let count = |cases: &[Case]| (cases.len(), cases.iter().filter(|c| c.failure.is_some()).count());
    let all: Vec<&Case> = suites.values().flatten().collect();
    let total: f64 = all.iter().map(|c| c.time).sum();
    let failures = all.iter().filter(|c| c.failure.is_some()).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"edxc apply {}\" tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">",
        escape(run_id),
        all.len()
    );
    for (suite, cases) in &suites {
        let (n, f) = count(cases);
        let time: f64 = cases.iter().map(|c| c.time).sum();
        let _ =
            writeln!(xml, "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{f}\" time=\"{time:.3}\">", escape(suite));
        for c in cases {
            let body = match &c.failure {
                Some(msg) => format!("<failure message=\"{}\">{}</failure>", escape(msg), escape(msg)),
                None => format!("<system-out>{}</system-out>", escape(&c.out)),
            };
            let _ = writeln!(
                xml,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">{body}</testcase>",
                escape(&c.class),
                escape(&c.name),
                c.time
            );
        }
        xml.push_str("  </testsuite>\n");
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
        let xml = render("r1", &RunReport::default(), Some("bad <thing> & \"more\"\u{1}"));
        assert!(xml.contains("failures=\"1\""), "{xml}");
        assert!(xml.contains("bad &lt;thing&gt; &amp; &quot;more&quot;</failure>"), "{xml}");
    }
}
