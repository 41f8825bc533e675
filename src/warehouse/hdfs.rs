//! [`Fs`] on HDFS, through the pure-Rust `hdfs-native` client (no JVM, no libhdfs; Kerberos, when a cluster's
//! Hadoop configuration asks for it, is loaded at run time from the system's `libgssapi_krb5`).
//!
//! A warehouse URL is `hdfs://namenode:8020/some/path` (one NameNode) or `hdfs://nameservice/some/path` (an HA
//! nameservice, resolved through the Hadoop configuration found in `$HADOOP_CONF_DIR` or
//! `$HADOOP_HOME/etc/hadoop`, as `hdfs-native` does). [`connect`] returns the filesystem and the root path.
//!
//! The client is asynchronous and the trait is not: every operation runs on a current-thread tokio runtime owned
//! by a helper thread, and the calling thread waits for its answer on a plain channel. Calling from inside
//! another tokio runtime therefore cannot panic (no nested `block_on`); it only blocks that thread for the
//! duration of the call, as any synchronous file I/O would. Every operation is bounded in time: [`connect`]
//! probes the NameNode within [`Options::connect_timeout`] (the client itself would retry an unreachable
//! NameNode for about three minutes), and each later operation within [`Options::op_timeout`].
//!
//! Semantics, mapped onto HDFS:
//! - `create_new` is one NameNode `create` with overwrite off, which the NameNode performs atomically; an
//!   existing file (or one still being written by another client) answers `false`.
//! - `write` creates with overwrite on and returns once the writer is closed, i.e. every DataNode in the
//!   pipeline acknowledged the data and the NameNode completed the file.
//! - `rename` is the NameNode's `rename2` without OVERWRITE: it fails when the target exists.
//! - `remove_all` is a recursive delete that bypasses the trash; nothing there is fine.
//! - `list` is sorted by name; a missing directory lists as empty, listing a file is an error.
//! - Neither `write` nor `create_new` creates missing parent directories (as on local disk).
//!
//! Tested here: URL parsing, and that connecting to a NameNode that refuses connections, or accepts them and
//! never answers, fails with a message naming the URL within the connect timeout, also when called from inside
//! a tokio runtime. NOT tested here: every operation against a real NameNode and DataNodes — none can run on the
//! machine this was written on (no Hadoop server jars). The mapping above follows the `hdfs-native` 0.14 sources
//! and the HDFS ClientProtocol; it needs a run against a cluster (or `hdfs-native`'s MiniDFS harness) before a
//! cluster warehouse is trusted with it.

use super::fs::{Entry, Fs, Kind};
use anyhow::{anyhow, bail, Context, Result};
use hdfs_native::{Client, ClientBuilder, HdfsError, WriteOptions};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::mpsc;
use std::time::Duration;

/// How long to wait for the NameNode, and for each operation.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Bound on [`connect`]'s probe of the NameNode.
    pub connect_timeout: Duration,
    /// Bound on every later operation (a whole `write` or `read` included).
    pub op_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self { connect_timeout: Duration::from_secs(20), op_timeout: Duration::from_secs(600) }
    }
}

/// A warehouse on HDFS.
pub struct HdfsFs {
    /// `hdfs://authority`, the prefix of every path in messages.
    base: String,
    client: Client,
    runtime: Worker,
    op_timeout: Duration,
}

impl std::fmt::Debug for HdfsFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HdfsFs").field("base", &self.base).finish_non_exhaustive()
    }
}

/// Connects to the warehouse at `url` (`hdfs://host:port/path` or `hdfs://nameservice/path`) with the default
/// [`Options`]; returns the filesystem and the warehouse root on it.
pub fn connect(url: &str) -> Result<(HdfsFs, PathBuf)> {
    connect_with(url, Options::default())
}

