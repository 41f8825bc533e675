//! One run of the Hive engine: the bundle rendered for the run's plans, uploaded and executed through the gateway.

use super::script::{engine_message, Script};
use super::sftp_fs::SftpFs;
use super::ssh::{shell_quote, Gateway};
use crate::codegen::{Artifact, MANIFEST};
use crate::config::engine_config::{HiveConfig, LmsImport};
use crate::config::profile::Profile;
use crate::engine::{Engine, RunReport, TaskReport};
use crate::graph::{Plan, Task, TaskKind};
use crate::warehouse::{count_rows_in, partition_dir, write_partition_dir, Fs, Staging, Warehouse, SUCCESS};
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct HiveEngine {
    pub config: HiveConfig,
    /// `--quiet`: the engines' output is not streamed (a failure still quotes the engine's message).
    pub quiet: bool,
    pub profile: Profile,
    pub gateway: Arc<Gateway>,
    pub warehouse: Warehouse,
}

/// One line of the bundle's manifest.
struct Step {
    step: String,
    file: String,
    kind: String,
    produces: String,
}

fn manifest(arts: &[Artifact]) -> Result<Vec<Step>> {
    let m = arts.iter().find(|a| a.path == MANIFEST).ok_or_else(|| anyhow!("the bundle has no {MANIFEST}"))?;
    let mut steps = Vec::new();
    for line in m.text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("step\t") && !l.is_empty()) {
        let f: Vec<&str> = line.splitn(4, '\t').collect();
        let [step, file, kind, produces] = f[..] else { bail!("malformed {MANIFEST} line: {line}") };
        steps.push(Step { step: step.into(), file: file.into(), kind: kind.into(), produces: produces.into() });
    }
    Ok(steps)
}

fn kind_name(t: &Task) -> &'static str {
    match t.kind {
        TaskKind::ImportLms { .. } => "import",
        TaskKind::Map { .. } => "map",
        TaskKind::Reduce { .. } => "reduce",
        TaskKind::Sql { .. } => "sql",
        TaskKind::Native { .. } => "native",
        TaskKind::ResultStore { .. } => "load",
        TaskKind::Csv { .. } | TaskKind::Files { .. } => "files",
    }
}

impl HiveEngine {
    /// Runs `command` on the gateway, its output streamed to edxc's log; returns the exit status and the lines.
    fn stream(&self, command: &str, on_line: &mut dyn FnMut(&str)) -> Result<(i32, Vec<String>)> {
        let mut lines = Vec::new();
        let exit = self.gateway.run(command, &mut |_, l| {
            on_line(l);
            lines.push(l.to_string());
        })?;
        Ok((exit.status, lines))
    }

    /// Puts the local edxc-map where the bundle's `ADD FILE` reads it (a temporary name, then renamed, so a
    /// program still running from the old file is not disturbed).
    fn upload_mapper(&self, fs: &dyn Fs, run_dir: &Path) -> Result<()> {
        let Some(local) = &self.config.mapper_binary else {
            eprintln!("edxc: no local edxc-map to upload; the cluster's {} is used", self.config.mapper_path);
            return Ok(());
        };
        let bytes = std::fs::read(local).with_context(|| format!("cannot read {}", local.display()))?;
        let target = &self.config.mapper_path;
        if let Some(path) = target.strip_prefix("file://") {
            let path = Path::new(path);
            let tmp = path.with_extension(format!("upload-{}", std::process::id()));
            if let Some(parent) = path.parent() {
                fs.create_dir_all(parent)?;
            }
            fs.write(&tmp, &bytes)?;
            self.gateway.output(&format!("chmod 755 {}", shell_quote(&tmp.display().to_string())))?;
            fs.remove_all(path)?;
            return fs.rename(&tmp, path);
        }
        // HDFS (or any URL the gateway's `hdfs dfs` takes): through the run's scratch directory.
        let staged = run_dir.join("edxc-map");
        fs.write(&staged, &bytes)?;
        let staged = staged.display().to_string();
        self.gateway
            .output(&format!("hdfs dfs -put -f {} {}", shell_quote(&staged), shell_quote(target)))
            .with_context(|| format!("cannot upload edxc-map to {target}"))?;
        Ok(())
    }

