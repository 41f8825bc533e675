//! The filesystem a warehouse lives on. The embedded engine's warehouse is local disk; a cluster's is HDFS or the
//! gateway's own disk (`file://`, reached over SFTP). Staging, publishing, recovery, the run lock and the readers
//! the sinks use are written once against this trait, so a run is all-or-nothing on every engine by the same code.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub is_dir: bool,
    /// Bytes (0 for a directory).
    pub size: u64,
    /// Seconds since the epoch, where the filesystem says.
    pub modified: Option<i64>,
}

/// The operations the warehouse needs. Paths are absolute on the filesystem in question. Renames of directories
/// must be atomic (they are on POSIX disks and on HDFS), which is what makes publishing safe.
pub trait Fs: Send + Sync {
    /// How messages name this filesystem's paths (`file://`, `sftp://user@host`, `hdfs://namenode:8020`).
    fn describe(&self, path: &Path) -> String;
    /// `None` when nothing is there.
    fn kind(&self, path: &Path) -> Result<Option<Kind>>;
    fn create_dir_all(&self, path: &Path) -> Result<()>;
    /// Creates or replaces the file, durably (synced) before returning.
    fn write(&self, path: &Path, bytes: &[u8]) -> Result<()>;
    /// Creates the file only if nothing is at `path`; `false` when something was (the lock's primitive).
    fn create_new(&self, path: &Path, bytes: &[u8]) -> Result<bool>;
    /// Creates or replaces the file for a writer that writes it a piece at a time (a large partition as it is
    /// made); durable once [`FileWriter::finish`] returns. By default the pieces are held and [`Fs::write`]n then.
    fn create(&self, path: &Path) -> Result<Box<dyn FileWriter>> {
        Ok(Box::new(Buffered { path: path.to_path_buf(), bytes: Vec::new() }))
    }
    /// `None` when the file does not exist.
    fn read(&self, path: &Path) -> Result<Option<Vec<u8>>>;
    /// The file as a stream, for readers that go through a large file a piece at a time; `None` when it does not
    /// exist. By default the whole file is read first.
    fn open(&self, path: &Path) -> Result<Option<Box<dyn std::io::Read + Send>>> {
        Ok(self.read(path)?.map(|b| Box::new(std::io::Cursor::new(b)) as Box<dyn std::io::Read + Send>))
    }
    /// A missing directory lists as empty. Sorted by name.
    fn list(&self, path: &Path) -> Result<Vec<Entry>>;
    /// Moves `from` to `to` (whose parent exists and which must not exist).
    fn rename(&self, from: &Path, to: &Path) -> Result<()>;
    /// Removes a file or a directory tree; nothing there is fine.
    fn remove_all(&self, path: &Path) -> Result<()>;
    /// Removes an empty directory (fails otherwise).
    fn remove_empty_dir(&self, path: &Path) -> Result<()>;
}

/// A file being written by [`Fs::create`].
pub trait FileWriter: Write + Send {
    /// Makes what was written durable, on `fs`, the filesystem that created the writer.
    fn finish(self: Box<Self>, fs: &dyn Fs) -> Result<()>;
}

/// [`Fs::create`]'s default writer: the file's bytes, written whole by `finish`.
struct Buffered {
    path: std::path::PathBuf,
    bytes: Vec<u8>,
}

