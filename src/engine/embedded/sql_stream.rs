//! SQL inputs as streams: a query reads its input as it goes, its partitions' Hive text parsed into Arrow batches
//! (by [`super::hive_arrow::InputBuilder`]) a few MiB at a time just before the query needs them. A transform
//! holds a few pieces of its input at a time, not all of it, so its input costs no more memory as the logs grow.
//!
//! Partitions are parsed on up to `workers` threads while the query consumes the ones before, and come in
//! partition order, the order a table holding them all would give. The planner is told each input's size (the
//! bytes of its data files, known without reading them), so it still builds its hash joins on the smaller side
//! and streams the larger one.

use super::hive_arrow::InputBuilder;
use super::sorted_copy;
use crate::dialect::input_schema;
use crate::model::Column;
use crate::warehouse::DataStreams;
use anyhow::Context;
use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::streaming::StreamingTable;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::stats::Precision;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DataFusionError, Statistics};
use datafusion::datasource::TableType;
use datafusion::execution::memory_pool::MemoryConsumer;
use datafusion::execution::TaskContext;
use datafusion::logical_expr::Expr;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_expr::{LexOrdering, PhysicalSortExpr};
use datafusion::physical_plan::metrics::{BaselineMetrics, ExecutionPlanMetricsSet};
use datafusion::physical_plan::sorts::streaming_merge::StreamingMergeBuilder;
use datafusion::physical_plan::stream::{RecordBatchReceiverStream, RecordBatchStreamAdapter};
use datafusion::physical_plan::streaming::PartitionStream;
use datafusion::physical_plan::EmptyRecordBatchStream;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, SendableRecordBatchStream, StatisticsArgs,
};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::sync::Mutex;

/// Opens the data files of one partition (by its `dt` value).
pub type ReadPartition = Arc<dyn Fn(&str) -> anyhow::Result<DataStreams> + Send + Sync>;

/// Opens the runs of the sorted copy of one partition (by its `dt` value); `None` when it has no usable one.
pub type OpenCopy = Arc<dyn Fn(&str) -> anyhow::Result<Option<Vec<sorted_copy::Batches>>> + Send + Sync>;

/// One input of a SQL transform, read as the query runs.
pub struct StreamedInput {
    pub name: String,
    pub columns: Vec<Column>,
    /// The `dt` values it reads, in order.
    pub dts: Vec<String>,
    /// The bytes of their data files: what the planner compares to pick the build side of a join.
    pub bytes: u64,
    /// How many partitions are parsed at once.
    pub workers: usize,
    pub read: ReadPartition,
    /// Set when every partition has a sorted copy (`sorted_copy`): the input is read from those, merged into one
    /// stream in their order, and the planner is told that order.
    pub copies: Option<OpenCopy>,
}

impl StreamedInput {
    /// The table the query reads this input as.
    pub fn table(self) -> datafusion::error::Result<Arc<dyn TableProvider>> {
        let schema = input_schema(&self.columns);
        let bytes = self.bytes;
        if let Some(open) = self.copies {
            // The copies are sorted by every column, but merged (and declared) by the leading one alone: a grouping
            // that holds it still ends its groups as the stream moves past each value (which is what bounds its
            // memory), and the merge compares one typed value per row instead of encoding whole rows to compare.
            let order = self.columns.iter().take(1).map(|c| {
                let col = Expr::Column(datafusion::common::Column::new_unqualified(c.name.clone()));
                col.sort(!sorted_copy::ORDER.descending, sorted_copy::ORDER.nulls_first)
            });
            let order = order.collect();
            let merge = (0..self.columns.len().min(1)).map(|i| {
                let col = datafusion::physical_expr::expressions::Column::new(schema.field(i).name(), i);
                PhysicalSortExpr::new(Arc::new(col), sorted_copy::ORDER)
            });
            let source = Merged {
                schema: schema.clone(),
                name: self.name,
                dts: self.dts,
                open,
                order: LexOrdering::new(merge.collect::<Vec<_>>()),
            };
            let inner = StreamingTable::try_new(schema, vec![Arc::new(source)])?.with_sort_order(order);
            return Ok(Arc::new(SizedTable { inner, bytes }));
        }
        let source = Source {
            schema: schema.clone(),
            name: self.name,
            columns: self.columns,
            dts: self.dts,
            workers: self.workers.max(1),
            read: self.read,
            chunk: CHUNK_BYTES,
        };
        let inner = StreamingTable::try_new(schema, vec![Arc::new(source)])?;
        Ok(Arc::new(SizedTable { inner, bytes }))
    }
}

