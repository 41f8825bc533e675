//! Plain files read through a sliding read-only memory map, guarded against the file shrinking under it.
//!
//! `read(2)` copies every byte out of the page cache. For a pre-filtered pass that copy is most of the CPU time: 35 % of
//! a video-only run on a 200 MB log (`perf record -e cpu-clock`, Intel Xeon guest). A mapping hands the scanner the
//! page-cache pages themselves. It is mapped a window at a time (`MAP_POPULATE`, so without a page fault per page) and
//! unmapped behind, so the resident set stays at one window whatever the file size.
//!
//! The risk of a mapping is a file that shrinks while it is read (logrotate's `copytruncate`): touching a page past
//! the new end raises SIGBUS, which would kill the process. A process-wide handler recognises a fault inside the
//! faulting thread's current window, maps zero pages over the rest of that window so the access completes, and flags
//! the thread; the reader then fails its next call with an error naming the truncation, like a read error would. A
//! SIGBUS anywhere else goes to the disposition installed before (std's, or the default).

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, Read};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};

/// Bytes mapped at a time (the resident set of the reader).
pub const WINDOW: usize = 1 << 20;

thread_local! {
    /// The current window of this thread's reader (address, length), read by the SIGBUS handler.
    static ACTIVE: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    /// Set by the handler when it patched a fault in this thread's window.
    static FAULTED: Cell<bool> = const { Cell::new(false) };
}

/// A [`BufRead`] over the bytes `start..end` of a regular file, served from memory-mapped windows.
pub struct MappedReader {
    file: File,
    /// The next file offset to map, and the end of the range.
    next: u64,
    end: u64,
    window: usize,
    /// The current mapping (address, length; empty between windows), and the position in it: a window that starts
    /// mid-page begins `next % page` bytes in.
    map: (usize, usize),
    pos: usize,
}

impl MappedReader {
    /// The whole of `file`; the file back when it is not a regular file with a size (a pipe, a `/proc` file), which
    /// must be read instead.
    pub fn open(file: File) -> Result<Self, File> {
        match file.metadata() {
            Ok(m) if m.is_file() && m.len() > 0 => Self::range(file, 0, m.len()),
            _ => Err(file),
        }
    }

    /// The bytes `start..end` of `file`.
    pub fn range(file: File, start: u64, end: u64) -> Result<Self, File> {
        Self::with_window(file, start, end, WINDOW)
    }

    /// [`MappedReader::range`] with `window`-byte mappings (rounded up to whole pages).
    pub fn with_window(file: File, start: u64, end: u64, window: usize) -> Result<Self, File> {
        if !file.metadata().is_ok_and(|m| m.is_file()) || start > end {
            return Err(file);
        }
        install_handler();
        if start < end && !can_map(&file, start) {
            return Err(file);
        }
        let window = window.max(page()).div_ceil(page()) * page();
        // A flag left by a reader dropped before it reported its fault must not be blamed on this one.
        FAULTED.with(|f| f.set(false));
        Ok(MappedReader { file, next: start, end, window, map: (0, 0), pos: 0 })
    }

    fn unmap(&mut self) {
        let (addr, len) = self.map;
        if len != 0 {
            ACTIVE.with(|a| a.set((0, 0)));
            // SAFETY: `addr..addr + len` is a mapping this reader made and no longer hands out: every slice of it
            // given by `fill_buf` borrowed `self`, so none outlives this `&mut self` call.
            unsafe { libc::munmap(addr as *mut libc::c_void, len) };
            self.map = (0, 0);
            self.pos = 0;
        }
    }

    /// Maps the next window of the range; `Ok(false)` at its end.
    fn map_next(&mut self) -> io::Result<bool> {
        if self.next >= self.end {
            return Ok(false);
        }
        let page = page() as u64;
        let aligned = self.next - self.next % page;
        let skip = (self.next - aligned) as usize;
        let take = (self.end - self.next).min((self.window - skip) as u64) as usize;
        let len = skip + take;
        let offset = libc::off_t::try_from(aligned).map_err(|_| io::Error::other("file offset out of range"))?;
        // SAFETY: a fresh read-only private mapping of `len` bytes of an open file, at an address of the kernel's
        // choosing; it aliases no Rust object.
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_POPULATE,
                self.file.as_raw_fd(),
                offset,
            )
        };
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        self.map = (addr as usize, len);
        ACTIVE.with(|a| a.set(self.map));
        self.pos = skip;
        self.next += take as u64;
        Ok(true)
    }

    /// The truncation the handler saw in this thread's window, as an error (once).
    fn fault() -> io::Result<()> {
        if FAULTED.with(|f| f.replace(false)) {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file shrank while it was being read"));
        }
        Ok(())
    }
}

/// Whether the page of `file` holding `offset` can be mapped (some file systems cannot map; their files are read).
fn can_map(file: &File, offset: u64) -> bool {
    let Ok(aligned) = libc::off_t::try_from(offset - offset % page() as u64) else {
        return false;
    };
    // SAFETY: a one-page read-only mapping at an address of the kernel's choosing, unmapped right away.
    unsafe {
        let addr =
            libc::mmap(std::ptr::null_mut(), page(), libc::PROT_READ, libc::MAP_PRIVATE, file.as_raw_fd(), aligned);
        if addr == libc::MAP_FAILED {
            return false;
        }
        libc::munmap(addr, page());
    }
    true
}

impl Drop for MappedReader {
    fn drop(&mut self) {
        self.unmap();
    }
}

impl Read for MappedReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        super::aligned::read_buffered(self, out)
    }
}

