//! Data checks on a run's outputs (`[[transforms.NAME.checks]]`), run as each task's outputs are staged (`edxc
//! apply` loads a table only once its checks passed) and before anything is published: a failing `error` check
//! fails the run with the offending rows shown, so nothing of it reaches the warehouse or the result store; a
//! failing `warn` check is only reported.

use crate::graph::{Plan, Task};
use crate::model::report::CheckOutcome;
use crate::model::{CheckKind, Severity};
use crate::warehouse::{Row, Warehouse, WarehouseRead};
use anyhow::Result;
use std::collections::BTreeMap;

/// How many offending rows a report shows.
const EXAMPLES: usize = 5;

/// Runs the checks of task `t` of `p` (none when it has none or is disabled) over the partitions it wrote (read
/// through `outputs`); the previous partitions of a `change` check come from the published warehouse `published`.
pub fn run_task(p: &Plan, t: &Task, outputs: &dyn WarehouseRead, published: &Warehouse) -> Result<Vec<CheckOutcome>> {
    let mut out = Vec::new();
    if t.checks.is_empty() || !t.enabled {
        return Ok(out);
    }
    for dt in t.writes.iter().flat_map(|w| w.values()) {
        let rows = outputs.read_partition(&t.table, &dt, t.columns.len())?;
        let col = |name: &str| t.columns.iter().position(|c| c.name == name);
        for c in &t.checks {
            let (check, failures, examples) = match &c.kind {
                CheckKind::NotNull(cols) => {
                    let pos: Vec<usize> = cols.iter().filter_map(|n| col(n)).collect();
                    let bad: Vec<&Row> = rows.iter().filter(|r| pos.iter().any(|&i| r[i].is_none())).collect();
                    (format!("not_null ({})", cols.join(", ")), bad.len() as u64, render(&bad, t))
                }
                CheckKind::Unique(cols) => {
                    let pos: Vec<usize> = cols.iter().filter_map(|n| col(n)).collect();
                    let mut seen: BTreeMap<Vec<Option<&str>>, u64> = BTreeMap::new();
                    for r in &rows {
                        *seen.entry(pos.iter().map(|&i| r[i].as_deref()).collect()).or_default() += 1;
                    }
                    let dup: Vec<String> =
                        seen.iter().filter(|(_, &n)| n > 1).map(|(k, n)| format!("{} ({n} rows)", key(k))).collect();
                    let n = dup.len() as u64;
                    (format!("unique ({})", cols.join(", ")), n, dup.into_iter().take(EXAMPLES).collect())
                }
                CheckKind::AcceptedValues { column, values } => {
                    let i = col(column);
                    let bad: Vec<&Row> = rows
                        .iter()
                        .filter(|r| i.and_then(|i| r[i].as_deref()).is_some_and(|v| !values.iter().any(|a| a == v)))
                        .collect();
                    (format!("accepted_values {column} in [{}]", values.join(", ")), bad.len() as u64, render(&bad, t))
                }
                CheckKind::RowCount { min, max } => {
                    let n = rows.len() as u64;
                    let low = min.is_some_and(|m| n < m);
                    let high = max.is_some_and(|m| n > m);
                    let bounds = format!(
                        "{}..{}",
                        min.map(|m| m.to_string()).unwrap_or_default(),
                        max.map(|m| m.to_string()).unwrap_or_default()
                    );
                    (format!("row_count {bounds}"), u64::from(low || high), vec![format!("{n} rows")])
                }
                CheckKind::Change { max_ratio } => {
                    let n = rows.len() as u64;
                    let previous = published.partitions(&t.table)?.into_iter().rfind(|d| d.as_str() < dt.as_str());
                    let name = format!("change within ±{:.0} % of the previous partition", max_ratio * 100.0);
                    match previous {
                        Some(prev) => {
                            let before = published.count_rows(&t.table, &prev)?.unwrap_or(0);
                            let ratio = if before == 0 {
                                if n == 0 {
                                    0.0
                                } else {
                                    f64::INFINITY
                                }
                            } else {
                                (n as f64 - before as f64).abs() / before as f64
                            };
                            let note = format!(
                                "{n} rows against {before} in dt={prev} ({:+.0} %)",
                                100.0 * (n as f64 - before as f64) / (before.max(1) as f64)
                            );
                            (name, u64::from(ratio > *max_ratio), vec![note])
                        }
                        None => (name, 0, vec!["no earlier partition".into()]),
                    }
                }
            };
            out.push(CheckOutcome {
                pipeline: p.pipeline.clone(),
                table: t.table.clone(),
                dt: dt.clone(),
                check,
                severity: match c.severity {
                    Severity::Error => "error",
                    Severity::Warn => "warn",
                },
                failures,
                examples,
            });
        }
    }
    Ok(out)
}

fn key(k: &[Option<&str>]) -> String {
    k.iter().map(|v| v.unwrap_or("NULL")).collect::<Vec<_>>().join(" | ")
}

fn render(rows: &[&Row], t: &crate::graph::Task) -> Vec<String> {
    rows.iter()
        .take(EXAMPLES)
        .map(|r| {
            t.columns
                .iter()
                .zip(r.iter())
                .map(|(c, v)| format!("{}={}", c.name, v.as_deref().unwrap_or("NULL")))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}