/// The partitions of an input, parsed in order.
struct Source {
    schema: SchemaRef,
    name: String,
    columns: Vec<Column>,
    dts: Vec<String>,
    workers: usize,
    read: ReadPartition,
    /// Bytes of text read at a time.
    chunk: usize,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} partitions)", self.name, self.dts.len())
    }
}

/// Text read from a partition's files at a time (whole lines): about one Arrow batch of the input.
const CHUNK_BYTES: usize = 4 << 20;

impl Source {
    /// Parses partition `dt` a chunk at a time, handing each batch to `send`; `false` from `send` stops it.
    fn parse(&self, dt: &str, send: &mut dyn FnMut(anyhow::Result<RecordBatch>) -> bool) {
        if let Err(e) = self.parse_chunks(dt, send) {
            send(Err(e));
        }
    }

    fn parse_chunks(&self, dt: &str, send: &mut dyn FnMut(anyhow::Result<RecordBatch>) -> bool) -> anyhow::Result<()> {
        let mut b = InputBuilder::new(&self.columns);
        let mut buf: Vec<u8> = Vec::new();
        for (name, mut reader) in (self.read)(dt)? {
            buf.clear();
            let mut line = 0;
            loop {
                let start = buf.len();
                buf.resize(start + self.chunk, 0);
                let n = read_full(&mut reader, &mut buf[start..]).with_context(|| format!("cannot read {name}"))?;
                buf.truncate(start + n);
                let end = n < self.chunk;
                // Whole lines only, unless the file ends here; a line longer than a chunk waits for the next.
                let cut = if end { buf.len() } else { memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1) };
                if cut > 0 {
                    line += b.add_lines(&name, dt, &String::from_utf8_lossy(&buf[..cut]), line)?;
                    buf.drain(..cut);
                }
                if b.rows() > 0 && !send(b.take_batch()) {
                    return Ok(());
                }
                if end {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Parses the partitions on up to `workers` threads (each takes the next partition in order) and hands their
    /// batches to `send` in partition order, a partition's batches in file order. At most two batches of each
    /// partition being read wait to be sent. Stops at the first error (handed on too) or when `send` says the query
    /// wants no more.
    fn produce(&self, send: &mut dyn FnMut(anyhow::Result<RecordBatch>) -> bool) {
        type Batches = std::sync::mpsc::Receiver<anyhow::Result<RecordBatch>>;
        let (senders, receivers): (Vec<_>, Vec<Batches>) = self
            .dts
            .iter()
            .map(|_| std::sync::mpsc::sync_channel(2))
            .map(|(tx, rx)| (Mutex::new(Some(tx)), rx))
            .unzip();
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            for _ in 0..self.workers.min(self.dts.len()) {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(dt), Some(tx)) = (self.dts.get(i), senders.get(i)) else { break };
                    // Taken, so the partition's channel closes when its reader is done with it.
                    let Some(tx) = tx.lock().ok().and_then(|mut t| t.take()) else { break };
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    self.parse(dt, &mut |b| tx.send(b).is_ok());
                });
            }
            'partitions: for rx in &receivers {
                for b in rx {
                    let failed = b.is_err();
                    if !send(b) || failed {
                        break 'partitions;
                    }
                }
            }
            // Workers still reading see their receivers gone and stop; none starts another partition.
            stop.store(true, Ordering::Relaxed);
            drop(receivers);
        });
    }
}

/// Reads until `buf` is full or the reader ends; returns the bytes read.
fn read_full(r: &mut dyn std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

impl PartitionStream for Source {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        // Two batches wait at most: one being consumed, one ready; the next ones are being parsed.
        let mut builder = RecordBatchReceiverStream::builder(self.schema.clone(), 2);
        let tx = builder.tx();
        let me = Source {
            schema: self.schema.clone(),
            name: self.name.clone(),
            columns: self.columns.clone(),
            dts: self.dts.clone(),
            workers: self.workers,
            read: self.read.clone(),
            chunk: self.chunk,
        };
        builder.spawn_blocking(move || {
            me.produce(&mut |b| {
                tx.blocking_send(b.map_err(|e| DataFusionError::External(format!("{e:#}").into()))).is_ok()
            });
            Ok(())
        });
        builder.build()
    }
}