/// [`connect`] with explicit timeouts.
pub fn connect_with(url: &str, options: Options) -> Result<(HdfsFs, PathBuf)> {
    let target = parse_url(url)?;
    let runtime = Worker::start().context("cannot start the HDFS client's runtime")?;
    let namenode = format!("hdfs://{}", target.authority);
    let client = {
        let namenode = namenode.clone();
        let built =
            runtime.run(options.connect_timeout, async move { ClientBuilder::new().with_url(namenode).build() });
        let hint = if target.port.is_none() {
            " (without a port the host is a nameservice, looked up in the Hadoop configuration in \
             $HADOOP_CONF_DIR or $HADOOP_HOME/etc/hadoop; give the NameNode's port otherwise, e.g. :8020)"
        } else {
            ""
        };
        match built {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => bail!("cannot set up an HDFS client for {url}: {e}{hint}"),
            Err(TimedOut) => bail!(
                "cannot set up an HDFS client for {url}: not done within {}s{hint}",
                options.connect_timeout.as_secs_f64()
            ),
        }
    };
    let fs = HdfsFs { base: namenode, client, runtime, op_timeout: options.op_timeout };
    // The client connects lazily: ask the NameNode about the root now, so that an unreachable or wrong address
    // fails here, once, with the URL in the message.
    let root = target.root.to_string_lossy().into_owned();
    let probe = {
        let client = fs.client.clone();
        fs.runtime.run(options.connect_timeout, async move { client.get_file_info(&root).await })
    };
    match probe {
        Ok(Ok(_)) | Ok(Err(HdfsError::FileNotFound(_))) => Ok((fs, target.root)),
        Ok(Err(e)) => bail!("cannot reach the HDFS NameNode for {url}: {e}"),
        Err(TimedOut) => bail!(
            "cannot reach the HDFS NameNode for {url}: no answer within {}s (is the host and port right, and \
             the NameNode up?)",
            options.connect_timeout.as_secs_f64()
        ),
    }
}

/// A parsed warehouse URL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    /// `host:port`, `[v6]:port` or `nameservice`.
    authority: String,
    port: Option<u16>,
    root: PathBuf,
}

fn parse_url(url: &str) -> Result<Target> {
    const FORM: &str = "expected hdfs://namenode:port/path or hdfs://nameservice/path";
    let Some((scheme, rest)) = url.split_once("://") else {
        bail!("`{url}` is not an HDFS URL: {FORM}");
    };
    if !scheme.eq_ignore_ascii_case("hdfs") {
        bail!("`{url}` is not an HDFS URL (scheme `{scheme}`): {FORM}");
    }
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        bail!("HDFS URL `{url}` contains {c:?}; {FORM}");
    }
    if rest.contains(['?', '#']) {
        bail!("HDFS URL `{url}` has a query or fragment, which a warehouse location cannot have");
    }
    if rest.contains('%') {
        bail!("HDFS URL `{url}` is percent-encoded, which is not supported; write the path as it is");
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        bail!("HDFS URL `{url}` names no NameNode; {FORM}");
    }
    if authority.contains('@') {
        bail!("HDFS URL `{url}` has a user name, which is not supported; set HADOOP_USER_NAME instead");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            bail!("HDFS URL `{url}` has an unclosed `[` in its host");
        };
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(|| anyhow!("HDFS URL `{url}`: expected `:port` after `]`"))?),
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            bail!("HDFS URL `{url}`: `{addr}` is not an IPv6 address");
        }
        (&authority[..addr.len() + 2], port)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        bail!("HDFS URL `{url}` names no NameNode host; {FORM}");
    }
    if !host.starts_with('[') && !host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')) {
        bail!("HDFS URL `{url}`: `{host}` is not a host name or nameservice");
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ => bail!("HDFS URL `{url}`: `{p}` is not a port (1-65535)"),
        },
    };
    let mut root = PathBuf::from("/");
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == "." || part == ".." {
            bail!("HDFS URL `{url}`: the path must not contain `.` or `..`");
        }
        root.push(part);
    }
    Ok(Target { authority: authority.to_string(), port, root })
}

/// The operation did not finish within its time bound.
#[derive(Debug)]
struct TimedOut;

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A helper thread driving a current-thread tokio runtime; jobs are spawned onto it and answer over a channel.
/// Dropping the worker closes the channel: the thread then finishes and drops the runtime itself, outside any
/// async context (it is not joined, so a stuck NameNode cannot hang the drop).
struct Worker {
    jobs: tokio::sync::mpsc::UnboundedSender<Job>,
}

