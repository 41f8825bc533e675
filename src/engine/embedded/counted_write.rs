//! Stages the partitions of the counted map jobs from the workers' sorted rows. Partitions merge independently
//! (`counted::merge_partition`), so each of `workers` threads takes the next partition, merges it and makes its runs
//! (Hive text and sorted copy, `counted_run`: a few MiB of text each), while the run's thread stages what they send.
//! The phase keeps every core busy, and a day's size does not set what it costs in memory: a thread holds one run,
//! and at most two wait to be staged.

use super::counted::{self, Sorted};
use super::counted_run::RunBuilder;
use super::sorted_copy;
use crate::model::Column;
use crate::warehouse::{FileWriter, Staging};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::SyncSender;

/// A job's partition, by index: (job, partition).
type At = (u16, u16);

/// What a merging thread sends: a run of partition `at` (its text and its sorted copy), or the partition's end.
enum Piece {
    Run { at: At, text: Vec<u8>, copy: Vec<u8> },
    Done { at: At, rows: u64 },
}

/// A partition being staged: its text file, the bytes written to it and the runs of its copy so far.
struct Open {
    out: Box<dyn FileWriter>,
    bytes: u64,
    runs: usize,
}

/// A counted map job as its writer sees it: the table, its columns (the key's fields, then the count) and its
/// partitions' `dt`, in the order of the keys' partition numbers.
pub struct CountedTable<'a> {
    pub table: &'a str,
    pub columns: &'a [Column],
    pub dts: Vec<String>,
}

/// Stages every partition of the counted `jobs` (by the keys' job number; `None` for a job that counts nothing; rows
/// in `sorted`), adding the rows written to `written`.
pub fn write_counted(
    jobs: &[Option<CountedTable>],
    sorted: &[Sorted],
    staging: &mut Staging,
    written: &mut BTreeMap<String, u64>,
    workers: usize,
) -> Result<()> {
    let present = counted::partitions(sorted);
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Piece>>(2);
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..workers.clamp(1, present.len().max(1)) {
            let (tx, next, present) = (tx.clone(), &next, &present);
            s.spawn(move || {
                while let Some(&at) = present.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Err(e) = merge_one(jobs, sorted, at, &tx) {
                        // Nobody listens any more when the run already failed.
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            });
        }
        drop(tx);
        // A failure returns at once: the receiver goes, so the threads' next send fails and they stop.
        let mut open: HashMap<At, Open> = HashMap::new();
        for piece in rx {
            match piece? {
                Piece::Run { at, text, copy } => {
                    let (job, dt) = locate(jobs, at)?;
                    let o = match open.entry(at) {
                        std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(Open { out: staging.start_partition(job.table, dt)?, bytes: 0, runs: 0 })
                        }
                    };
                    o.out.write_all(&text).with_context(|| format!("cannot write {}/dt={dt}", job.table))?;
                    o.bytes += text.len() as u64;
                    staging.write_partition_file(job.table, dt, &sorted_copy::run_file(o.runs), &copy)?;
                    o.runs += 1;
                }
                Piece::Done { at, rows } => {
                    let (job, dt) = locate(jobs, at)?;
                    let o = match open.remove(&at) {
                        Some(o) => o,
                        None => Open { out: staging.start_partition(job.table, dt)?, bytes: 0, runs: 0 },
                    };
                    *written.entry(job.table.to_string()).or_insert(0) +=
                        staging.finish_partition(job.table, dt, o.out, rows)?;
                    let manifest = sorted_copy::manifest(o.bytes, o.runs);
                    staging.write_partition_file(job.table, dt, sorted_copy::MANIFEST, &manifest)?;
                }
            }
        }
        Ok(())
    })?;
    // Partitions no row went to are written empty, as every partition of a job is.
    for (j, job) in jobs.iter().enumerate() {
        let Some(job) = job else { continue };
        written.entry(job.table.to_string()).or_insert(0);
        for (p, dt) in job.dts.iter().enumerate() {
            if present.binary_search(&(j as u16, p as u16)).is_err() {
                let out = staging.start_partition(job.table, dt)?;
                staging.finish_partition(job.table, dt, out, 0)?;
                staging.write_partition_file(job.table, dt, sorted_copy::MANIFEST, &sorted_copy::manifest(0, 0))?;
            }
        }
    }
    Ok(())
}

/// The job and `dt` of partition `at`.
fn locate<'j, 'a>(jobs: &'j [Option<CountedTable<'a>>], at: At) -> Result<(&'j CountedTable<'a>, &'j str)> {
    let (j, p) = (usize::from(at.0), usize::from(at.1));
    let job = jobs.get(j).and_then(Option::as_ref);
    match (job, job.and_then(|t| t.dts.get(p))) {
        (Some(job), Some(dt)) => Ok((job, dt)),
        _ => anyhow::bail!("a counted row names map job {j}, partition {p}, which this run does not have"),
    }
}

/// Merges partition `at` and sends its runs, then its end.
fn merge_one(jobs: &[Option<CountedTable>], sorted: &[Sorted], at: At, tx: &SyncSender<Result<Piece>>) -> Result<()> {
    let (job, _) = locate(jobs, at)?;
    let mut run = RunBuilder::new(job.columns);
    let mut rows = 0;
    counted::merge_partition(sorted, at, &mut |key, count| {
        run.push(job.table, key, count)?;
        rows += 1;
        if run.text.len() >= sorted_copy::RUN_TEXT_BYTES {
            send_run(job, at, &mut run, tx)?;
        }
        Ok(())
    })?;
    if run.rows() > 0 {
        send_run(job, at, &mut run, tx)?;
    }
    tx.send(Ok(Piece::Done { at, rows })).map_err(|_| stopped())
}

/// Sends the run made so far: its text, and its rows sorted as the copy's run.
fn send_run(job: &CountedTable, at: At, run: &mut RunBuilder, tx: &SyncSender<Result<Piece>>) -> Result<()> {
    let (text, rows) = run.take(job.table)?;
    crate::failpoint::hit(&format!("copy:{}", job.table))?;
    let copy = sorted_copy::encode_run(job.columns, rows)?;
    tx.send(Ok(Piece::Run { at, text, copy })).map_err(|_| stopped())
}

fn stopped() -> anyhow::Error {
    anyhow::anyhow!("the run stopped while its counted partitions were being written")
}
