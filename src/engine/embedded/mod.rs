//! The embedded engine (profile `local`): the native mapper in-process, SQL on DataFusion, native reducers and
//! functions, the warehouse as Hive text on local disk, and the result store (SQLite or MySQL).

mod counted;
mod counted_run;
mod counted_write;
mod hive_arrow;
pub mod mapper;
mod schedule;
mod sorted_copy;
pub mod sql;
mod sql_stream;

use super::{RunReport, TaskReport};
use crate::config::engine_config::RunFlags;
use crate::graph::{Partitions, Plan, Task, TaskKind};
use crate::warehouse::{Row, Staging, Warehouse, WarehouseRead};
use anyhow::{anyhow, bail, Context, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use crate::config::engine_config::EmbeddedConfig;

/// The embedded engine (profile key `engine = "embedded"`, the default).
pub const KIND: super::EngineKind = super::EngineKind {
    name: "embedded",
    summary: "this machine: the native mapper in-process, SQL on DataFusion, the warehouse on local disk",
    required_keys,
    compile: crate::codegen::embedded,
    bundle: None,
    build,
    warehouse: local_warehouse,
    source_digest,
};

/// For a map task, the tracking-log files its window reads (path, size, modification time); for an LMS import
/// from a TSV export, that file's size and time. An LMS database is read once per snapshot partition (the run
/// date): the digest names the database, so the same day's snapshot is not taken again (`edxc restate` does).
fn source_digest(profile: &crate::config::profile::Profile, root: &Path, t: &Task) -> Result<Option<String>> {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    let stat = |h: &mut sha2::Sha256, path: &Path| -> Result<()> {
        let meta = std::fs::metadata(path).with_context(|| format!("cannot stat {}", path.display()))?;
        let mtime = meta.modified().ok().and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok());
        h.update(format!("{}\0{}\0{:?}\n", path.display(), meta.len(), mtime).as_bytes());
        Ok(())
    };
    match &t.kind {
        TaskKind::Map { window, include, dirs, .. } => {
            // The keys the map reads, straight from the profile (`EmbeddedConfig` would resolve the LMS secret).
            let resolve = |v: String| if Path::new(&v).is_absolute() { PathBuf::from(v) } else { root.join(v) };
            let Ok(logs) = profile.list("tracking_logs") else { return Ok(None) };
            let logs: Vec<PathBuf> = logs.into_iter().map(resolve).collect();
            if logs.is_empty() || logs.iter().any(|d| !d.is_dir()) {
                return Ok(None);
            }
            let mut patterns = profile.list("tracking_pattern").unwrap_or_default();
            if patterns.is_empty() {
                patterns.push(mapper::DEFAULT_PATTERN.to_string());
            }
            let get = |k: &str, default: &'static str| profile.get(k).unwrap_or(default).to_string();
            let (Ok(patterns), Ok(undated), Ok(expand)) = (
                patterns.iter().map(|p| regex::Regex::new(p)).collect::<Result<Vec<_>, _>>(),
                regex::Regex::new(&get("tracking_undated_pattern", mapper::DEFAULT_UNDATED_PATTERN)),
                profile.i64_or("expand_interval_days", 2),
            ) else {
                return Ok(None);
            };
            let files = match window {
                Some(window) => mapper::select_files(&logs, &patterns, Some(&undated), window, expand)?.0,
                // Without a window: the files its include globs select.
                None => {
                    let Ok(globs) = crate::config::include::compile(include) else { return Ok(None) };
                    let mut files = Vec::new();
                    for dir in &logs {
                        files.extend(mapper::select_included(dir, &globs)?.0);
                    }
                    files
                }
            };
            for f in &files {
                stat(&mut h, f)?;
            }
            // The pipeline's own log directories, next to the warehouse (as the map reads them).
            let Some(warehouse) = profile.path("warehouse", root) else { return Ok(None) };
            let base = warehouse.parent().unwrap_or(&warehouse).to_path_buf();
            for (dir, pattern) in dirs {
                let (dir, Ok(pattern)) = (base.join(dir), regex::Regex::new(pattern)) else { return Ok(None) };
                h.update(format!("dir {}\n", dir.display()).as_bytes());
                if dir.is_dir() {
                    let (dirs, patterns) = (std::slice::from_ref(&dir), std::slice::from_ref(&pattern));
                    for f in mapper::select_files_noting(dirs, patterns, None, window.as_ref(), expand)?.0 {
                        stat(&mut h, &f)?;
                    }
                }
            }
        }
        TaskKind::ImportLms { lms_table } => {
            // `lms_credentials` overrides `lms`: a `{"url": ...}` there names the LMS itself; the original's form
            // (host, user, password) names a database, by the file that holds it (its password is never read here).
            let from_credentials = profile.get("lms_credentials").map(|path| {
                let url = std::fs::read(path)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                    .and_then(|v| v.get("url").and_then(|u| u.as_str()).map(str::to_string));
                url.unwrap_or_else(|| format!("mysql://credentials {path}"))
            });
            let Some(lms) = from_credentials.as_deref().or(profile.get("lms")) else { return Ok(None) };
            if lms.contains("://") || lms.contains("SECRET[") {
                h.update(format!("database {lms} table {lms_table}").as_bytes());
            } else {
                let dir = if Path::new(lms).is_absolute() { Path::new(lms).to_path_buf() } else { root.join(lms) };
                let file = dir.join(format!("{lms_table}.tsv"));
                if !file.is_file() {
                    return Ok(None);
                }
                stat(&mut h, &file)?;
            }
        }
        _ => return Ok(None),
    }
    Ok(Some(h.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()))
}

