//! Which tasks of a plan a run must run, and why. A task is up to date when every partition it writes was written
//! by the same job (fingerprint), no task it reads from runs, and its source (tracking-log files, LMS table) reads
//! as it did then; an apply runs only the other tasks ([`crate::graph::Plan::subset`]), so an apply right after an
//! apply does nothing, and a daily run recomputes only its moving windows and what they feed.

use super::Snapshot;
use crate::graph::{Plan, Task, TaskKind};
use serde::Serialize;
use std::collections::BTreeSet;

/// The partition name under which a result-store sink's last load is recorded (never a date or a partition value).
pub const RESULT_STORE: &str = "@result_store";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A partition it writes was never written (or a sink never loaded).
    Create,
    /// Its job changed since it was written (template, parameters, window, upstream job).
    Changed,
    /// Its source reads differently now (tracking-log files added or changed, an LMS export changed).
    Inputs,
    /// A task it reads from runs.
    Upstream,
    /// `edxc restate` asked for it.
    Restate,
    /// Nothing to do.
    Current,
}

impl Status {
    pub fn runs(self) -> bool {
        self != Status::Current
    }

    /// What the status means, for people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Create => "to create",
            Status::Changed => "job changed",
            Status::Inputs => "new input",
            Status::Upstream => "upstream runs",
            Status::Restate => "restated",
            Status::Current => "up to date",
        }
    }
}

/// Whether a task's freshness also depends on a digest of something outside the warehouse: the source it reads
/// (tracking-log files, LMS table) or, for a sink, the result store it loads (another store has none of it).
pub fn has_digest(t: &Task) -> bool {
    matches!(t.kind, TaskKind::Map { .. } | TaskKind::ImportLms { .. } | TaskKind::ResultStore { .. })
}

