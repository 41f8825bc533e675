//! Wiring: every input names a defined node of the right kind, and the graph has no cycle.

use crate::model::{Diagnostic, Phase, Pipeline, SourceKind, TransformKind};
use std::collections::{BTreeMap, BTreeSet};

pub fn check(p: &Pipeline, diags: &mut Vec<Diagnostic>) {
    let known: BTreeSet<&str> = p.sources.keys().chain(p.transforms.keys()).map(String::as_str).collect();
    for (name, t) in &p.transforms {
        if t.inputs.is_empty() && !matches!(t.kind, TransformKind::Native { .. }) {
            diags.push(
                Diagnostic::new(Phase::Wiring, Some(&t.name.pos), format!("transform `{name}` has no inputs"))
                    .hint("add inputs = [\"<source or transform>\"]"),
            );
        }
        for i in &t.inputs {
            if !known.contains(i.value.as_str()) {
                diags.push(dangling("transform", name, i, &known, p));
                continue;
            }
            let is_tracking = matches!(
                p.sources.get(&i.value).map(|s| &s.kind),
                Some(SourceKind::TrackingLog | SourceKind::LogDir { .. })
            );
            let is_map = matches!(t.kind, TransformKind::Map { .. });
            if is_map && !is_tracking {
                diags.push(
                    Diagnostic::new(
                        Phase::Wiring,
                        Some(&i.pos),
                        format!("map transform `{name}` reads `{}`, which is not a tracking_log source", i.value),
                    )
                    .hint("map transforms run the native mapper over tracking logs only"),
                );
            }
            if !is_map && is_tracking {
                diags.push(
                    Diagnostic::new(
                        Phase::Wiring,
                        Some(&i.pos),
                        format!("transform `{name}` reads the tracking logs directly"),
                    )
                    .hint("add a map transform with an extractor and read its output instead"),
                );
            }
        }
    }
    for (name, s) in &p.sinks {
        if s.inputs.len() != 1 {
            diags.push(
                Diagnostic::new(
                    Phase::Wiring,
                    Some(&s.name.pos),
                    format!("sink `{name}` needs exactly one input, has {}", s.inputs.len()),
                )
                .hint("a result-store table is loaded from one transform"),
            );
        }
        for i in &s.inputs {
            // A sink reads a table of the warehouse: a transform's, or an LMS table's import.
            let is_lms = matches!(p.sources.get(&i.value).map(|s| &s.kind), Some(SourceKind::LmsTable { .. }));
            if !p.transforms.contains_key(&i.value) && !is_lms {
                diags.push(dangling("sink", name, i, &p.transforms.keys().map(String::as_str).collect(), p));
            }
        }
    }
    if let Err(d) = topo_order(p) {
        diags.push(*d);
    }
}

fn dangling(
    what: &str,
    name: &str,
    input: &crate::model::At<String>,
    known: &BTreeSet<&str>,
    p: &Pipeline,
) -> Diagnostic {
    let hint = if p.sinks.contains_key(&input.value) {
        format!("`{}` is a sink; sinks cannot be read", input.value)
    } else {
        format!("defined names: {}", known.iter().copied().collect::<Vec<_>>().join(", "))
    };
    Diagnostic::new(
        Phase::Wiring,
        Some(&input.pos),
        format!("{what} `{name}` reads `{}`, which is not defined", input.value),
    )
    .hint(hint)
}

/// Sources and transforms in an order where every node comes after its inputs (ties by name, so it is
/// deterministic). A cycle is reported at one of its transforms.
pub fn topo_order(p: &Pipeline) -> Result<Vec<String>, Box<Diagnostic>> {
    let mut indegree: BTreeMap<&str, usize> = BTreeMap::new();
    let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in p.sources.keys() {
        indegree.insert(s, 0);
    }
    for (name, t) in &p.transforms {
        let ins: BTreeSet<&str> = t
            .inputs
            .iter()
            .map(|i| i.value.as_str())
            .filter(|i| p.sources.contains_key(*i) || p.transforms.contains_key(*i))
            .collect();
        indegree.insert(name, ins.len());
        for i in ins {
            users.entry(i).or_default().push(name);
        }
    }
    let mut ready: BTreeSet<&str> = indegree.iter().filter(|(_, d)| **d == 0).map(|(n, _)| *n).collect();
    let mut out = Vec::new();
    while let Some(n) = ready.pop_first() {
        out.push(n.to_string());
        for u in users.get(n).into_iter().flatten() {
            if let Some(d) = indegree.get_mut(u) {
                *d -= 1;
                if *d == 0 {
                    ready.insert(u);
                }
            }
        }
    }
    if out.len() < indegree.len() {
        let stuck: Vec<&str> = indegree.iter().filter(|(n, _)| !out.iter().any(|o| o == *n)).map(|(n, _)| *n).collect();
        let first = stuck.first().copied().unwrap_or_default();
        let pos = p.transforms.get(first).map(|t| t.name.pos.clone());
        return Err(Box::new(
            Diagnostic::new(
                Phase::Wiring,
                pos.as_ref(),
                format!("the inputs form a cycle through: {}", stuck.join(" → ")),
            )
            .hint("a transform cannot read, directly or indirectly, its own output"),
        ));
    }
    Ok(out)
}