fn required_keys(needs: &super::Needs) -> Vec<&'static str> {
    let mut keys = vec!["warehouse", "result_store"];
    if needs.tracking_logs {
        keys.push("tracking_logs");
    }
    if needs.lms {
        keys.push("lms");
    }
    if needs.geoip {
        keys.push("geoip_database");
    }
    keys
}

fn local_warehouse(profile: &crate::config::profile::Profile, root: &Path) -> Result<Warehouse> {
    let wh = profile.path("warehouse", root).ok_or_else(|| anyhow::anyhow!("the profile sets no warehouse"))?;
    Ok(Warehouse::local(wh))
}

fn build(profile: &crate::config::profile::Profile, root: &Path, flags: &RunFlags) -> Result<Box<dyn super::Engine>> {
    let config = EmbeddedConfig::from_profile(profile, root, flags).map_err(anyhow::Error::msg)?;
    Ok(Box::new(EmbeddedEngine { config }))
}

pub struct EmbeddedEngine {
    pub config: EmbeddedConfig,
}

impl super::Engine for EmbeddedEngine {
    fn warehouse(&self) -> Warehouse {
        Warehouse::local(&self.config.warehouse)
    }

    /// Runs every task but the sinks in the order their dependencies allow (`Task::deps`, see `schedule`); every
    /// map task of every plan runs in ONE pass over the logs (they depend on no task). Everything is written to the
    /// run's staging area; sinks are loaded by `sinks::load`.
    fn run(&mut self, plans: &[Plan], staging: &mut Staging, on_task: &mut super::OnTask<'_>) -> Result<RunReport> {
        let mut run = EmbeddedRun { config: &self.config, staging, on_task, countries: None };
        let mut report = RunReport::default();
        run.preflight(plans)?;
        run.load_countries(plans)?;
        run.schedule(plans, &mut report)?;
        Ok(report)
    }
}

/// One run of the embedded engine: its settings, staging area and progress callback.
struct EmbeddedRun<'a> {
    config: &'a EmbeddedConfig,
    /// Where every partition of the run is written (and read back from); published only after the whole run.
    staging: &'a mut Staging,
    /// Called after each task is staged (progress output, checks and loads of finished tables).
    on_task: &'a mut super::OnTask<'a>,
    /// The country table of the profile's GeoIP database, when a reducer of the run looks countries up.
    countries: Option<std::sync::Arc<crate::natives::CountryRanges>>,
}