    /// `lms_import = "direct"`: edxc copies each LMS table of the run into its partition as Hive text.
    fn import_direct(&self, lms: &str, plans: &[Plan]) -> Result<()> {
        for t in plans.iter().flat_map(|p| &p.tasks) {
            let TaskKind::ImportLms { lms_table } = &t.kind else { continue };
            let columns: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
            let start_time = crate::lms::import_time();
            let mut rows = if t.enabled {
                crate::lms::read_table(lms, lms_table, &columns)
                    .with_context(|| format!("importing LMS table `{lms_table}`"))?
            } else {
                vec![]
            };
            let metadata = crate::lms::import_metadata(lms_table, &columns, &start_time, &crate::lms::import_time());
            crate::lms::hive_booleans(&t.columns, &mut rows);
            for dt in t.writes.iter().flat_map(|w| w.values()) {
                let dir = partition_dir(&self.warehouse.root, &t.table, &dt);
                self.warehouse.fs.remove_all(&dir)?;
                write_partition_dir(self.warehouse.fs.as_ref(), &dir, &rows)?;
                self.warehouse.fs.write(&dir.join("_metadata"), &metadata)?;
            }
        }
        Ok(())
    }
}

impl Engine for HiveEngine {
    fn warehouse(&self) -> Warehouse {
        self.warehouse.clone()
    }

