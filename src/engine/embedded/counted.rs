//! Map rows counted by value (`count_as`), in bounded memory.
//!
//! Each worker keeps one byte arena of keys, a vector of slots into it and a hash table of slot indexes (each beside
//! its key's hash, so the table grows without reading keys): a row seen before costs a hash and a compare, a new one
//! a copy into the arena, never an allocation of its own. Keys sort as their rows do (an order-preserving encoding,
//! [`encode`]), so the warehouse partitions and their sorted copies are made straight from the sorted keys without
//! building rows or parsing text. Past its memory budget a worker sorts its table into a run file and starts
//! afresh; at the end every worker's runs are merged, equal keys summed, so memory stays bounded however large the
//! input.

use anyhow::{Context, Result};
use hashbrown::HashTable;
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Arena, slot and table bytes all workers together fill before they spill (each its share): the default, and the
/// environment variable that sets it (bytes, or a number with a K, M or G suffix).
pub const DEFAULT_BUDGET: usize = 96 << 20;
pub const BUDGET_ENV: &str = "EDXC_MAP_MEMORY";

/// The budget of each of `workers` workers.
pub fn budget(workers: usize) -> Result<usize> {
    let total = match std::env::var(BUDGET_ENV) {
        Ok(v) => parse_bytes(&v)
            .with_context(|| format!("{BUDGET_ENV}=`{v}`: expected bytes, or a number with K, M or G"))?,
        Err(_) => DEFAULT_BUDGET,
    };
    Ok(total / workers.max(1))
}

fn parse_bytes(v: &str) -> Option<usize> {
    let v = v.trim();
    let (num, shift) = match v.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            (&v[..i], [('K', 10), ('M', 20), ('G', 30)].iter().find(|(u, _)| c.eq_ignore_ascii_case(u))?.1)
        }
        _ => (v, 0),
    };
    num.parse::<usize>().ok()?.checked_mul(1 << shift)
}

/// Appends the key of `fields` in partition `part` of map job `job` to `out` (cleared first).
///
/// Layout: `job` and `part` as big-endian u16, then per field `0x01` for NULL, or `0x02`, the value with each
/// `0x00` written as `0x00 0xFF`, and `0x00 0x00`. Byte order of keys is then (job, part, row) order, rows ordered
/// as `Vec<Option<String>>` orders them (NULL first, values by bytes, a prefix before its extensions).
pub fn encode(job: u16, part: u16, fields: &[Option<&str>], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&job.to_be_bytes());
    out.extend_from_slice(&part.to_be_bytes());
    for f in fields {
        match f {
            None => out.push(1),
            // Most values are short and hold no NUL: a plain loop finds that sooner than a call to `memchr`.
            Some(v) if v.len() <= 64 && !v.bytes().any(|b| b == 0) => {
                out.push(2);
                out.extend_from_slice(v.as_bytes());
                out.extend_from_slice(&[0, 0]);
            }
            Some(v) => {
                out.push(2);
                let mut rest = v.as_bytes();
                while let Some(i) = memchr::memchr(0, rest) {
                    out.extend_from_slice(&rest[..=i]);
                    out.push(0xFF);
                    rest = &rest[i + 1..];
                }
                out.extend_from_slice(rest);
                out.extend_from_slice(&[0, 0]);
            }
        }
    }
}

/// The job and partition of a key.
pub fn key_partition(key: &[u8]) -> (u16, u16) {
    let b = |i: usize| key.get(i).copied().unwrap_or(0);
    (u16::from_be_bytes([b(0), b(1)]), u16::from_be_bytes([b(2), b(3)]))
}

/// Calls `field` with each field of the row of `key`, in order: `None` for NULL, else the value's bytes.
pub fn fields(key: &[u8], scratch: &mut Vec<u8>, field: &mut dyn FnMut(Option<&[u8]>)) {
    let mut rest = key.get(4..).unwrap_or_default();
    while !rest.is_empty() {
        let (value, used) = field_at(rest, scratch);
        field(value);
        rest = rest.get(used..).unwrap_or_default();
    }
}

