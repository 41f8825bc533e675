//! A `file://` warehouse on the gateway's own disk (a cluster without HDFS, or the test gateway), reached over
//! SFTP on the gateway's SSH session. Renames are the gateway's `rename(2)` (atomic for directories); deleting a
//! tree is one `rm -rf` on the gateway rather than one SFTP round trip per file.

use super::ssh::{shell_quote, Gateway};
use crate::warehouse::fs::{Entry, Fs, Kind};
use anyhow::{anyhow, Context, Result};
use ssh2::{ErrorCode, OpenFlags, OpenType, Sftp};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// SFTP's "no such file" status.
const NO_SUCH_FILE: i32 = 2;

pub struct SftpFs {
    gateway: Arc<Gateway>,
    sftp: Mutex<Sftp>,
    /// How messages name a path: `user@host:port:` before it.
    at: String,
}

impl SftpFs {
    pub fn new(gateway: Arc<Gateway>) -> Result<Self> {
        let sftp = gateway.sftp()?;
        let c = gateway.config();
        let at = format!("{}@{}:{}", c.user, c.host, c.port);
        Ok(Self { gateway, sftp: Mutex::new(sftp), at })
    }

    fn with<T>(&self, f: impl FnOnce(&Sftp) -> Result<T>) -> Result<T> {
        let sftp = self.sftp.lock().map_err(|_| anyhow!("the SFTP channel was poisoned by an earlier panic"))?;
        f(&sftp)
    }
}

fn missing(e: &ssh2::Error) -> bool {
    e.code() == ErrorCode::SFTP(NO_SUCH_FILE)
}

impl Fs for SftpFs {
    fn describe(&self, path: &Path) -> String {
        format!("file://{} on the gateway {}", path.display(), self.at)
    }

    fn kind(&self, path: &Path) -> Result<Option<Kind>> {
        self.with(|s| match s.stat(path) {
            Ok(st) if st.is_dir() => Ok(Some(Kind::Dir)),
            Ok(_) => Ok(Some(Kind::File)),
            Err(e) if missing(&e) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot stat {}", self.describe(path))),
        })
    }

    fn create_dir_all(&self, path: &Path) -> Result<()> {
        let mut at = std::path::PathBuf::new();
        for c in path.components() {
            at.push(c);
            if self.kind(&at)?.is_none() {
                let made = self.with(|s| Ok(s.mkdir(&at, 0o755)));
                if let Err(e) = made? {
                    // Another process may have made it meanwhile.
                    if self.kind(&at)? != Some(Kind::Dir) {
                        return Err(e).with_context(|| format!("cannot create {}", self.describe(&at)));
                    }
                }
            }
        }
        Ok(())
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.with(|s| {
            let flags = OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE;
            let mut f = s
                .open_mode(path, flags, 0o644, OpenType::File)
                .with_context(|| format!("cannot create {}", self.describe(path)))?;
            f.write_all(bytes).with_context(|| format!("cannot write {}", self.describe(path)))?;
            // Durable where the server offers fsync@openssh.com (OpenSSH does); not every server does.
            let _ = f.fsync();
            Ok(())
        })
    }

    fn create_new(&self, path: &Path, bytes: &[u8]) -> Result<bool> {
        let opened = self.with(|s| {
            let flags = OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::EXCLUSIVE;
            match s.open_mode(path, flags, 0o644, OpenType::File) {
                Ok(mut f) => {
                    f.write_all(bytes).with_context(|| format!("cannot write {}", self.describe(path)))?;
                    let _ = f.fsync();
                    Ok(true)
                }
                Err(_) => Ok(false),
            }
        })?;
        // SFTP v3 reports an existing file as a generic failure: tell it from a real error by looking.
        if !opened && self.kind(path)?.is_none() {
            return Err(anyhow!("cannot create {}", self.describe(path)));
        }
        Ok(opened)
    }

    fn read(&self, path: &Path) -> Result<Option<Vec<u8>>> {
        self.with(|s| match s.open(path) {
            Ok(mut f) => {
                let mut out = Vec::new();
                f.read_to_end(&mut out).with_context(|| format!("cannot read {}", self.describe(path)))?;
                Ok(Some(out))
            }
            Err(e) if missing(&e) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", self.describe(path))),
        })
    }

    fn list(&self, path: &Path) -> Result<Vec<Entry>> {
        let listed = self.with(|s| match s.readdir(path) {
            Ok(entries) => Ok(Some(entries)),
            Err(e) if missing(&e) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot list {}", self.describe(path))),
        })?;
        let mut out: Vec<Entry> = listed
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(p, st)| {
                let name = p.file_name()?.to_string_lossy().into_owned();
                let (size, modified) = (st.size.unwrap_or(0), st.mtime.and_then(|t| i64::try_from(t).ok()));
                (name != "." && name != "..").then_some(Entry { name, is_dir: st.is_dir(), size, modified })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn rename(&self, from: &Path, to: &Path) -> Result<()> {
        self.with(|s| {
            s.rename(from, to, Some(ssh2::RenameFlags::ATOMIC | ssh2::RenameFlags::NATIVE))
                .with_context(|| format!("cannot move {} to {}", self.describe(from), to.display()))
        })
    }

    fn remove_all(&self, path: &Path) -> Result<()> {
        let text = path.to_str().ok_or_else(|| anyhow!("{} is not UTF-8", path.display()))?;
        if text.is_empty() || text == "/" {
            return Err(anyhow!("refusing to remove `{text}` on the gateway"));
        }
        self.gateway
            .output(&format!("rm -rf -- {}", shell_quote(text)))
            .with_context(|| format!("cannot remove {}", self.describe(path)))?;
        Ok(())
    }

    fn remove_empty_dir(&self, path: &Path) -> Result<()> {
        self.with(|s| s.rmdir(path).with_context(|| format!("cannot remove {}", self.describe(path))))
    }
}