    fn run(
        &mut self,
        plans: &[Plan],
        staging: &mut Staging,
        on_task: &mut crate::engine::OnTask<'_>,
    ) -> Result<RunReport> {
        let started = Instant::now();
        let pairs: Vec<(&Plan, &str)> = plans.iter().map(|p| (p, p.source.as_str())).collect();
        let arts = crate::codegen::hive_bundle(&pairs, &self.profile)?;
        let steps = manifest(&arts)?;
        // The gateway's own disk, whatever the warehouse is on: the bundle is read by the gateway's commands.
        let scratch = SftpFs::new(self.gateway.clone())?;
        let run_dir = Path::new(&self.config.gateway_dir).join(staging.run_id());
        let say = |m: String| {
            if !self.quiet {
                eprintln!("{m}");
            }
        };
        say(format!("edxc: uploading the bundle ({} files) to {}", arts.len(), scratch.describe(&run_dir)));
        for a in &arts {
            let path = run_dir.join(&a.path);
            if let Some(parent) = path.parent() {
                scratch.create_dir_all(parent)?;
            }
            scratch.write(&path, a.text.as_bytes())?;
        }
        let cleanup = RemoteDir(&scratch, run_dir.clone());
        self.upload_mapper(&scratch, &run_dir)?;

        // Hive writes each partition where its table says: the published ones it replaces are set aside first.
        let tasks: Vec<&Task> = plans.iter().flat_map(|p| &p.tasks).filter(|t| !t.kind.is_sink()).collect();
        let parts: Vec<(String, String)> = tasks
            .iter()
            .flat_map(|t| t.writes.iter().flat_map(|w| w.values()).map(|dt| (t.table.clone(), dt)))
            .collect();
        staging.in_place(&parts)?;
        // The logs step 01 stages for step 02 are the run's scratch: whatever the run adds there goes when it ends,
        // failed or not (step 02 removes them itself when it gets that far).
        let _scratch_logs = ScratchDir::new(self.warehouse.clone(), "edxc_tracking_log")?;

        let cd = format!("cd {}", shell_quote(&run_dir.display().to_string()));
        let quiet = self.quiet;
        let mut log = |l: &str| {
            if !quiet {
                eprintln!("    | {l}");
            }
        };
        let mut staged_logs = None;
        for s in steps.iter().filter(|s| s.kind == "sh") {
            say(format!("edxc: step {} {}", s.step, s.file));
            let (status, lines) = self.stream(&format!("{cd} && sh {}", shell_quote(&s.file)), &mut log)?;
            if status != 0 {
                bail!("step {} ({}) failed on the gateway (exit {status}): {}", s.step, s.file, engine_message(&lines));
            }
            // The log staging step's last word: `staged N tracking-log file(s) under ...`.
            staged_logs = lines.iter().rev().find(|l| l.starts_with("staged ")).cloned().or(staged_logs);
        }
        match &self.config.lms_import {
            LmsImport::Direct { lms } => self.import_direct(lms, plans)?,
            LmsImport::Sqoop => {
                for s in steps.iter().filter(|s| s.kind == "sqoop") {
                    say(format!("edxc: step {} {}", s.step, s.file));
                    let (status, lines) = self.stream(&format!("{cd} && sh {}", shell_quote(&s.file)), &mut log)?;
                    if status != 0 {
                        bail!("step {} ({}) failed (exit {status}): {}", s.step, s.file, engine_message(&lines));
                    }
                }
            }
        }

        // Every HiveQL step as one script: one JVM start.
        let mut script = Script::default();
        for s in steps.iter().filter(|s| s.kind == "hql") {
            let text = &arts.iter().find(|a| a.path == s.file).ok_or_else(|| anyhow!("no {}", s.file))?.text;
            script.push_file(&s.step, &s.file, text);
        }
        scratch.write(&run_dir.join("run.hql"), script.text.as_bytes())?;
        let cli = &self.config.cli;
        say(format!("edxc: running {} HiveQL statement(s) with `{cli} -f run.hql`", script.origins.len()));
        let hql_started = Instant::now();
        let mut current: Option<usize> = None;
        let mut since_marker: Vec<String> = Vec::new();
        let (status, _) = self.stream(&format!("{cd} && {cli} -f run.hql"), &mut |l| {
            if let Some(n) = script.marker(l) {
                current = Some(n);
                since_marker.clear();
                return;
            }
            if l.trim() == "edxc.statement" || l.contains("SET edxc.statement") {
                return;
            }
            since_marker.push(l.to_string());
            if !quiet {
                eprintln!("    | {l}");
            }
        })?;
        if status != 0 {
            let at = match current.and_then(|n| script.origins.get(n)) {
                Some(o) => {
                    let step = steps.iter().find(|s| s.step == o.step);
                    let what = step.map(|s| format!(", writing {}", s.produces)).unwrap_or_default();
                    format!("step {} ({} line {}: `{}`{what})", o.step, o.file, o.line, o.text)
                }
                None => "the script's first statement".to_string(),
            };
            bail!("{at} failed on `{cli}` (exit {status}): {}", engine_message(&since_marker));
        }
        let hql_elapsed = hql_started.elapsed();

        // Verify every partition the run was to write, mark it complete, and report.
        let fs = self.warehouse.fs.clone();
        let mut report = RunReport {
            logs_note: Some(match staged_logs {
                Some(l) => format!("{l} (read on the cluster by edxc-map; its line counters are not collected there)"),
                None => "none read by this run".into(),
            }),
            ..RunReport::default()
        };
        for t in &tasks {
            let mut rows = 0;
            let mut dts = Vec::new();
            for dt in t.writes.iter().flat_map(|w| w.values()) {
                let dir = partition_dir(&self.warehouse.root, &t.table, &dt);
                let n = count_rows_in(fs.as_ref(), &dir)?.ok_or_else(|| {
                    anyhow!("the run did not write partition {}/dt={dt} ({})", t.table, fs.describe(&dir))
                })?;
                fs.write(&dir.join(SUCCESS), b"")?;
                staging.wrote_in_place(&t.table, &dt, n)?;
                rows += n;
                dts.push(dt);
            }
            let task = TaskReport {
                pipeline: t.pipeline.clone(),
                node: t.node.clone(),
                table: t.table.clone(),
                kind: kind_name(t),
                partitions: dts,
                rows,
                elapsed: if matches!(t.kind, TaskKind::ImportLms { .. }) { Duration::ZERO } else { hql_elapsed },
                note: Some(format!("on {cli}")),
                skipped: vec![],
            };
            on_task(&task, &*staging)?;
            report.tasks.push(task);
        }
        drop(cleanup);
        say(format!("edxc: the cluster run took {:.1}s", started.elapsed().as_secs_f64()));
        Ok(report)
    }
}

/// A warehouse directory of scratch entries: those a run adds are removed when it ends.
struct ScratchDir {
    wh: Warehouse,
    dir: std::path::PathBuf,
    before: Option<Vec<String>>,
}

impl ScratchDir {
    fn new(wh: Warehouse, name: &str) -> Result<Self> {
        let dir = wh.root.join(name);
        let before = if wh.fs.kind(&dir)?.is_some() {
            Some(wh.fs.list(&dir)?.into_iter().map(|e| e.name).collect())
        } else {
            None
        };
        Ok(Self { wh, dir, before })
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        match &self.before {
            None => {
                let _ = self.wh.fs.remove_all(&self.dir);
            }
            Some(before) => {
                for e in self.wh.fs.list(&self.dir).unwrap_or_default() {
                    if !before.contains(&e.name) {
                        let _ = self.wh.fs.remove_all(&self.dir.join(&e.name));
                    }
                }
            }
        }
    }
}

/// The run's directory on the gateway, removed when the run is done (passed or failed).
struct RemoteDir<'a>(&'a SftpFs, std::path::PathBuf);

impl Drop for RemoteDir<'_> {
    fn drop(&mut self) {
        let _ = self.0.remove_all(&self.1);
    }
}