/// The field at the start of `rest` (a key past its job and partition): its value (`None` for NULL; one holding NUL
/// bytes is decoded into `scratch`) and the bytes of `rest` it takes.
#[inline]
fn field_at<'a>(rest: &'a [u8], scratch: &'a mut Vec<u8>) -> (Option<&'a [u8]>, usize) {
    let Some((&tag, after)) = rest.split_first() else { return (None, 0) };
    if tag == 1 {
        return (None, 1);
    }
    // Up to the terminator `00 00`; `00 FF` is a NUL byte of the value.
    let (mut scan, mut used) = (after, 1);
    scratch.clear();
    loop {
        match memchr::memchr(0, scan) {
            Some(i) if scan.get(i + 1) == Some(&0xFF) => {
                scratch.extend_from_slice(&scan[..=i]);
                scan = &scan[i + 2..];
                used += i + 2;
            }
            Some(i) => {
                used += (i + 2).min(scan.len());
                if scratch.is_empty() {
                    return (Some(&scan[..i]), used);
                }
                scratch.extend_from_slice(&scan[..i]);
                break;
            }
            None => {
                scratch.extend_from_slice(scan);
                used += scan.len();
                break;
            }
        }
    }
    let decoded: &'a Vec<u8> = scratch;
    (Some(decoded), used)
}

/// Writes `key` and its `count` as one record: its length (u32), its bytes, the count (u64), little-endian; returns
/// the bytes written. Spill runs are lists of these.
fn write_record(out: &mut impl Write, key: &[u8], count: u64) -> std::io::Result<u64> {
    out.write_all(&(key.len() as u32).to_le_bytes())?;
    out.write_all(key)?;
    out.write_all(&count.to_le_bytes())?;
    Ok(12 + key.len() as u64)
}

/// A counted key: where it is in the arena, how often it was seen, and its first 16 bytes (job, partition and most
/// of the first field) as two numbers, so most comparisons of a sort touch neither the arena nor `memcmp`.
#[derive(Clone, Copy)]
struct Slot {
    head: (u64, u64),
    off: u32,
    len: u32,
    count: u64,
}

fn head(key: &[u8]) -> (u64, u64) {
    let mut h = [0u8; 16];
    let n = key.len().min(16);
    h[..n].copy_from_slice(&key[..n]);
    let (hi, lo) = h.split_at(8);
    let word = |b: &[u8]| b.try_into().map(u64::from_be_bytes).unwrap_or(0);
    (word(hi), word(lo))
}

fn key_of<'a>(arena: &'a [u8], s: &Slot) -> &'a [u8] {
    let off = s.off as usize;
    arena.get(off..off + s.len as usize).unwrap_or_default()
}

/// The hash the table files an entry under, from the 32 bits of it the entry keeps: growing the table then rehashes
/// entries without reading their keys (which would be a cache miss and a hash of the key per entry).
fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// What a table entry holds: the key's 32-bit hash and its slot.
fn entry(h: u32, slot: u32) -> u64 {
    (u64::from(h) << 32) | u64::from(slot)
}

/// Each of a worker's arena and slots reserves its whole budget up front, up to this much: address space only, pages
/// are touched as keys arrive, and neither vector grows by copying itself.
const RESERVE: usize = 256 << 20;

/// One worker's counted rows: the live slots (with a hash table of their indexes) and the runs it spilled. Slots
/// sit in a plain vector, so sorting them for a run or for the merge happens in place and costs no memory.
pub struct Counter {
    arena: Vec<u8>,
    slots: Vec<Slot>,
    /// [`entry`]s: a key's 32-bit hash beside its slot index.
    table: HashTable<u64>,
    hasher: foldhash::fast::FixedState,
    budget: usize,
    spill: SpillDir,
    runs: Vec<Spilled>,
}

/// A run file a worker spilled, and where in it each partition's keys start: a partition's merge reads its part of
/// every run without reading the others.
struct Spilled {
    path: PathBuf,
    starts: Vec<((u16, u16), u64)>,
}

impl Counter {
    pub fn new(budget: usize, spill: SpillDir) -> Self {
        let reserve = budget.min(RESERVE);
        Self {
            arena: Vec::with_capacity(reserve),
            slots: Vec::with_capacity(reserve / std::mem::size_of::<Slot>()),
            table: HashTable::new(),
            hasher: foldhash::fast::FixedState::with_seed(0x6564_7863),
            budget,
            spill,
            runs: Vec::new(),
        }
    }