impl EmbeddedRun<'_> {
    /// Fails before any work when an input the run needs is missing, so a bad setting leaves nothing behind.
    fn preflight(&self, plans: &[Plan]) -> Result<()> {
        let has_maps = plans.iter().flat_map(|p| &p.tasks).any(|t| matches!(t.kind, TaskKind::Map { .. }));
        if has_maps {
            if self.config.tracking_logs.is_empty() {
                bail!("the profile sets no `tracking_logs` directory");
            }
            if let Some(dir) = self.config.tracking_logs.iter().find(|d| !d.is_dir()) {
                bail!(
                    "tracking log directory {} does not exist (set tracking_logs in the profile or --var tracking_logs=DIR)",
                    dir.display()
                );
            }
        }
        Ok(())
    }

    /// Reads the GeoIP database once, before any work, when a reducer of the run needs it (a missing or unreadable
    /// file fails the run here, naming it).
    fn load_countries(&mut self, plans: &[Plan]) -> Result<()> {
        let needed = plans.iter().flat_map(|p| &p.tasks).any(|t| match &t.kind {
            TaskKind::Reduce { reducer } => t.enabled && crate::geoip::reducer_needs(reducer),
            _ => false,
        });
        if !needed {
            return Ok(());
        }
        let path = self.config.geoip_database.as_deref().ok_or_else(|| {
            anyhow!("the profile sets no `geoip_database` (a MaxMind country database, e.g. GeoLite2-Country.mmdb)")
        })?;
        self.countries = Some(std::sync::Arc::new(crate::geoip::load(path)?));
        Ok(())
    }

    fn finish(&mut self, report: &mut RunReport, r: TaskReport) -> Result<()> {
        (self.on_task)(&r, &*self.staging)?;
        crate::failpoint::hit(&format!("task:{}", r.node))?;
        report.tasks.push(r);
        Ok(())
    }

    fn one_partition(t: &Task) -> Result<String> {
        match &t.writes {
            Some(Partitions::One(v)) => Ok(v.clone()),
            _ => bail!("task {} has no single output partition", t.node),
        }
    }

    fn report(t: &Task, kind: &'static str, partitions: Vec<String>, rows: u64, started: Instant) -> TaskReport {
        TaskReport {
            pipeline: t.pipeline.clone(),
            node: t.node.clone(),
            table: t.table.clone(),
            kind,
            partitions,
            rows,
            elapsed: started.elapsed(),
            note: None,
            skipped: vec![],
        }
    }

    fn import_lms(&mut self, t: &Task) -> Result<TaskReport> {
        let started = Instant::now();
        let TaskKind::ImportLms { lms_table } = &t.kind else { bail!("not an import") };
        let lms = self
            .config
            .lms
            .as_deref()
            .ok_or_else(|| anyhow!("the profile sets no `lms` (a TSV directory or mysql:// URL)"))?;
        let names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
        let start_time = crate::lms::import_time();
        let mut rows = crate::lms::read_table(lms, lms_table, &names)
            .with_context(|| format!("cannot import LMS table `{lms_table}`"))?;
        let end_time = crate::lms::import_time();
        crate::lms::hive_booleans(&t.columns, &mut rows);
        let dt = Self::one_partition(t)?;
        let n = self.staging.write_partition(&t.table, &dt, &rows)?;
        // When the snapshot was taken, as Sqoop's `_metadata` records it: enrollment validation dates its events by
        // it (docs/contract.md §3.15).
        let metadata = crate::lms::import_metadata(lms_table, &names, &start_time, &end_time);
        self.staging.write_partition_file(&t.table, &dt, "_metadata", &metadata)?;
        Ok(Self::report(t, "import", vec![dt], n, started))
    }

    fn run_maps(&mut self, plans: &[Plan], report: &mut RunReport) -> Result<()> {
        let maps: Vec<&Task> =
            plans.iter().flat_map(|p| &p.tasks).filter(|t| matches!(t.kind, TaskKind::Map { .. })).collect();
        if maps.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let mut jobs: Vec<mapper::MapJob> = Vec::new();
        let mut dirs = Vec::new();
        for t in &maps {
            if let TaskKind::Map { extractor, window, include, count_as, dirs: own } = &t.kind {
                jobs.push(mapper::MapJob {
                    table: t.table.clone(),
                    extractor: extractor.clone(),
                    window: *window,
                    partition: if window.is_some() { String::new() } else { Self::one_partition(t)? },
                    include: include.clone(),
                    count_as: count_as.clone(),
                    columns: t.columns.clone(),
                });
                dirs.push(own.clone());
            }
        }
        let roots = self.config.tracking_logs.clone();
        let root = roots.first().cloned().ok_or_else(|| anyhow!("the profile sets no `tracking_logs` directory"))?;
        // One pass over the logs for every map: maps with a window read the files dated for it, maps without one
        // (answer distribution) every file their globs select; each file feeds the maps that read it.
        let all: Vec<&mapper::MapJob> = jobs.iter().collect();
        let (files, selection) = self.select(&roots, &all, &dirs)?;
        report.files = selection;
        let out = self.map_pass(&all, &files, &root)?;
        report.counters = out.counters.entries();
        report.damaged_files = out.damaged;
        let written = out.written;
        for job in &jobs {
            self.check_not_emptied(job, written.get(&job.table).copied().unwrap_or(0), &root)?;
        }
        for (t, job) in maps.iter().zip(&jobs) {
            let mut r =
                Self::report(t, "map", job.partitions(), written.get(&job.table).copied().unwrap_or(0), started);
            r.note = Some(format!("{} files, one pass", files.len()));
            self.finish(report, r)?;
        }
        Ok(())
    }

    /// The log files the maps read, each with the maps that read it, and why the other files were not read.
    fn select(
        &self,
        roots: &[PathBuf],
        jobs: &[&mapper::MapJob],
        dirs: &[Vec<(String, String)>],
    ) -> Result<(Vec<mapper::FileJobs>, crate::engine::FileSelection)> {
        let regex = |what: &str, p: &str| regex::Regex::new(p).with_context(|| format!("invalid {what} `{p}`"));
        let n = jobs.len();
        let mut reads: std::collections::BTreeMap<std::path::PathBuf, Vec<bool>> = std::collections::BTreeMap::new();
        let mut why = Vec::new();
        let mut selection: Option<crate::engine::FileSelection> = None;
        let mut skipped = Vec::new();
        if let Some(span) = jobs.iter().filter_map(|j| j.window).reduce(|a, b| a.union(&b)) {
            let patterns = self
                .config
                .tracking_patterns
                .iter()
                .map(|p| regex("tracking_pattern", p))
                .collect::<Result<Vec<_>>>()?;
            let undated = regex("tracking_undated_pattern", &self.config.tracking_undated_pattern)?;
            let expand = self.config.expand_interval_days;
            let (files, sel, left) =
                mapper::select_files_noting(roots, &patterns, Some(&undated), Some(&span), expand)?;
            for f in files {
                let r = reads.entry(f).or_insert_with(|| vec![false; n]);
                for (j, job) in jobs.iter().enumerate() {
                    r[j] = job.window.is_some();
                }
            }
            why.push(format!(
                "{} (widened by {} days): {} dated outside it, {} not matching tracking_pattern, {} hidden",
                span, self.config.expand_interval_days, sel.outside_interval, sel.not_matching, sel.hidden
            ));
            selection = Some(sel);
            skipped = left;
        }
        for (j, job) in jobs.iter().enumerate().filter(|(_, job)| job.window.is_none()) {
            let globs = crate::config::include::compile(&job.include).map_err(anyhow::Error::msg)?;
            let (mut files, mut sel) = (Vec::new(), crate::engine::FileSelection::default());
            for root in roots {
                let (f, s) = mapper::select_included(root, &globs)?;
                files.extend(f);
                sel.read += s.read;
                sel.undated += s.undated;
                sel.not_matching += s.not_matching;
                sel.hidden += s.hidden;
            }
            why.push(format!("include {}: {} not matching", job.include.join(" "), sel.not_matching));
            match &mut selection {
                None => selection = Some(sel),
                // Read whatever their date: files the other maps left out are read after all.
                Some(s) => {
                    let added = files.iter().filter(|f| !reads.contains_key(*f)).count();
                    s.read += added;
                    s.undated += added;
                    // Both selections skip hidden names, so only files the dated one left out can be read now.
                    let now: std::collections::HashSet<&std::path::PathBuf> = files.iter().collect();
                    skipped.retain(|(p, skip)| {
                        let read = now.contains(p);
                        match skip {
                            mapper::Skip::NotMatching if read => s.not_matching -= 1,
                            mapper::Skip::OutsideInterval if read => s.outside_interval -= 1,
                            _ => {}
                        }
                        !read
                    });
                }
            }
            for f in files {
                reads.entry(f).or_insert_with(|| vec![false; n])[j] = true;
            }
        }
        // A pipeline's own log directories: read by the maps that list them only; one that does not exist yet has
        // no files (as an empty directory). A relative one is taken from the directory holding the warehouse, as
        // the files sinks that write them do (`sinks::files`).
        let base = self.config.warehouse.parent().unwrap_or(&self.config.warehouse).to_path_buf();
        for (j, own) in dirs.iter().enumerate() {
            for (dir, pattern) in own {
                let dir = base.join(dir);
                if !dir.is_dir() {
                    continue;
                }
                let pattern = regex("tracking_log_dir pattern", pattern)?;
                let (found, w, _) = mapper::select_files_noting(
                    std::slice::from_ref(&dir),
                    std::slice::from_ref(&pattern),
                    None,
                    jobs[j].window.as_ref(),
                    self.config.expand_interval_days,
                )?;
                let s = selection.get_or_insert_with(Default::default);
                s.undated += w.undated;
                s.outside_interval += w.outside_interval;
                s.not_matching += w.not_matching;
                s.hidden += w.hidden;
                for f in found {
                    reads.entry(f).or_insert_with(|| vec![false; n])[j] = true;
                }
            }
        }
        if let Some(s) = &mut selection {
            s.read = reads.len();
        }
        let root = roots.first().map(|r| r.as_path()).unwrap_or(Path::new("."));
        if reads.is_empty() && !self.config.allow_empty {
            bail!(
                "no tracking-log file to read under {} for {}; pass --allow-empty to run on no input",
                root.display(),
                why.join("; ")
            );
        }
        Ok((reads.into_iter().collect(), selection.unwrap_or_default()))
    }

    /// One pass over `files` for `jobs`, with the bad-input checks.
    fn map_pass(
        &mut self,
        jobs: &[&mapper::MapJob],
        files: &[mapper::FileJobs],
        root: &Path,
    ) -> Result<mapper::MapOutput> {
        // On a terminal, a line that says how far the pass is (it can take minutes on a large site's logs).
        let tty = std::io::stderr().is_terminal() && !self.config.quiet;
        let total = files.len();
        let mut progress = |done: usize, bytes: u64| {
            if tty {
                eprint!("\r  map     {done}/{total} files, {} MB read", bytes >> 20);
                if done == total {
                    eprint!("\r\x1b[K");
                }
            }
        };
        let out = mapper::run(jobs, files, self.staging, self.config.ccx_enabled, self.config.jobs, &mut progress)?;
        for d in &out.damaged {
            eprintln!("  damaged {}: {} (lines before the damage kept)", d.path, d.reason);
        }
        // Bad lines against lines read, and damaged files against files read: either past the ratio fails the run.
        let lines = out.counters.lines();
        let bad = out.counters.bad_records();
        let ratio = self.config.max_bad_ratio;
        if lines > 0 && (bad as f64) > ratio * lines as f64 {
            bail!(
                "{bad} of {lines} tracking-log lines were unreadable ({:.1}%), above max_bad_ratio {:.1}%: check the \
                 logs under {} (nothing was published)",
                100.0 * bad as f64 / lines as f64,
                100.0 * ratio,
                root.display()
            );
        }
        let damaged = out.damaged.len();
        if damaged > 0 && (damaged as f64) > ratio * files.len() as f64 {
            let names: Vec<&str> = out.damaged.iter().map(|d| d.path.as_str()).collect();
            bail!(
                "{damaged} of {} tracking-log files were damaged or unreadable, above max_bad_ratio {:.1}%: {} \
                 (nothing was published)",
                files.len(),
                100.0 * ratio,
                names.join(", ")
            );
        }
        Ok(out)
    }

    /// A map that found nothing for days where the published warehouse holds rows from earlier runs most likely
    /// read the wrong logs (a share that did not mount): refused unless `allow_empty`.
    fn check_not_emptied(&self, job: &mapper::MapJob, rows: u64, logs: &std::path::Path) -> Result<()> {
        if rows > 0 || self.config.allow_empty {
            return Ok(());
        }
        let mut before = 0;
        for dt in job.partitions() {
            before += self.staging.warehouse().count_rows(&job.table, &dt)?.unwrap_or(0);
        }
        if before > 0 {
            let what = match &job.window {
                Some(w) => w.to_string(),
                None => format!("partition {}", job.partition),
            };
            bail!(
                "`{}` found no events for {what} in the logs under {}, where earlier runs wrote {before} rows: refusing \
                 to replace them with nothing (check that the logs are there; pass --allow-empty if this is right)",
                job.table,
                logs.display()
            );
        }
        Ok(())
    }

    /// Stages what a transform computed: its one output partition.
    fn store(&mut self, t: &Task, c: Computed) -> Result<TaskReport> {
        let dt = Self::one_partition(t)?;
        let n = match &c.output {
            Output::Rows(rows) => self.staging.write_partition(&t.table, &dt, rows)?,
            Output::Text { text, rows } => self.staging.write_partition_text(&t.table, &dt, text, *rows)?,
        };
        if let (false, Output::Text { text, .. }) = (c.copy.is_empty(), &c.output) {
            // The manifest last: a copy without one is not used.
            for (i, run) in c.copy.iter().enumerate() {
                self.staging.write_partition_file(&t.table, &dt, &sorted_copy::run_file(i), run)?;
            }
            let manifest = sorted_copy::manifest(text.len() as u64, c.copy.len());
            self.staging.write_partition_file(&t.table, &dt, sorted_copy::MANIFEST, &manifest)?;
        }
        let mut r = Self::report(t, c.kind, vec![dt], n, c.started);
        r.skipped = c.skipped;
        Ok(r)
    }
}