impl Worker {
    fn start() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (jobs, mut rx) = tokio::sync::mpsc::unbounded_channel::<Job>();
        std::thread::Builder::new().name("edxc-hdfs".into()).spawn(move || {
            runtime.block_on(async move {
                while let Some(job) = rx.recv().await {
                    tokio::spawn(job);
                }
            });
        })?;
        Ok(Self { jobs })
    }

    /// Runs `fut` on the worker's runtime (so `hdfs-native` spawns its connection tasks there) and waits at most
    /// `timeout` for it. Safe to call from any thread, inside a tokio runtime or not.
    fn run<T, F>(&self, timeout: Duration, fut: F) -> std::result::Result<T, TimedOut>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        let job = Box::pin(async move {
            if let Ok(v) = tokio::time::timeout(timeout, fut).await {
                // The caller may have stopped waiting; nothing to do then.
                let _ = tx.send(v);
            }
        });
        if self.jobs.send(job).is_err() {
            return Err(TimedOut);
        }
        // A little slack over the runtime's own timer, in case the worker thread is busy.
        rx.recv_timeout(timeout + Duration::from_secs(5)).map_err(|_| TimedOut)
    }
}

impl HdfsFs {
    fn path_str<'a>(&self, path: &'a Path) -> Result<&'a str> {
        let s = path.to_str().ok_or_else(|| anyhow!("HDFS path {} is not valid UTF-8", path.display()))?;
        if !s.starts_with('/') {
            bail!("HDFS path `{s}` is not absolute");
        }
        Ok(s)
    }

    /// Runs one client call within the operation timeout; `what` names it in messages ("cannot stat hdfs://…").
    fn call<T, F, Fut>(&self, what: impl FnOnce() -> String, f: F) -> Result<std::result::Result<T, HdfsError>>
    where
        T: Send + 'static,
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = std::result::Result<T, HdfsError>> + Send + 'static,
    {
        self.runtime
            .run(self.op_timeout, f(self.client.clone()))
            .map_err(|TimedOut| anyhow!("{}: no answer from HDFS within {}s", what(), self.op_timeout.as_secs_f64()))
    }
}

fn is_not_found(e: &HdfsError) -> bool {
    match e {
        HdfsError::FileNotFound(_) => true,
        HdfsError::RPCError(class, _) => class == "java.io.FileNotFoundException",
        _ => false,
    }
}

impl Fs for HdfsFs {
    fn describe(&self, path: &Path) -> String {
        format!("{}{}", self.base, path.display())
    }

    fn kind(&self, path: &Path) -> Result<Option<Kind>> {
        let p = self.path_str(path)?.to_string();
        let what = || format!("cannot stat {}", self.describe(path));
        match self.call(what, |c| async move { c.get_file_info(&p).await })? {
            Ok(s) if s.isdir => Ok(Some(Kind::Dir)),
            Ok(_) => Ok(Some(Kind::File)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e).with_context(what),
        }
    }

    fn create_dir_all(&self, path: &Path) -> Result<()> {
        let p = self.path_str(path)?.to_string();
        let what = || format!("cannot create {}", self.describe(path));
        self.call(what, |c| async move { c.mkdirs(&p, 0o755, true).await })?.with_context(what)
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let p = self.path_str(path)?.to_string();
        let data = bytes::Bytes::copy_from_slice(bytes);
        let what = || format!("cannot write {}", self.describe(path));
        self.call(what, |c| async move {
            let options = WriteOptions::default().overwrite(true).create_parent(false);
            let mut w = c.create(&p, options).await?;
            w.write_bytes(data).await?;
            w.close().await
        })?
        .with_context(what)
    }

    fn create_new(&self, path: &Path, bytes: &[u8]) -> Result<bool> {
        let p = self.path_str(path)?.to_string();
        let data = bytes::Bytes::copy_from_slice(bytes);
        let what = || format!("cannot create {}", self.describe(path));
        let r = self.call(what, |c| async move {
            let options = WriteOptions::default().overwrite(false).create_parent(false);
            let mut w = c.create(&p, options).await?;
            w.write_bytes(data).await?;
            w.close().await
        })?;
        match r {
            Ok(()) => Ok(true),
            Err(HdfsError::AlreadyExists(_)) => Ok(false),
            Err(e) => Err(e).with_context(what),
        }
    }