    /// Counts one occurrence of `key`.
    pub fn add(&mut self, key: &[u8]) -> Result<()> {
        let h = self.hasher.hash_one(key) as u32;
        let hd = head(key);
        let (arena, slots) = (&self.arena, &mut self.slots);
        let same = |&e: &u64| {
            (e >> 32) as u32 == h
                && slots.get(e as u32 as usize).is_some_and(|s| s.head == hd && key_of(arena, s) == key)
        };
        if let Some(&e) = self.table.find(spread(h), same) {
            if let Some(s) = slots.get_mut(e as u32 as usize) {
                s.count += 1;
            }
            return Ok(());
        }
        // Offsets and slot indexes are 32-bit: a worker spills before either would overflow.
        if self.arena.len() + key.len() > u32::MAX as usize || self.slots.len() >= u32::MAX as usize {
            self.spill_run()?;
        }
        let (off, i) = (self.arena.len() as u32, self.slots.len() as u32);
        self.arena.extend_from_slice(key);
        self.slots.push(Slot { head: hd, off, len: key.len() as u32, count: 1 });
        self.table.insert_unique(spread(h), entry(h, i), |&e| spread((e >> 32) as u32));
        // What the counter has touched: the arena and slots as far as they are filled, the table whole.
        let bytes = self.arena.len() + self.slots.len() * std::mem::size_of::<Slot>() + self.table.allocation_size();
        if bytes > self.budget {
            self.spill_run()?;
        }
        Ok(())
    }

    /// Sorts the slots by key, in place; the hash table no longer points at them.
    fn sort(&mut self) {
        // Emptied, not freed: a spill goes on counting into the same table.
        self.table.clear();
        let arena = &self.arena;
        self.slots.sort_unstable_by(|a, b| a.head.cmp(&b.head).then_with(|| key_of(arena, a).cmp(key_of(arena, b))));
    }

    /// Writes the slots, sorted, as a run file and empties the counter.
    fn spill_run(&mut self) -> Result<()> {
        let path = self.spill.next_path()?;
        let mut w = BufWriter::with_capacity(
            1 << 20,
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?,
        );
        self.sort();
        let (mut starts, mut at) = (Vec::new(), 0u64);
        for s in &self.slots {
            let key = key_of(&self.arena, s);
            let part = key_partition(key);
            if starts.last().is_none_or(|(p, _)| *p != part) {
                starts.push((part, at));
            }
            at += write_record(&mut w, key, s.count)?;
        }
        w.into_inner().map_err(|e| e.into_error()).with_context(|| format!("cannot write {}", path.display()))?;
        self.runs.push(Spilled { path, starts });
        // Emptied, not freed: the next run reuses the pages this one touched.
        self.arena.clear();
        self.slots.clear();
        Ok(())
    }

    /// Sorts what is left in memory; the result is merged with the other workers'.
    pub fn finish(mut self) -> Sorted {
        self.sort();
        Sorted { arena: self.arena, slots: self.slots, runs: self.runs, _spill: self.spill }
    }
}

/// A worker's counted rows, sorted: in memory, plus the run files it spilled.
pub struct Sorted {
    arena: Vec<u8>,
    slots: Vec<Slot>,
    runs: Vec<Spilled>,
    _spill: SpillDir,
}

/// The partition of a slot, as a number ordered as (job, partition).
fn slot_partition(s: &Slot) -> u64 {
    s.head.0 >> 32
}

fn partition_number((job, part): (u16, u16)) -> u64 {
    (u64::from(job) << 16) | u64::from(part)
}

impl Sorted {
    /// The slots of partition `at`.
    fn slots_of(&self, at: (u16, u16)) -> &[Slot] {
        let p = partition_number(at);
        let lo = self.slots.partition_point(|s| slot_partition(s) < p);
        let hi = self.slots.partition_point(|s| slot_partition(s) <= p);
        self.slots.get(lo..hi).unwrap_or_default()
    }
}