/// What a transform computed on a worker thread, for the run's thread to stage.
struct Computed {
    kind: &'static str,
    output: Output,
    skipped: crate::natives::SkipCounts,
    started: Instant,
    /// The runs of the output's sorted copy, if it gets one.
    copy: Vec<Vec<u8>>,
}

/// A transform's output partition: rows, or Hive text lines already (a reducer's, whose output can be large).
enum Output {
    Rows(Vec<Row>),
    Text { text: Vec<u8>, rows: u64 },
}

/// What transforms read while they run concurrently: the settings, and the staging area as written so far (every
/// input of a transform is staged before it starts).
struct Reader<'a> {
    config: &'a EmbeddedConfig,
    staging: crate::warehouse::StagingView,
    countries: Option<&'a std::sync::Arc<crate::natives::CountryRanges>>,
}

impl Reader<'_> {
    /// Computes a reduce, SQL or native transform. With `copy`, a reducer's output also gets a sorted copy
    /// (`sorted_copy`): the SQL transforms reading it then read Arrow, not its text, each of them.
    fn compute(&self, t: &Task, copy: bool) -> Result<Computed> {
        let started = Instant::now();
        let mut runs = Vec::new();
        let (kind, (output, skipped)) = match &t.kind {
            TaskKind::Reduce { reducer } => {
                let out = self.reduce(t, reducer)?;
                if let (true, Output::Text { text, .. }) = (copy, &out.0) {
                    if !text.is_empty() {
                        crate::failpoint::hit(&format!("copy:{}", t.table))?;
                        runs = sorted_copy::encode_text(&t.columns, &t.node, text)?.unwrap_or_default();
                    }
                }
                ("reduce", out)
            }
            TaskKind::Sql { body, .. } => ("sql", (Output::Rows(self.sql(t, body)?), Default::default())),
            TaskKind::Native { function, input_file } => {
                let (rows, skipped) = self.native(t, function, input_file.as_deref())?;
                ("native", (Output::Rows(rows), skipped))
            }
            _ => bail!("task {} is not a transform", t.node),
        };
        Ok(Computed { kind, output, skipped, started, copy: runs })
    }

    fn reduce(&self, t: &Task, reducer: &str) -> Result<(Output, crate::natives::SkipCounts)> {
        let spec = crate::natives::reducer(reducer).ok_or_else(|| anyhow!("unknown reducer {reducer}"))?;
        let i = t.inputs.first().ok_or_else(|| anyhow!("reducer {} has no input", t.node))?;
        let positions = i.positions(spec.input.iter().map(|c| c.name)).map_err(anyhow::Error::msg)?;
        // The input stays Hive text (each row gets its partition's `dt` after its fields), not a string per cell.
        let mut files = Vec::new();
        if t.enabled {
            for dt in i.partitions.values() {
                for (name, bytes) in self.staging.partition_data(&i.table, &dt)? {
                    files.push(crate::natives::TextFile { name, bytes, appended: vec![Some(dt.clone())] });
                }
            }
        }
        let input = crate::natives::TextInput { files, width: i.columns.len(), positions };
        let (text, rows, skipped) = match (self.countries, crate::geoip::reducer_needs(reducer)) {
            (Some(countries), true) => {
                let mut args = t.args.clone();
                let db = self.config.geoip_database.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
                args.insert(crate::natives::GEOIP_ARG.to_string(), db);
                crate::natives::run_reducer_on_text(reducer, &args, &input, Some(countries.clone()))?
            }
            (None, true) => Default::default(),
            _ => crate::natives::run_reducer_on_text(reducer, &t.args, &input, None)?,
        };
        Ok((Output::Text { text, rows }, skipped))
    }

    fn sql(&self, t: &Task, body: &str) -> Result<Vec<Row>> {
        if !t.enabled {
            return Ok(vec![]);
        }
        let run = |copies: bool| -> Result<Vec<Row>> {
            let inputs = t.inputs.iter().map(|i| self.sql_input(i, copies)).collect::<Result<Vec<_>>>()?;
            sql::run(body, inputs, &t.columns).with_context(|| format!("transform `{}`", t.node))
        };
        match run(true) {
            // A sorted copy is a cache of the text: when reading one fails, the text is read instead.
            Err(e) if e.chain().any(|c| c.to_string().contains(sorted_copy::DAMAGED)) => {
                eprintln!("  {e:#}; reading the Hive text instead");
                run(false)
            }
            r => r,
        }
    }

    /// One input of a SQL transform, from the sorted copies of its partitions when `copies` and every partition has
    /// one that matches its text, else from the text.
    fn sql_input(&self, i: &crate::graph::InputRead, copies: bool) -> Result<sql_stream::StreamedInput> {
        let dts = i.partitions.values();
        let mut sizes = std::collections::HashMap::new();
        for dt in &dts {
            sizes.insert(dt.clone(), self.staging.partition_bytes(&i.table, dt)?);
        }
        let bytes = sizes.values().sum();
        let open: sql_stream::OpenCopy = {
            let (view, table, columns) = (self.staging.clone(), i.table.clone(), i.columns.clone());
            std::sync::Arc::new(move |dt: &str| {
                let Some(mut file) = view.open_partition_file(&table, dt, sorted_copy::MANIFEST)? else {
                    return Ok(None);
                };
                let mut manifest = Vec::new();
                std::io::Read::read_to_end(&mut file, &mut manifest)?;
                let Some(runs) = sorted_copy::runs(&manifest, sizes.get(dt).copied().unwrap_or(0)) else {
                    return Ok(None);
                };
                let mut out = Vec::with_capacity(runs);
                for run in 0..runs {
                    let Some(file) = view.open_partition_file(&table, dt, &sorted_copy::run_file(run))? else {
                        return Ok(None);
                    };
                    let Some(batches) = sorted_copy::open_run(file, &columns, dt) else { return Ok(None) };
                    out.push(batches);
                }
                Ok(Some(out))
            })
        };
        // Whether every partition has a usable copy is known before planning (the planner is told the order); opening
        // one reads only its manifest and the runs' schemas, and the query opens them again to read them.
        let mut usable = copies && !dts.is_empty();
        for dt in &dts {
            usable = usable && open(dt)?.is_some();
        }
        let (view, table) = (self.staging.clone(), i.table.clone());
        Ok(sql_stream::StreamedInput {
            name: i.table.clone(),
            columns: i.columns.clone(),
            dts,
            bytes,
            workers: self.config.jobs,
            read: std::sync::Arc::new(move |dt: &str| view.open_partition(&table, dt)),
            copies: usable.then_some(open),
        })
    }

    fn native(
        &self,
        t: &Task,
        function: &str,
        input_file: Option<&str>,
    ) -> Result<(Vec<Row>, crate::natives::SkipCounts)> {
        if !t.enabled {
            return Ok(Default::default());
        }
        let text = match input_file {
            Some(rel) => {
                let missing =
                    || format!("`{}` reads {}, which does not exist", t.node, self.staging.describe_file(rel));
                let bytes = self.staging.read_file(rel)?.with_context(missing)?;
                Some(String::from_utf8(bytes).with_context(|| {
                    format!("`{}` reads {}, which is not UTF-8", t.node, self.staging.describe_file(rel))
                })?)
            }
            None => None,
        };
        crate::natives::run_native_counted(function, &t.args, text.as_deref())
            .with_context(|| format!("transform `{}`", t.node))
    }
}