/// The sorted copies of an input's partitions (every run of each), merged into one stream in their order.
struct Merged {
    schema: SchemaRef,
    name: String,
    dts: Vec<String>,
    open: OpenCopy,
    /// The order the copies are merged by (their leading column); `None` for a table without columns.
    order: Option<LexOrdering>,
}

impl std::fmt::Debug for Merged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} sorted partitions)", self.name, self.dts.len())
    }
}

impl Merged {
    fn streams(&self) -> anyhow::Result<Vec<SendableRecordBatchStream>> {
        let mut out = Vec::with_capacity(self.dts.len());
        for dt in &self.dts {
            let runs = (self.open)(dt)?.with_context(|| {
                format!("{}: {}/dt={dt} changed while the query ran", sorted_copy::DAMAGED, self.name)
            })?;
            for batches in runs {
                let batches = batches.map(|b| b.map_err(|e| DataFusionError::External(format!("{e:#}").into())));
                out.push(Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), futures::stream::iter(batches)))
                    as SendableRecordBatchStream);
            }
        }
        Ok(out)
    }
}

impl PartitionStream for Merged {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let merged = || -> datafusion::error::Result<SendableRecordBatchStream> {
            let mut streams = self.streams().map_err(|e| DataFusionError::External(format!("{e:#}").into()))?;
            if streams.len() <= 1 {
                let empty = || Box::pin(EmptyRecordBatchStream::new(self.schema.clone())) as SendableRecordBatchStream;
                return Ok(streams.pop().unwrap_or_else(empty));
            }
            let order = self.order.as_ref().ok_or_else(|| DataFusionError::Internal("no order to merge by".into()))?;
            StreamingMergeBuilder::new()
                .with_streams(streams)
                .with_schema(self.schema.clone())
                .with_expressions(order)
                .with_metrics(BaselineMetrics::new(&ExecutionPlanMetricsSet::new(), 0))
                .with_batch_size(ctx.session_config().batch_size())
                .with_reservation(MemoryConsumer::new("sorted copies").register(ctx.memory_pool()))
                .build()
        };
        match merged() {
            Ok(s) => s,
            Err(e) => {
                let err = futures::stream::once(async move { Err(e) });
                Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), err))
            }
        }
    }
}

/// A streamed table whose scans tell the planner its size.
#[derive(Debug)]
struct SizedTable {
    inner: StreamingTable,
    bytes: u64,
}

#[async_trait]
impl TableProvider for SizedTable {
    fn schema(&self) -> SchemaRef {
        self.inner.schema()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        let inner = self.inner.scan(state, projection, filters, limit).await?;
        Ok(Arc::new(SizedScan { inner, bytes: self.bytes }))
    }
}

/// The scan of a [`SizedTable`]: the streaming scan, with a size.
#[derive(Debug)]
struct SizedScan {
    inner: Arc<dyn ExecutionPlan>,
    bytes: u64,
}

impl DisplayAs for SizedScan {
    fn fmt_as(&self, t: DisplayFormatType, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "SizedScan: bytes={}, ", self.bytes)?;
        self.inner.fmt_as(t, f)
    }
}