/// The (job, partition) pairs with at least one counted row, in order.
pub fn partitions(parts: &[Sorted]) -> Vec<(u16, u16)> {
    let mut out: Vec<(u16, u16)> = Vec::new();
    for p in parts {
        let mut rest = p.slots.as_slice();
        while let Some(first) = rest.first() {
            let n = slot_partition(first);
            out.push(((n >> 16) as u16, n as u16));
            rest = rest.get(rest.partition_point(|s| slot_partition(s) == n)..).unwrap_or_default();
        }
        out.extend(p.runs.iter().flat_map(|r| r.starts.iter().map(|(at, _)| *at)));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// One sorted source of keys in a merge.
enum Source<'a> {
    Memory {
        arena: &'a [u8],
        slots: std::slice::Iter<'a, Slot>,
    },
    /// A run file read from the start of one partition's keys to their end.
    File {
        reader: BufReader<File>,
        path: PathBuf,
        part: (u16, u16),
    },
}

impl Source<'_> {
    /// The next key into `key` and its count; `None` at the end.
    fn next(&mut self, key: &mut Vec<u8>) -> Result<Option<u64>> {
        match self {
            Source::Memory { arena, slots } => Ok(slots.next().map(|s| {
                key.clear();
                key.extend_from_slice(key_of(arena, s));
                s.count
            })),
            Source::File { reader, path, part } => {
                let mut len = [0u8; 4];
                match reader.read_exact(&mut len) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
                    Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
                }
                key.resize(u32::from_le_bytes(len) as usize, 0);
                let mut count = [0u8; 8];
                reader
                    .read_exact(key)
                    .and_then(|()| reader.read_exact(&mut count))
                    .with_context(|| format!("cannot read {}", path.display()))?;
                Ok((key_partition(key) == *part).then(|| u64::from_le_bytes(count)))
            }
        }
    }
}

/// Merges the workers' sorted rows and calls `out` once per distinct key, in key order, with the summed count.
#[cfg(test)]
pub fn merge(parts: &[Sorted], out: &mut dyn FnMut(&[u8], u64) -> Result<()>) -> Result<()> {
    for at in partitions(parts) {
        merge_partition(parts, at, out)?;
    }
    Ok(())
}

/// [`merge`] of the keys of partition `at` alone: partitions merge independently, on as many threads as there are.
pub fn merge_partition(parts: &[Sorted], at: (u16, u16), out: &mut dyn FnMut(&[u8], u64) -> Result<()>) -> Result<()> {
    // The common case (one worker, nothing spilled) needs no copy of the keys.
    if let [only] = parts {
        if only.runs.is_empty() {
            for s in only.slots_of(at) {
                out(key_of(&only.arena, s), s.count)?;
            }
            return Ok(());
        }
    }
    let mut sources = Vec::new();
    for p in parts {
        sources.push(Source::Memory { arena: &p.arena, slots: p.slots_of(at).iter() });
        for run in &p.runs {
            let Some(&(_, offset)) = run.starts.iter().find(|(p, _)| *p == at) else { continue };
            let path = &run.path;
            let mut f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(offset))
                .with_context(|| format!("cannot read {}", path.display()))?;
            let reader = BufReader::with_capacity(256 << 10, f);
            sources.push(Source::File { reader, path: path.clone(), part: at });
        }
    }
    merge_sources(sources, out)
}

/// K-way merge of sorted sources. Few sources (workers plus spilled runs), so the smallest head is found by a
/// linear scan.
fn merge_sources(mut sources: Vec<Source<'_>>, out: &mut dyn FnMut(&[u8], u64) -> Result<()>) -> Result<()> {
    let mut heads: Vec<Option<(Vec<u8>, u64)>> = Vec::with_capacity(sources.len());
    for s in sources.iter_mut() {
        let mut key = Vec::new();
        heads.push(s.next(&mut key)?.map(|n| (key, n)));
    }
    loop {
        let mut min: Option<(usize, &[u8])> = None;
        for (i, h) in heads.iter().enumerate() {
            if let Some((k, _)) = h {
                if min.is_none_or(|(_, mk)| k.as_slice() < mk) {
                    min = Some((i, k));
                }
            }
        }
        let Some((m, _)) = min else { return Ok(()) };
        let Some((key, mut total)) = heads[m].take() else { return Ok(()) };
        // Each source holds a key once, so at most one head per other source equals it.
        for (i, h) in heads.iter_mut().enumerate() {
            if let Some((k, n)) = h.as_mut().filter(|(k, _)| *k == key) {
                total += *n;
                let mut buf = std::mem::take(k);
                *h = sources[i].next(&mut buf)?.map(|n| (buf, n));
            }
        }
        out(&key, total)?;
        let mut buf = key;
        heads[m] = sources[m].next(&mut buf)?.map(|n| (buf, n));
    }
}

/// A directory of run files, removed with everything in it when the last worker's rows are written.
#[derive(Clone)]
pub struct SpillDir {
    inner: std::sync::Arc<SpillInner>,
}

struct SpillInner {
    path: PathBuf,
    next: std::sync::atomic::AtomicUsize,
}