    fn read(&self, path: &Path) -> Result<Option<Vec<u8>>> {
        let p = self.path_str(path)?.to_string();
        let what = || format!("cannot read {}", self.describe(path));
        let r = self.call(what, |c| async move {
            let reader = c.read(&p).await?;
            let bytes = reader.read_range(0, reader.file_length()).await?;
            Ok(bytes.to_vec())
        })?;
        match r {
            Ok(b) => Ok(Some(b)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e).with_context(what),
        }
    }

    fn list(&self, path: &Path) -> Result<Vec<Entry>> {
        let p = self.path_str(path)?.to_string();
        let what = || format!("cannot list {}", self.describe(path));
        let statuses = match self.call(what, |c| async move { c.list_status(&p, false).await })? {
            Ok(s) => s,
            Err(e) if is_not_found(&e) => return Ok(vec![]),
            Err(e) => return Err(e).with_context(what),
        };
        let dir = self.path_str(path)?.trim_end_matches('/');
        let mut out = Vec::with_capacity(statuses.len());
        for s in statuses {
            // Each entry's path is the listed path plus its name; listing a file yields the file itself.
            let name = match s.path.strip_prefix(dir).and_then(|n| n.strip_prefix('/')) {
                Some(n) if !n.is_empty() && !n.contains('/') => n.to_string(),
                _ => bail!("{}: not a directory", what()),
            };
            let size = u64::try_from(s.length).unwrap_or(0);
            // HDFS gives milliseconds.
            let modified = i64::try_from(s.modification_time / 1000).ok();
            out.push(Entry { name, is_dir: s.isdir, size, modified });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn rename(&self, from: &Path, to: &Path) -> Result<()> {
        let (f, t) = (self.path_str(from)?.to_string(), self.path_str(to)?.to_string());
        let what = || format!("cannot move {} to {}", self.describe(from), self.describe(to));
        self.call(what, |c| async move { c.rename(&f, &t, false).await })?.with_context(what)
    }

    fn remove_all(&self, path: &Path) -> Result<()> {
        let p = self.path_str(path)?.to_string();
        let what = || format!("cannot remove {}", self.describe(path));
        // `false` means nothing was there, which is fine.
        match self.call(what, |c| async move { c.delete(&p, true).await })? {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(e).with_context(what),
        }
    }

    fn remove_empty_dir(&self, path: &Path) -> Result<()> {
        let what = || format!("cannot remove {}", self.describe(path));
        match self.kind(path)? {
            Some(Kind::Dir) => {}
            Some(Kind::File) => bail!("{}: not a directory", what()),
            None => bail!("{}: no such directory", what()),
        }
        let p = self.path_str(path)?.to_string();
        // Non-recursive: the NameNode refuses a non-empty directory.
        match self.call(what, |c| async move { c.delete(&p, false).await })? {
            Ok(true) => Ok(()),
            Ok(false) => bail!("{}: no such directory", what()),
            Err(e) => Err(e).with_context(what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn target(url: &str) -> Target {
        parse_url(url).unwrap_or_else(|e| panic!("{url}: {e:#}"))
    }

    fn error(url: &str) -> String {
        format!("{:#}", parse_url(url).expect_err(url))
    }

    #[test]
    fn parses_namenode_and_nameservice_urls() {
        assert_eq!(
            target("hdfs://namenode:8020/warehouse/edx"),
            Target { authority: "namenode:8020".into(), port: Some(8020), root: "/warehouse/edx".into() }
        );
        assert_eq!(
            target("hdfs://edx-cluster/warehouse/"),
            Target { authority: "edx-cluster".into(), port: None, root: "/warehouse".into() }
        );
        assert_eq!(target("HDFS://nn.example.com:9000").root, PathBuf::from("/"));
        assert_eq!(target("hdfs://nn:8020/").root, PathBuf::from("/"));
        assert_eq!(target("hdfs://nn:8020//a//b/").root, PathBuf::from("/a/b"));
        assert_eq!(target("hdfs://10.0.0.5:8020/w").authority, "10.0.0.5:8020");
        let v6 = target("hdfs://[::1]:8020/w");
        assert_eq!((v6.authority.as_str(), v6.port), ("[::1]:8020", Some(8020)));
        assert_eq!(target("hdfs://[fe80::1]/w").port, None);
    }

    #[test]
    fn rejects_malformed_urls_with_a_reason() {
        for (url, why) in [
            ("/warehouse", "not an HDFS URL"),
            ("file:///warehouse", "scheme `file`"),
            ("s3://bucket/w", "scheme `s3`"),
            ("hdfs://", "names no NameNode"),
            ("hdfs:///warehouse", "names no NameNode"),
            ("hdfs://:8020/w", "no NameNode host"),
            ("hdfs://nn:/w", "is not a port"),
            ("hdfs://nn:0/w", "is not a port"),
            ("hdfs://nn:70000/w", "is not a port"),
            ("hdfs://nn:80x/w", "is not a port"),
            ("hdfs://nn:8020:1/w", "is not a port"),
            ("hdfs://user@nn:8020/w", "HADOOP_USER_NAME"),
            ("hdfs://nn:8020/w?x=1", "query"),
            ("hdfs://nn:8020/w#f", "query or fragment"),
            ("hdfs://nn:8020/my%20w", "percent-encoded"),
            ("hdfs://nn:8020/a/../b", "`..`"),
            ("hdfs://nn:8020/a/./b", "`..`"),
            ("hdfs://nn 1:8020/w", "contains ' '"),
            ("hdfs://nn:8020/w\n", "contains '\\n'"),
            ("hdfs://n$n:8020/w", "not a host name"),
            ("hdfs://[::1/w", "unclosed"),
            ("hdfs://[::1]x/w", "expected `:port`"),
            ("hdfs://[nothost]:1/w", "not an IPv6 address"),
        ] {
            let e = error(url);
            assert!(e.contains(why), "{url}: {e}");
            assert!(e.contains(url.trim_end()), "{url}: message should quote the URL: {e}");
        }
    }

    fn quick() -> Options {
        Options { connect_timeout: Duration::from_secs(2), op_timeout: Duration::from_secs(2) }
    }

    /// A port on which nothing listens.
    fn closed_port() -> u16 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }

    #[test]
    fn refused_connection_fails_clearly_and_promptly() {
        // hdfs-native connects lazily and, left alone, retries a refusing NameNode with back-off for minutes.
        let url = format!("hdfs://127.0.0.1:{}/warehouse", closed_port());
        let start = Instant::now();
        let e = format!("{:#}", connect_with(&url, quick()).expect_err("nothing listens there"));
        assert!(start.elapsed() < Duration::from_secs(8), "took {:?}", start.elapsed());
        assert!(e.contains(&url) && e.contains("cannot reach the HDFS NameNode"), "{e}");
    }

    #[test]
    fn silent_namenode_times_out_instead_of_hanging() {
        // Accepts TCP connections (the kernel completes the handshake) and never says a word.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("hdfs://127.0.0.1:{}/", listener.local_addr().unwrap().port());
        let start = Instant::now();
        let e = format!("{:#}", connect_with(&url, quick()).expect_err("nobody answers"));
        assert!(start.elapsed() < Duration::from_secs(8), "took {:?}", start.elapsed());
        assert!(e.contains(&url) && e.contains("no answer within 2s"), "{e}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn connecting_from_inside_a_tokio_runtime_does_not_panic() {
        let url = format!("hdfs://127.0.0.1:{}/w", closed_port());
        let e = format!("{:#}", connect_with(&url, quick()).expect_err("nothing listens there"));
        assert!(e.contains(&url), "{e}");
    }

    #[test]
    fn unconfigured_nameservice_says_how_to_fix_it() {
        // No port: a nameservice, which the (absent) Hadoop configuration does not define.
        let url = "hdfs://edxc-test-no-such-nameservice/w";
        let e = format!("{:#}", connect_with(url, quick()).expect_err("not configured"));
        assert!(e.contains(url) && e.contains("HADOOP_CONF_DIR"), "{e}");
    }
}
