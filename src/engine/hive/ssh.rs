//! The SSH gateway of a cluster: key authentication only, the host key checked against a known_hosts file (an
//! unknown or changed key is refused, with its fingerprint in the message), files copied over SFTP, commands run
//! with their output streamed line by line.

use anyhow::{anyhow, bail, Context, Result};
use ssh2::{CheckResult, HashType, KnownHostFileKind, Session};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

pub use crate::config::engine_config::GatewayConfig;

/// An authenticated session with the gateway.
pub struct Gateway {
    session: Session,
    config: GatewayConfig,
}

/// What a remote command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub status: i32,
    /// Its standard error, kept for error messages (also streamed as it came).
    pub stderr: String,
}

impl Gateway {
    /// Connects, checks the host key and authenticates with the key file.
    pub fn connect(config: &GatewayConfig) -> Result<Self> {
        let at = format!("{}@{}:{}", config.user, config.host, config.port);
        let addr = (config.host.as_str(), config.port)
            .to_socket_addrs()
            .with_context(|| format!("cannot resolve the gateway {at}"))?
            .next()
            .ok_or_else(|| anyhow!("the gateway {at} resolves to no address"))?;
        let tcp = TcpStream::connect_timeout(&addr, Duration::from_secs(15))
            .with_context(|| format!("cannot reach the gateway {at}"))?;
        let mut session = Session::new().context("cannot start an SSH session")?;
        session.set_tcp_stream(tcp);
        session.set_timeout(0);
        session.handshake().with_context(|| format!("SSH handshake with {at} failed"))?;
        check_host_key(&session, config)?;
        session
            .userauth_pubkey_file(&config.user, None, &config.key, None)
            .with_context(|| format!("the gateway {at} refused the key {}", config.key.display()))?;
        if !session.authenticated() {
            bail!("the gateway {at} did not accept the key {}", config.key.display());
        }
        Ok(Self { session, config: config.clone() })
    }

    /// Copies a local file to `remote` (parent directories must exist), with the given mode.
    pub fn upload(&self, local: &Path, remote: &str, mode: i32) -> Result<()> {
        let sftp = self.session.sftp().context("cannot open an SFTP channel")?;
        let mut src = std::fs::File::open(local).with_context(|| format!("cannot read {}", local.display()))?;
        let mut dst = sftp
            .open_mode(
                Path::new(remote),
                ssh2::OpenFlags::WRITE | ssh2::OpenFlags::CREATE | ssh2::OpenFlags::TRUNCATE,
                mode,
                ssh2::OpenType::File,
            )
            .with_context(|| format!("cannot create {remote} on the gateway"))?;
        std::io::copy(&mut src, &mut dst).with_context(|| format!("cannot copy {} to {remote}", local.display()))?;
        dst.flush()?;
        Ok(())
    }

    /// Writes `bytes` to the file `remote` on the gateway.
    pub fn write(&self, remote: &str, bytes: &[u8]) -> Result<()> {
        let sftp = self.session.sftp().context("cannot open an SFTP channel")?;
        let mut dst =
            sftp.create(Path::new(remote)).with_context(|| format!("cannot create {remote} on the gateway"))?;
        dst.write_all(bytes).with_context(|| format!("cannot write {remote}"))?;
        Ok(())
    }