/// The digest of a result store, from its URL as the profile writes it (secrets unresolved).
pub fn store_digest(url: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(format!("result store {url}")).iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// The partitions under which a task is recorded.
pub fn recorded_as(t: &Task) -> Vec<String> {
    match &t.writes {
        Some(w) => w.values(),
        None => vec![RESULT_STORE.to_string()],
    }
}

/// The status of every task of `plan` (in task order) against the state store and the partitions `present` in the
/// warehouse (a partition the state records but the warehouse lacks is created again). `sources[i]` is task i's
/// digest ([`has_digest`]; `None`: it cannot be told, so the task runs); `restate` names outputs (nodes or tables)
/// to recompute whatever the state says.
pub fn decide(
    plan: &Plan,
    state: &Snapshot,
    present: &BTreeSet<(String, String)>,
    sources: &[Option<String>],
    restate: &BTreeSet<String>,
) -> Vec<Status> {
    let mut out: Vec<Status> = Vec::with_capacity(plan.tasks.len());
    for (i, t) in plan.tasks.iter().enumerate() {
        let parts = recorded_as(t);
        let key = |dt: &String| (t.table.clone(), dt.clone());
        let status = if restate.contains(&t.node) || restate.contains(&t.table) {
            Status::Restate
        } else if parts
            .iter()
            .any(|dt| !state.partitions.contains_key(&key(dt)) || (t.writes.is_some() && !present.contains(&key(dt))))
        {
            Status::Create
        } else if parts.iter().any(|dt| state.partitions.get(&key(dt)).is_some_and(|r| r.fingerprint != t.fingerprint))
        {
            Status::Changed
        } else if t.deps.iter().any(|&d| out.get(d).is_some_and(|s| s.runs())) {
            Status::Upstream
        } else if has_digest(t) && {
            let now = sources.get(i).cloned().flatten();
            now.is_none() || parts.iter().any(|dt| state.inputs.get(&key(dt)) != now.as_ref())
        } {
            Status::Inputs
        } else {
            Status::Current
        };
        out.push(status);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::RecordedPartition;

    fn plan() -> Plan {
        let mut p = Plan {
            pipeline: "p".into(),
            source: "p.toml".into(),
            interval: crate::graph::interval::Interval::new(
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 1, 3).unwrap(),
            )
            .unwrap(),
            no_interval: false,
            vars: Default::default(),
            tasks: vec![],
            tables_of_record: vec![],
        };
        let task = |node: &str, kind: TaskKind, writes, deps| Task {
            pipeline: "p".into(),
            node: node.into(),
            table: node.into(),
            kind,
            columns: vec![],
            writes,
            inputs: vec![],
            args: Default::default(),
            enabled: true,
            deps,
            checks: vec![],
            fingerprint: String::new(),
        };
        let window = p.interval;
        p.tasks.push(task(
            "events",
            TaskKind::Map {
                extractor: "enrollment".into(),
                window: Some(window),
                include: vec![],
                count_as: None,
                dirs: vec![],
            },
            Some(crate::graph::Partitions::Days(window)),
            vec![],
        ));
        p.tasks.push(task(
            "summary",
            TaskKind::Sql { template: "t.sql".into(), body: "SELECT 1".into() },
            Some(crate::graph::Partitions::One("2026-01-03".into())),
            vec![0],
        ));
        p.tasks.push(task(
            "summary",
            TaskKind::ResultStore { overwrite: true, allow_empty: false, indexes: vec![], primary_key: vec![] },
            None,
            vec![1],
        ));
        p.refingerprint();
        p
    }

    fn present(p: &Plan) -> BTreeSet<(String, String)> {
        p.tasks.iter().flat_map(|t| t.writes.iter().flat_map(|w| w.values()).map(|dt| (t.table.clone(), dt))).collect()
    }

    /// The state a successful run of the whole plan leaves, with `digest` as the map's source.
    fn applied(p: &Plan, digest: &str) -> Snapshot {
        let digest_of = |t: &Task| if matches!(t.kind, TaskKind::ResultStore { .. }) { "store" } else { digest };
        let mut s = Snapshot::default();
        for t in &p.tasks {
            for dt in recorded_as(t) {
                let r = RecordedPartition {
                    fingerprint: t.fingerprint.clone(),
                    rows: 1,
                    run_id: "r".into(),
                    finished: "".into(),
                };
                s.partitions.insert((t.table.clone(), dt.clone()), r);
                if has_digest(t) {
                    s.inputs.insert((t.table.clone(), dt), digest_of(t).into());
                }
            }
        }
        s
    }

    #[test]
    fn nothing_runs_after_an_apply_of_the_same_plan_and_inputs() {
        let p = plan();
        let st = applied(&p, "logs-a");
        let sources = vec![Some("logs-a".to_string()), None, Some("store".to_string())];
        assert_eq!(decide(&p, &st, &present(&p), &sources, &BTreeSet::new()), vec![Status::Current; 3]);
        // Another result store has none of it; a partition gone from the warehouse is written again.
        let other = vec![Some("logs-a".to_string()), None, Some("other".to_string())];
        assert_eq!(decide(&p, &st, &present(&p), &other, &BTreeSet::new())[2], Status::Inputs);
        let mut gone = present(&p);
        gone.remove(&("summary".to_string(), "2026-01-03".to_string()));
        assert_eq!(
            decide(&p, &st, &gone, &sources, &BTreeSet::new()),
            vec![Status::Current, Status::Create, Status::Upstream]
        );
    }

    #[test]
    fn new_logs_rerun_the_map_and_everything_it_feeds() {
        let p = plan();
        let st = applied(&p, "logs-a");
        let sources = vec![Some("logs-b".to_string()), None, Some("store".to_string())];
        assert_eq!(
            decide(&p, &st, &present(&p), &sources, &BTreeSet::new()),
            vec![Status::Inputs, Status::Upstream, Status::Upstream]
        );
        // A source that cannot be listed is never taken as unchanged.
        assert_eq!(decide(&p, &st, &present(&p), &[None, None, None], &BTreeSet::new())[0], Status::Inputs);
    }

    #[test]
    fn a_missing_partition_a_changed_job_and_a_restate_each_run() {
        let p = plan();
        let sources = vec![Some("logs-a".to_string()), None, Some("store".to_string())];
        let mut st = applied(&p, "logs-a");
        st.partitions.remove(&("events".to_string(), "2026-01-02".to_string()));
        assert_eq!(decide(&p, &st, &present(&p), &sources, &BTreeSet::new())[0], Status::Create);

        let st = applied(&p, "logs-a");
        let mut edited = p.clone();
        if let TaskKind::Sql { body, .. } = &mut edited.tasks[1].kind {
            *body = "SELECT 2".into();
        }
        edited.refingerprint();
        assert_eq!(
            decide(&edited, &st, &present(&p), &sources, &BTreeSet::new()),
            vec![Status::Current, Status::Changed, Status::Changed]
        );

        let restate: BTreeSet<String> = ["events".to_string()].into();
        assert_eq!(
            decide(&p, &st, &present(&p), &sources, &restate),
            vec![Status::Restate, Status::Upstream, Status::Upstream]
        );
    }

    /// A csv sink is recorded like a result-store sink (under RESULT_STORE, no source digest): it runs again when
    /// its job changes, an output directory rendered differently included, and not otherwise.
    #[test]
    fn a_csv_sink_runs_again_when_its_directory_changes() {
        let csv = |dir: &str| TaskKind::Csv {
            dir: dir.into(),
            file: "{course_id}.csv".into(),
            sort_by: vec![],
            fields: vec![],
            file_filter: None,
            format: crate::model::csv::CsvFormat::default(),
        };
        let with_csv = |dir: &str| {
            let mut p = plan();
            let mut t = p.tasks[2].clone();
            t.node = "report".into();
            t.table = "report".into();
            t.kind = csv(dir);
            p.tasks.push(t);
            p.refingerprint();
            p
        };
        let p = with_csv("/srv/reports");
        assert!(!has_digest(&p.tasks[3]));
        assert_eq!(recorded_as(&p.tasks[3]), [RESULT_STORE]);
        let st = applied(&p, "logs-a");
        let sources = vec![Some("logs-a".to_string()), None, Some("store".to_string()), None];
        assert_eq!(decide(&p, &st, &present(&p), &sources, &BTreeSet::new()), vec![Status::Current; 4]);
        let moved = with_csv("/srv/elsewhere");
        let status = decide(&moved, &st, &present(&moved), &sources, &BTreeSet::new());
        assert_eq!(status, [Status::Current, Status::Current, Status::Current, Status::Changed]);
    }
}