impl BufRead for MappedReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.map.1 {
            Self::fault()?;
            self.unmap();
            if !self.map_next()? {
                return Ok(&[]);
            }
        }
        let (addr, len) = self.map;
        // SAFETY: `addr..addr + len` is the live read-only mapping made by `map_next` (a fault in it is patched with
        // zero pages by the handler, so every byte stays readable); it is unmapped only through `&mut self`, which the
        // returned borrow prevents.
        let all = unsafe { std::slice::from_raw_parts(addr as *const u8, len) };
        Ok(&all[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.map.1);
    }
}

/// The page size, read once when the handler is installed (so the handler itself makes no library call for it).
static PAGE: AtomicUsize = AtomicUsize::new(4096);

fn page() -> usize {
    PAGE.load(Ordering::Relaxed)
}

/// The SIGBUS disposition before ours (std's stack-overflow reporter, or the default), restored for a fault that is not
/// a truncated window.
static PREVIOUS: OnceLock<libc::sigaction> = OnceLock::new();

fn install_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: sysconf has no preconditions.
        let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if let Some(p) = usize::try_from(p).ok().filter(|p| p.is_power_of_two()) {
            PAGE.store(p, Ordering::Relaxed);
        }
        // SAFETY: installs `on_sigbus` for SIGBUS with a zeroed (empty) mask; the handler only touches const-initialised
        // thread locals and makes async-signal-safe system calls.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = on_sigbus as *const () as usize;
            act.sa_flags = libc::SA_SIGINFO;
            libc::sigemptyset(&mut act.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGBUS, &act, &mut old) == 0 {
                let _ = PREVIOUS.set(old);
            }
        }
    });
}

extern "C" fn on_sigbus(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for an SA_SIGINFO handler.
    let addr = unsafe { (*info).si_addr() } as usize;
    let (start, len) = ACTIVE.with(Cell::get);
    if len != 0 && (start..start + len).contains(&addr) {
        let page = addr & !(page() - 1);
        // SAFETY: replaces the rest of this thread's own window (pages it only reads) with zero pages.
        let p = unsafe {
            libc::mmap(
                page as *mut libc::c_void,
                start + len - page,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if p != libc::MAP_FAILED {
            FAULTED.with(|f| f.set(true));
            return;
        }
    }
    // Not a truncated window: the previous disposition (or the default) takes the retried access.
    // SAFETY: sigaction and signal are async-signal-safe; `PREVIOUS` was set before this handler was installed.
    unsafe {
        match PREVIOUS.get() {
            Some(old) => libc::sigaction(libc::SIGBUS, old, std::ptr::null_mut()),
            None => libc::signal(libc::SIGBUS, libc::SIG_DFL) as libc::c_int,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Seek, SeekFrom, Write};

    fn temp_with(data: &[u8]) -> File {
        let mut f = tempfile::tempfile().expect("temp file");
        f.write_all(data).expect("write");
        f.seek(SeekFrom::Start(0)).expect("seek");
        f
    }

    #[test]
    fn reads_ranges_through_small_windows() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        for (start, end) in [(0, data.len()), (1, 299_999), (4095, 4097), (70_000, 250_001), (5, 5)] {
            for window in [4096, 3 * 4096, 1 << 20] {
                let r = MappedReader::with_window(temp_with(&data), start as u64, end as u64, window)
                    .expect("a regular file");
                let mut got = Vec::new();
                std::io::BufReader::new(r).read_to_end(&mut got).expect("read");
                assert_eq!(got, &data[start..end], "{start}..{end} window {window}");
            }
        }
        assert!(MappedReader::open(temp_with(b"")).is_err(), "an empty file is read, not mapped");
        // A sysfs attribute is a regular file with a size that cannot be mapped (ENODEV): it is handed back to be read.
        let sysfs = std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled");
        if let Ok(f) = File::open(sysfs) {
            assert!(f.metadata().is_ok_and(|m| m.is_file() && m.len() > 0));
            assert!(MappedReader::open(f).is_err(), "{}", sysfs.display());
        }
    }

    #[test]
    fn a_file_that_shrinks_under_the_map_is_an_error_not_a_crash() {
        let data = vec![b'x'; 64 * 4096];
        let file = temp_with(&data);
        let shrink = file.try_clone().expect("dup");
        let mut r = MappedReader::with_window(file, 0, data.len() as u64, 32 * 4096).expect("a regular file");
        let first = r.fill_buf().expect("first window").len();
        assert_eq!(first, 32 * 4096);
        // logrotate copytruncate: the file is cut while its first window is mapped.
        shrink.set_len(3 * 4096 + 10).expect("truncate");
        let buf = r.fill_buf().expect("still mapped");
        // The pages that remain are intact; the rest of the window reads as zeros instead of killing the process.
        assert!(buf[..3 * 4096 + 10].iter().all(|&b| b == b'x'));
        assert!(buf[4 * 4096..].iter().all(|&b| b == 0));
        let n = buf.len();
        r.consume(n);
        let err = r.fill_buf().expect_err("the truncation is reported");
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("shrank"), "{err}");

        // A reader dropped before it reported its fault leaves nothing for the next one on this thread.
        let file = temp_with(&data);
        let shrink = file.try_clone().expect("dup");
        let mut r = MappedReader::with_window(file, 0, data.len() as u64, 32 * 4096).expect("a regular file");
        shrink.set_len(4096).expect("truncate");
        assert_eq!(r.fill_buf().expect("mapped")[8 * 4096], 0, "a patched page");
        drop(r);
        let mut got = Vec::new();
        let r = MappedReader::with_window(temp_with(&data), 0, data.len() as u64, 32 * 4096).expect("a regular file");
        std::io::BufReader::new(r).read_to_end(&mut got).expect("no stale fault");
        assert_eq!(got, data);
    }
}