impl SpillDir {
    /// A fresh directory under `parent` (created when the first run is written).
    pub fn new(parent: &Path) -> Self {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("edxc-map-spill-{}-{seq}", std::process::id());
        Self { inner: std::sync::Arc::new(SpillInner { path: parent.join(name), next: Default::default() }) }
    }

    fn next_path(&self) -> Result<PathBuf> {
        std::fs::create_dir_all(&self.inner.path)
            .with_context(|| format!("cannot create {}", self.inner.path.display()))?;
        let n = self.inner.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(self.inner.path.join(format!("run-{n:05}")))
    }
}

impl Drop for SpillInner {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    type Row = Vec<Option<String>>;

    fn key(row: &Row) -> Vec<u8> {
        let fields: Vec<Option<&str>> = row.iter().map(|f| f.as_deref()).collect();
        let mut k = Vec::new();
        encode(3, 7, &fields, &mut k);
        k
    }

    fn field() -> impl Strategy<Value = Option<String>> {
        prop_oneof![Just(None), "[a\\x00\\x01\\xff\\t\\\\\\n\u{e9}]{0,4}".prop_map(Some)]
    }

    proptest! {
        #[test]
        fn keys_sort_as_rows(rows in prop::collection::vec(prop::collection::vec(field(), 3), 0..40)) {
            let mut by_row = rows.clone();
            by_row.sort();
            let mut by_key = rows.clone();
            by_key.sort_by_key(key);
            prop_assert_eq!(&by_row, &by_key);
            for r in &rows {
                let k = key(r);
                prop_assert_eq!(key_partition(&k), (3, 7));
                let mut got = Vec::new();
                fields(&k, &mut Vec::new(), &mut |f| got.push(f.map(|v| String::from_utf8(v.to_vec()).unwrap())));
                prop_assert_eq!(&got, r);
            }
        }
    }

    /// Counts `keys` with `workers` counters of `budget` bytes (round robin), then merges.
    fn count(keys: &[Vec<u8>], workers: usize, budget: usize) -> Vec<(Vec<u8>, u64)> {
        let dir = tempfile::tempdir().unwrap();
        let spill = SpillDir::new(dir.path());
        let mut counters: Vec<Counter> = (0..workers).map(|_| Counter::new(budget, spill.clone())).collect();
        for (i, k) in keys.iter().enumerate() {
            counters[i % workers].add(k).unwrap();
        }
        let sorted: Vec<Sorted> = counters.into_iter().map(Counter::finish).collect();
        let mut out = Vec::new();
        merge(&sorted, &mut |k, n| {
            out.push((k.to_vec(), n));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn counts_are_the_same_with_any_workers_and_spills_and_spill_files_are_removed() {
        let keys: Vec<Vec<u8>> = (0..20_000u32)
            .map(|i| {
                let user = (i * 7919) % 1500;
                let mut k = Vec::new();
                encode((i % 2) as u16, (i % 3) as u16, &[Some(&user.to_string()), Some("course-v1:a+b+c")], &mut k);
                k
            })
            .collect();
        let mut want: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        for k in &keys {
            *want.entry(k.clone()).or_default() += 1;
        }
        let want: Vec<(Vec<u8>, u64)> = want.into_iter().collect();
        assert_eq!(count(&keys, 1, usize::MAX), want);
        assert_eq!(count(&keys, 3, usize::MAX), want);
        // A budget this small spills a run every few hundred keys: dozens of runs per worker.
        assert_eq!(count(&keys, 1, 16 << 10), want);
        assert_eq!(count(&keys, 2, 16 << 10), want);
        let dir = tempfile::tempdir().unwrap();
        {
            let spill = SpillDir::new(dir.path());
            let mut c = Counter::new(1 << 10, spill);
            for k in &keys[..2000] {
                c.add(k).unwrap();
            }
            let sorted = c.finish();
            assert!(!sorted.runs.is_empty());
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the spill directory is removed");
    }

    #[test]
    fn a_spill_that_cannot_be_written_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, b"").unwrap();
        // The spill directory would be created under a regular file.
        let mut c = Counter::new(64, SpillDir::new(&blocked));
        let mut k = Vec::new();
        encode(0, 0, &[Some("x")], &mut k);
        let err = (0..100).find_map(|i| {
            encode(0, 0, &[Some(&i.to_string())], &mut k);
            c.add(&k).err()
        });
        assert!(err.is_some_and(|e| format!("{e:#}").contains("cannot create")));
    }
}