impl ExecutionPlan for SizedScan {
    fn name(&self) -> &str {
        "SizedScan"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.inner.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> datafusion::error::Result<TreeNodeRecursion>,
    ) -> datafusion::error::Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        if children.is_empty() {
            Ok(self)
        } else {
            Err(DataFusionError::Internal("a scan has no children".into()))
        }
    }

    fn execute(&self, partition: usize, ctx: Arc<TaskContext>) -> datafusion::error::Result<SendableRecordBatchStream> {
        self.inner.execute(partition, ctx)
    }

    fn statistics_from_inputs(
        &self,
        _input_stats: &[Arc<Statistics>],
        _args: &StatisticsArgs,
    ) -> datafusion::error::Result<Arc<Statistics>> {
        let mut stats = Statistics::new_unknown(&self.schema());
        stats.total_byte_size = Precision::Inexact(usize::try_from(self.bytes).unwrap_or(usize::MAX));
        Ok(Arc::new(stats))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType;
    use datafusion::arrow::array::{Array, Int32Array, StringArray};

    fn source(parts: Vec<(&'static str, Vec<(&'static str, &'static str)>)>, workers: usize, chunk: usize) -> Source {
        let columns = vec![Column::new("k", ColumnType::String(None)), Column::new("n", ColumnType::Int)];
        let dts: Vec<String> = parts.iter().map(|(dt, _)| dt.to_string()).collect();
        let files: std::collections::HashMap<String, Vec<(&str, &str)>> =
            parts.into_iter().map(|(dt, f)| (dt.to_string(), f)).collect();
        let read: ReadPartition = Arc::new(move |dt: &str| {
            Ok(files
                .get(dt)
                .into_iter()
                .flatten()
                .map(|(name, text)| {
                    (
                        name.to_string(),
                        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())) as Box<dyn std::io::Read + Send>,
                    )
                })
                .collect())
        });
        Source { schema: input_schema(&columns), name: "t".into(), columns, dts, workers, read, chunk }
    }

    /// A row as (k, n, dt).
    type TestRow = (Option<String>, Option<i32>, String);

    /// Every row, in the order `produce` gives them, or the first error.
    fn rows(src: &Source) -> Result<Vec<TestRow>, String> {
        let mut out = Vec::new();
        let mut err = None;
        src.produce(&mut |b| match b {
            Ok(b) => {
                let (k, n, dt) = (b.column(0), b.column(1), b.column(2));
                let k = k.as_any().downcast_ref::<StringArray>().expect("k is text");
                let n = n.as_any().downcast_ref::<Int32Array>().expect("n is int");
                let dt = dt.as_any().downcast_ref::<StringArray>().expect("dt is text");
                for i in 0..b.num_rows() {
                    let k = (!k.is_null(i)).then(|| k.value(i).to_string());
                    let n = (!n.is_null(i)).then(|| n.value(i));
                    out.push((k, n, dt.value(i).to_string()));
                }
                true
            }
            Err(e) => {
                err = Some(format!("{e:#}"));
                false
            }
        });
        match err {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    fn parts() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
        vec![
            ("d1", vec![("d1/part-0", "a\t1\nb\t2\n"), ("d1/part-1", "c\t3\n\\N\tx")]),
            ("d2", vec![]),
            ("d3", vec![("d3/part-0", "long line here\t40\n"), ("d3/part-1", "")]),
            ("d4", vec![("d4/part-0", "z\t5\ny\t6\n")]),
        ]
    }

    #[test]
    fn rows_come_in_partition_file_and_line_order_whatever_the_chunk_and_workers() {
        let s = |v: &str| Some(v.to_string());
        let want = vec![
            (s("a"), Some(1), "d1".to_string()),
            (s("b"), Some(2), "d1".to_string()),
            (s("c"), Some(3), "d1".to_string()),
            (None, None, "d1".to_string()),
            (s("long line here"), Some(40), "d3".to_string()),
            (s("z"), Some(5), "d4".to_string()),
            (s("y"), Some(6), "d4".to_string()),
        ];
        for workers in 1..=3 {
            for chunk in [1, 2, 3, 5, 8, 13, 64, 4096] {
                assert_eq!(
                    rows(&source(parts(), workers, chunk)),
                    Ok(want.clone()),
                    "{workers} workers, chunk {chunk}"
                );
            }
        }
    }

    #[test]
    fn a_bad_line_is_named_by_file_and_line_whatever_the_chunk() {
        let bad = vec![("d1", vec![("d1/part-0", "a\t1\nb\t2\nc\t3\td\n")]), ("d2", vec![("d2/part-0", "e\t4\n")])];
        for chunk in [1, 4, 4096] {
            let e = rows(&source(bad.clone(), 2, chunk)).expect_err("a line has three fields");
            assert!(e.contains("d1/part-0:3: expected 2 fields, found 3"), "chunk {chunk}: {e}");
        }
    }

    #[test]
    fn a_query_that_stops_early_stops_the_readers() {
        let many: Vec<(&'static str, Vec<(&'static str, &'static str)>)> =
            (0..50).map(|_| ("d", vec![("p", "a\t1\nb\t2\nc\t3\n")])).collect();
        let src = source(many, 3, 4);
        let mut batches = 0;
        src.produce(&mut |_| {
            batches += 1;
            batches < 3
        });
        assert_eq!(batches, 3, "no batch is handed on after the query said stop");
    }

    /// Activity rows (user, course) in three partitions of two runs each, as sorted copies.
    fn sorted_input() -> StreamedInput {
        let columns = vec![Column::new("user_id", ColumnType::Int), Column::new("course_id", ColumnType::String(None))];
        let runs: Vec<(&str, Vec<&str>)> = vec![
            ("d1", vec!["10\ta\n9\tb\n", "2\ta\n"]),
            ("d2", vec!["10\tb\n", "1\ta\n9\tb\n"]),
            ("d3", vec!["9\ta\n", ""]),
        ];
        let copies: std::collections::HashMap<String, Vec<Vec<u8>>> = runs
            .into_iter()
            .map(|(dt, texts)| {
                let cols = columns.clone();
                (dt.to_string(), texts.iter().map(|t| sorted_copy::encode(&cols, dt, t.as_bytes()).unwrap()).collect())
            })
            .collect();
        let cols = columns.clone();
        let open: OpenCopy = Arc::new(move |dt: &str| {
            Ok(copies.get(dt).map(|runs| {
                runs.iter()
                    .filter_map(|b| sorted_copy::open_run(Box::new(std::io::Cursor::new(b.clone())), &cols, dt))
                    .collect()
            }))
        });
        StreamedInput {
            name: "act".into(),
            columns,
            dts: vec!["d1".into(), "d2".into(), "d3".into()],
            bytes: 100,
            workers: 1,
            read: Arc::new(|_: &str| Ok(Vec::new())),
            copies: Some(open),
        }
    }

    #[test]
    fn sorted_copies_are_merged_in_order_and_a_distinct_count_over_them_streams() {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let ctx = crate::dialect::session(false);
            ctx.register_table("act", sorted_input().table().unwrap()).unwrap();
            let rows = ctx.sql("SELECT user_id, course_id, dt FROM act").await.unwrap().collect().await.unwrap();
            let batch = datafusion::arrow::compute::concat_batches(&rows[0].schema(), &rows).unwrap();
            let users = batch.column(0).as_any().downcast_ref::<Int32Array>().unwrap();
            let courses = batch.column(1).as_any().downcast_ref::<StringArray>().unwrap();
            let got: Vec<(i32, &str)> = (0..batch.num_rows()).map(|i| (users.value(i), courses.value(i))).collect();
            // In user order (merged by the leading column: a user's rows from several runs in any order).
            assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "{got:?}");
            let mut sorted = got.clone();
            sorted.sort();
            assert_eq!(sorted, vec![(1, "a"), (2, "a"), (9, "a"), (9, "b"), (9, "b"), (10, "a"), (10, "b")]);
            // Told the order, the planner finishes each user's groups as the stream passes them.
            let q = "SELECT course_id, COUNT(DISTINCT user_id) AS n FROM act GROUP BY course_id";
            let plan = ctx.sql(&format!("EXPLAIN {q}")).await.unwrap().collect().await.unwrap();
            let text = datafusion::arrow::util::pretty::pretty_format_batches(&plan).unwrap().to_string();
            assert!(text.contains("ordering_mode=Sorted") || text.contains("ordering_mode=PartiallySorted"), "{text}");
            let counts = ctx.sql(&format!("{q} ORDER BY course_id")).await.unwrap().collect().await.unwrap();
            let batch = datafusion::arrow::compute::concat_batches(&counts[0].schema(), &counts).unwrap();
            let courses = batch.column(0).as_any().downcast_ref::<StringArray>().unwrap();
            let n = datafusion::arrow::compute::cast(batch.column(1), &datafusion::arrow::datatypes::DataType::Int64)
                .unwrap();
            let n = n.as_any().downcast_ref::<datafusion::arrow::array::Int64Array>().unwrap();
            let got: Vec<(&str, i64)> = (0..batch.num_rows()).map(|i| (courses.value(i), n.value(i))).collect();
            assert_eq!(got, vec![("a", 4), ("b", 2)]);
        });
    }
}
