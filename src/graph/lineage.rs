//! The lineage of the pipelines (sources → transforms → result-store tables and files) as DOT or Mermaid, for `edxc graph`:
//! what feeds what, from the TOML alone (no interval or profile needed).

use crate::model::{Pipeline, SinkKind, SourceKind, TransformKind};
use std::fmt::Write;

/// One box of the lineage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Unique across pipelines: `pipeline.name` (sources, transforms, csv sinks), `result_store.table` (tables).
    pub id: String,
    pub label: String,
    pub kind: &'static str,
    pub pipeline: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lineage {
    pub nodes: Vec<Node>,
    /// (from id, to id).
    pub edges: Vec<(String, String)>,
}

/// The lineage of `pipelines`, in declaration-independent (sorted) order so the output is deterministic.
pub fn lineage(pipelines: &[Pipeline]) -> Lineage {
    let mut out = Lineage::default();
    for p in pipelines {
        let pn = &p.name.value;
        let id = |n: &str| format!("{pn}.{n}");
        for (name, s) in &p.sources {
            let (kind, label) = match &s.kind {
                SourceKind::TrackingLog => ("tracking logs", format!("{name}\n(tracking logs)")),
                SourceKind::LmsTable { table, .. } => ("lms", format!("{name}\n(LMS {})", table.value)),
                SourceKind::WarehouseFile { path } => ("file", format!("{name}\n({})", path.value)),
                SourceKind::WarehouseTable { .. } => ("table", format!("{name}\n(warehouse table)")),
                SourceKind::LogDir { path, .. } => {
                    ("tracking logs", format!("{name}\n(tracking logs in {})", path.value))
                }
            };
            out.nodes.push(Node { id: id(name), label, kind, pipeline: pn.clone() });
        }
        for (name, t) in &p.transforms {
            let kind = match &t.kind {
                TransformKind::Map { .. } => "map",
                TransformKind::Reduce { .. } => "reduce",
                TransformKind::Sql { .. } => "sql",
                TransformKind::Native { .. } => "native",
            };
            out.nodes.push(Node { id: id(name), label: format!("{name}\n({kind})"), kind, pipeline: pn.clone() });
            for i in &t.inputs {
                out.edges.push((id(&i.value), id(name)));
            }
        }
        for (name, s) in &p.sinks {
            // Result-store tables are shared by the pipelines; a sink's files belong to its pipeline.
            let (sink, label, pipeline) = match &s.kind {
                SinkKind::ResultStore { table, .. } => {
                    (format!("result_store.{}", table.value), format!("{}\n(result store)", table.value), String::new())
                }
                SinkKind::Csv(_) => (id(name), format!("{name}\n(csv files)"), pn.clone()),
                SinkKind::Files { path, .. } => (id(name), format!("{name}\n(files in {})", path.value), pn.clone()),
            };
            let kind = if matches!(s.kind, SinkKind::ResultStore { .. }) { "result store" } else { "files" };
            if !out.nodes.iter().any(|n| n.id == sink) {
                out.nodes.push(Node { id: sink.clone(), label, kind, pipeline });
            }
            for i in &s.inputs {
                out.edges.push((id(&i.value), sink.clone()));
            }
        }
    }
    out.edges.sort();
    out.edges.dedup();
    out
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

impl Lineage {
    /// The pipelines in first-seen order (`""`: the result store, shared by all).
    fn groups(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for n in &self.nodes {
            if !out.contains(&n.pipeline.as_str()) {
                out.push(&n.pipeline);
            }
        }
        out
    }

    /// Graphviz: one cluster per pipeline, result-store tables outside (several pipelines may feed one).
    pub fn dot(&self) -> String {
        let mut s = String::from("digraph edxc {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
        for p in self.groups() {
            let nodes: Vec<&Node> = self.nodes.iter().filter(|n| n.pipeline == p).collect();
            let indent = if p.is_empty() { "  " } else { "    " };
            if !p.is_empty() {
                let _ = writeln!(s, "  subgraph {} {{\n    label={};", quote(&format!("cluster_{p}")), quote(p));
            }
            for n in nodes {
                let shape = match n.kind {
                    "tracking logs" | "lms" | "file" => "cylinder",
                    "result store" => "box3d",
                    "files" => "folder",
                    _ => "box",
                };
                let _ = writeln!(s, "{indent}{} [label={}, shape={shape}];", quote(&n.id), quote(&n.label));
            }
            if !p.is_empty() {
                s.push_str("  }\n");
            }
        }
        for (a, b) in &self.edges {
            let _ = writeln!(s, "  {} -> {};", quote(a), quote(b));
        }
        s.push_str("}\n");
        s
    }

    /// Mermaid `flowchart`, pasteable into a pull request or a Markdown page.
    pub fn mermaid(&self) -> String {
        let ids: Vec<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
        let key = |id: &str| format!("n{}", ids.iter().position(|i| *i == id).unwrap_or(usize::MAX));
        let mut s = String::from("flowchart LR\n");
        for p in self.groups() {
            if !p.is_empty() {
                let _ = writeln!(s, "  subgraph {p}");
            }
            for n in self.nodes.iter().filter(|n| n.pipeline == p) {
                let text = n.label.replace('"', "'").replace('\n', "<br/>");
                let (open, close) = match n.kind {
                    "tracking logs" | "lms" | "file" => ("[(", ")]"),
                    "result store" => ("[[", "]]"),
                    "files" => ("[/", "/]"),
                    _ => ("[", "]"),
                };
                let _ = writeln!(s, "    {}{open}\"{text}\"{close}", key(&n.id));
            }
            if !p.is_empty() {
                s.push_str("  end\n");
            }
        }
        for (a, b) in &self.edges {
            let _ = writeln!(s, "  {} --> {}", key(a), key(b));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lineage {
        let node = |id: &str, kind, pipeline: &str| Node {
            id: id.into(),
            label: format!("{id}\n({kind})"),
            kind,
            pipeline: pipeline.into(),
        };
        Lineage {
            nodes: vec![
                node("a.logs", "tracking logs", "a"),
                node("a.events", "map", "a"),
                node("result_store.t", "result store", ""),
                node("b.x", "sql", "b"),
            ],
            edges: vec![
                ("a.events".into(), "result_store.t".into()),
                ("a.logs".into(), "a.events".into()),
                ("b.x".into(), "result_store.t".into()),
            ],
        }
    }

    #[test]
    fn dot_groups_each_pipeline_and_shares_result_store_tables() {
        let dot = sample().dot();
        assert!(dot.starts_with("digraph edxc {"), "{dot}");
        assert!(dot.contains("subgraph \"cluster_a\" {\n    label=\"a\";"), "{dot}");
        assert_eq!(dot.matches("\"result_store.t\" [label").count(), 1, "{dot}");
        assert!(dot.contains("\"a.logs\" [label=\"a.logs\\n(tracking logs)\", shape=cylinder];"), "{dot}");
        assert!(dot.contains("  \"b.x\" -> \"result_store.t\";"), "{dot}");
    }

    #[test]
    fn mermaid_names_nodes_by_position() {
        let m = sample().mermaid();
        assert!(m.starts_with("flowchart LR\n  subgraph a\n    n0[(\"a.logs<br/>(tracking logs)\")]"), "{m}");
        assert!(m.contains("    n2[[\"result_store.t<br/>(result store)\"]]"), "{m}");
        assert!(m.contains("  n1 --> n2\n"), "{m}");
        assert_eq!(m.matches("n2[[").count(), 1, "{m}");
    }
}