impl Write for Buffered {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl FileWriter for Buffered {
    fn finish(self: Box<Self>, fs: &dyn Fs) -> Result<()> {
        fs.write(&self.path, &self.bytes)
    }
}

/// [`LocalFs::create`]'s writer: the file itself (its writers write large pieces), synced by `finish`.
struct LocalWriter {
    file: std::fs::File,
    path: std::path::PathBuf,
}

impl Write for LocalWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl FileWriter for LocalWriter {
    fn finish(self: Box<Self>, _: &dyn Fs) -> Result<()> {
        self.file.sync_all().with_context(|| format!("cannot sync {}", self.path.display()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
}

/// Convenience built on the trait.
pub trait FsExt: Fs {
    fn exists(&self, path: &Path) -> Result<bool> {
        Ok(self.kind(path)?.is_some())
    }
    fn is_dir(&self, path: &Path) -> Result<bool> {
        Ok(self.kind(path)? == Some(Kind::Dir))
    }
    fn is_file(&self, path: &Path) -> Result<bool> {
        Ok(self.kind(path)? == Some(Kind::File))
    }
}

impl<T: Fs + ?Sized> FsExt for T {}

/// Local disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalFs;

impl Fs for LocalFs {
    fn describe(&self, path: &Path) -> String {
        path.display().to_string()
    }

    fn kind(&self, path: &Path) -> Result<Option<Kind>> {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Ok(Some(Kind::Dir)),
            Ok(_) => Ok(Some(Kind::File)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot stat {}", path.display())),
        }
    }

    fn create_dir_all(&self, path: &Path) -> Result<()> {
        std::fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let mut f = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        f.write_all(bytes).with_context(|| format!("cannot write {}", path.display()))?;
        f.sync_all().with_context(|| format!("cannot sync {}", path.display()))
    }

    fn create(&self, path: &Path) -> Result<Box<dyn FileWriter>> {
        let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Box::new(LocalWriter { file, path: path.to_path_buf() }))
    }

    fn create_new(&self, path: &Path, bytes: &[u8]) -> Result<bool> {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }

    fn open(&self, path: &Path) -> Result<Option<Box<dyn std::io::Read + Send>>> {
        match std::fs::File::open(path) {
            Ok(f) => Ok(Some(Box::new(f))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot open {}", path.display())),
        }
    }

    fn read(&self, path: &Path) -> Result<Option<Vec<u8>>> {
        match std::fs::read(path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    fn list(&self, path: &Path) -> Result<Vec<Entry>> {
        let rd = match std::fs::read_dir(path) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", path.display())),
        };
        let mut out = Vec::new();
        for e in rd {
            let e = e.with_context(|| format!("cannot list {}", path.display()))?;
            // Follows symbolic links, as reading the file does.
            let meta = std::fs::metadata(e.path()).ok();
            let is_dir = meta.as_ref().is_some_and(std::fs::Metadata::is_dir);
            let size = meta.as_ref().map_or(0, std::fs::Metadata::len);
            let modified = meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .and_then(|d| i64::try_from(d.as_secs()).ok());
            out.push(Entry { name: e.file_name().to_string_lossy().into_owned(), is_dir, size, modified });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn rename(&self, from: &Path, to: &Path) -> Result<()> {
        std::fs::rename(from, to).with_context(|| format!("cannot move {} to {}", from.display(), to.display()))
    }

    fn remove_all(&self, path: &Path) -> Result<()> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                std::fs::remove_dir_all(path).with_context(|| format!("cannot remove {}", path.display()))
            }
            Ok(_) => std::fs::remove_file(path).with_context(|| format!("cannot remove {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot stat {}", path.display())),
        }
    }

    fn remove_empty_dir(&self, path: &Path) -> Result<()> {
        std::fs::remove_dir(path).with_context(|| format!("cannot remove {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filesystem with only the required operations (local disk underneath): what [`Fs::create`] gives by default.
    struct Plain;

    impl Fs for Plain {
        fn describe(&self, path: &Path) -> String {
            LocalFs.describe(path)
        }
        fn kind(&self, path: &Path) -> Result<Option<Kind>> {
            LocalFs.kind(path)
        }
        fn create_dir_all(&self, path: &Path) -> Result<()> {
            LocalFs.create_dir_all(path)
        }
        fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
            LocalFs.write(path, bytes)
        }
        fn create_new(&self, path: &Path, bytes: &[u8]) -> Result<bool> {
            LocalFs.create_new(path, bytes)
        }
        fn read(&self, path: &Path) -> Result<Option<Vec<u8>>> {
            LocalFs.read(path)
        }
        fn list(&self, path: &Path) -> Result<Vec<Entry>> {
            LocalFs.list(path)
        }
        fn rename(&self, from: &Path, to: &Path) -> Result<()> {
            LocalFs.rename(from, to)
        }
        fn remove_all(&self, path: &Path) -> Result<()> {
            LocalFs.remove_all(path)
        }
        fn remove_empty_dir(&self, path: &Path) -> Result<()> {
            LocalFs.remove_empty_dir(path)
        }
    }

    #[test]
    fn a_file_written_in_pieces_holds_them_all_once_finished() {
        let dir = tempfile::tempdir().unwrap();
        for (fs, name) in [(&LocalFs as &dyn Fs, "local"), (&Plain as &dyn Fs, "default")] {
            let path = dir.path().join(name);
            std::fs::write(&path, b"an older, longer file").unwrap();
            let mut w = fs.create(&path).unwrap();
            w.write_all(b"one\n").unwrap();
            w.write_all(b"two\n").unwrap();
            w.finish(fs).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), b"one\ntwo\n", "{name}");
        }
    }
}