    /// Runs `command` through the gateway user's shell; every line of its standard output and error goes to
    /// `on_line` as it arrives (`true` for stderr). Returns the exit status and the standard error text.
    pub fn run(&self, command: &str, on_line: &mut dyn FnMut(bool, &str)) -> Result<Exit> {
        let mut channel = self.session.channel_session().context("cannot open an SSH channel")?;
        channel.exec(command).with_context(|| format!("cannot start `{command}` on the gateway"))?;
        // Both streams are drained together (Hive writes its logs to stderr; a full stderr window would stall the
        // command while stdout is being read), so the session reads without blocking while the command runs.
        self.session.set_blocking(false);
        let result = (|| -> Result<String> {
            let (mut out, mut err) = (Lines::default(), Lines::default());
            let mut buf = [0u8; 16384];
            loop {
                let mut progressed = false;
                for (is_err, lines) in [(false, &mut out), (true, &mut err)] {
                    let read = if is_err { channel.stderr().read(&mut buf) } else { channel.read(&mut buf) };
                    match read {
                        Ok(0) => {}
                        Ok(n) => {
                            progressed = true;
                            lines.push(&buf[..n], &mut |l| on_line(is_err, l));
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                        Err(e) => return Err(e).context("reading the command's output"),
                    }
                }
                if !progressed {
                    if channel.eof() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            out.finish(&mut |l| on_line(false, l));
            err.finish(&mut |l| on_line(true, l));
            Ok(err.all)
        })();
        self.session.set_blocking(true);
        let stderr = result?;
        channel.wait_close()?;
        Ok(Exit { status: channel.exit_status()?, stderr })
    }

    /// Runs `command` and returns its standard output; a non-zero exit is an error with its standard error.
    pub fn output(&self, command: &str) -> Result<String> {
        let mut text = String::new();
        let exit = self.run(command, &mut |err, line| {
            if !err {
                text.push_str(line);
                text.push('\n');
            }
        })?;
        if exit.status != 0 {
            bail!("`{command}` failed on the gateway (exit {}): {}", exit.status, exit.stderr.trim());
        }
        Ok(text)
    }

    /// An SFTP channel on this session.
    pub fn sftp(&self) -> Result<ssh2::Sftp> {
        self.session.sftp().context("cannot open an SFTP channel")
    }

    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }
}

/// Splits a byte stream into lines as it arrives (invalid UTF-8 replaced), keeping all of it.
#[derive(Default)]
struct Lines {
    pending: Vec<u8>,
    all: String,
}

impl Lines {
    fn push(&mut self, bytes: &[u8], emit: &mut dyn FnMut(&str)) {
        self.pending.extend_from_slice(bytes);
        while let Some(i) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=i).collect();
            let text = String::from_utf8_lossy(&line[..i]).into_owned();
            emit(&text);
            self.all.push_str(&text);
            self.all.push('\n');
        }
    }

    fn finish(&mut self, emit: &mut dyn FnMut(&str)) {
        if !self.pending.is_empty() {
            let text = String::from_utf8_lossy(&self.pending).into_owned();
            self.pending.clear();
            emit(&text);
            self.all.push_str(&text);
        }
    }
}

/// The host key must be in the known_hosts file, unchanged; otherwise the message names its SHA256 fingerprint.
fn check_host_key(session: &Session, config: &GatewayConfig) -> Result<()> {
    let (key, _) = session.host_key().ok_or_else(|| anyhow!("the gateway sent no host key"))?;
    let fingerprint = session.host_key_hash(HashType::Sha256).map(base64_unpadded).unwrap_or_default();
    let mut known = session.known_hosts()?;
    known
        .read_file(&config.known_hosts, KnownHostFileKind::OpenSSH)
        .with_context(|| format!("cannot read known_hosts file {}", config.known_hosts.display()))?;
    let shown = if config.port == 22 { config.host.clone() } else { format!("[{}]:{}", config.host, config.port) };
    match known.check_port(&config.host, config.port, key) {
        CheckResult::Match => Ok(()),
        CheckResult::Mismatch => bail!(
            "the host key of the gateway {shown} CHANGED (SHA256:{fingerprint}) and does not match {}: refusing \
             to connect (someone may be intercepting the connection; if the key was rotated, update known_hosts)",
            config.known_hosts.display()
        ),
        CheckResult::NotFound => bail!(
            "the host key of the gateway {shown} (SHA256:{fingerprint}) is not in {}: refusing to connect (add it \
             after checking the fingerprint, e.g. with ssh-keyscan)",
            config.known_hosts.display()
        ),
        CheckResult::Failure => bail!("cannot check the host key of {shown} against {}", config.known_hosts.display()),
    }
}

/// OpenSSH's fingerprint text: standard base64 without padding.
fn base64_unpadded(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// Quotes `s` for a POSIX shell.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_unpadded_base64() {
        assert_eq!(base64_unpadded(b"f"), "Zg");
        assert_eq!(base64_unpadded(b"fo"), "Zm8");
        assert_eq!(base64_unpadded(b"foo"), "Zm9v");
        assert_eq!(base64_unpadded(b"foob"), "Zm9vYg");
    }

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
