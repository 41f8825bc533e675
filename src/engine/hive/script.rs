//! One HiveQL file per run (a JVM start costs 10-15 s, so the bundle's `hql` steps run as one script), with a
//! marker before each statement so that a failure is traced back to its step, file and line: `SET
//! edxc.statement=N;` then `SET edxc.statement;`, which Hive, beeline and Spark SQL all answer by printing the
//! value. The last marker printed before the failure names the statement that failed.

/// Where a statement of the run's script came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The bundle step (`11`) and its file (`enrollments/11-course_enrollment.hql`).
    pub step: String,
    pub file: String,
    /// 1-based line of the statement's first line in that file.
    pub line: usize,
    /// The statement's first line, for the message.
    pub text: String,
}

/// The run's script and the origin of each statement, by marker number.
#[derive(Debug, Clone, Default)]
pub struct Script {
    pub text: String,
    pub origins: Vec<Origin>,
}

const MARKER: &str = "edxc.statement";

impl Script {
    /// Appends every statement of the step file `file` (step `step`). Statements end with a line ending in `;`
    /// (how the renderer writes them); comment lines are kept with the statement they precede.
    pub fn push_file(&mut self, step: &str, file: &str, text: &str) {
        self.text.push_str(&format!("-- ===== step {step}: {file}\n"));
        let mut pending = String::new();
        let mut first: Option<(usize, String)> = None;
        for (i, line) in text.lines().enumerate() {
            let code = line.trim();
            let is_code = !code.is_empty() && !code.starts_with("--");
            if is_code && first.is_none() {
                first = Some((i + 1, code.to_string()));
            }
            pending.push_str(line);
            pending.push('\n');
            if is_code && code.ends_with(';') {
                let (line_no, text) = first.take().unwrap_or((i + 1, code.to_string()));
                let n = self.origins.len();
                self.text.push_str(&format!("SET {MARKER}={n};\nSET {MARKER};\n"));
                self.text.push_str(&pending);
                self.origins.push(Origin { step: step.into(), file: file.into(), line: line_no, text });
                pending.clear();
            }
        }
        self.text.push_str(&pending);
    }

    /// The statement a marker line of the engine's output names (`edxc.statement=3`, `edxc.statement\t3`).
    pub fn marker(&self, output_line: &str) -> Option<usize> {
        let rest = output_line.trim().strip_prefix(MARKER)?;
        let n = rest.strip_prefix('=').or_else(|| rest.strip_prefix('\t')).or_else(|| rest.strip_prefix(' '))?;
        let n: usize = n.trim().trim_matches('|').trim().parse().ok()?;
        (n < self.origins.len()).then_some(n)
    }
}

/// The engine's own words for a failure, from its output after the failing statement started: the first line
/// that Hive (`FAILED: ...`), beeline (`Error: ...`) or Spark SQL (`Error in query: ...`, `[ERROR_CLASS] ...`,
/// `...Exception: ...`) uses to say what went wrong; else the last line that is not a stack frame.
pub fn engine_message(lines: &[String]) -> String {
    let is_message = |l: &str| {
        let l = l.trim();
        l.starts_with("FAILED:")
            || l.starts_with("Error:")
            || l.starts_with("Error in query:")
            || (l.starts_with('[')
                && l.find(']')
                    .is_some_and(|i| i > 1 && l[1..i].chars().all(|c| c.is_ascii_uppercase() || c == '_' || c == '.')))
            || (l.contains("Exception:") && !l.starts_with("at "))
    };
    if let Some(l) = lines.iter().find(|l| is_message(l)) {
        return l.trim().to_string();
    }
    lines
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && !l.starts_with("at ") && !l.starts_with("..."))
        .unwrap_or("no message")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_gets_a_marker_and_its_origin() {
        let mut s = Script::default();
        s.push_file("02", "a/02-x.hql", "-- comment\nUSE edxc;\n\nCREATE TABLE t (\n  a INT\n);\n-- tail\n");
        s.push_file("03", "a/03-y.hql", "INSERT INTO t\nSELECT 1;\n");
        assert_eq!(s.origins.len(), 3);
        assert_eq!(
            s.origins[1],
            Origin { step: "02".into(), file: "a/02-x.hql".into(), line: 4, text: "CREATE TABLE t (".into() }
        );
        assert_eq!(s.origins[2].line, 1);
        assert!(s.text.contains("SET edxc.statement=1;\nSET edxc.statement;\n\nCREATE TABLE t ("), "{}", s.text);
        assert!(s.text.ends_with("SELECT 1;\n"));
        assert_eq!(s.marker("edxc.statement=2"), Some(2));
        assert_eq!(s.marker("edxc.statement\t1"), Some(1));
        assert_eq!(s.marker("| edxc.statement=1 |"), None);
        assert_eq!(s.marker("edxc.statement=9"), None);
    }

    #[test]
    fn finds_the_engines_message() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            engine_message(&l(&["OK", "FAILED: SemanticException [Error 10001]: Line 1:14 Table not found 'nope'"])),
            "FAILED: SemanticException [Error 10001]: Line 1:14 Table not found 'nope'"
        );
        assert_eq!(
            engine_message(&l(&["WARN x", "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found."])),
            "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found."
        );
        assert_eq!(engine_message(&l(&["something broke", "\tat a.b.C(C.java:1)"])), "something broke");
    }
}
