//! Giving freed heap memory back to the system, so that a run's peak is what one step needs.
//!
//! glibc keeps what a thread frees in that thread's arena, and after a large block is freed it raises its mmap
//! threshold (up to 32 MiB), so the next large blocks come from the arenas too: after the map pass (worker
//! threads, large tables) a run would keep a hundred MiB it no longer uses while its SQL transforms allocate their
//! own (measured: 295-340 MiB peak on 1 GiB of logs, 250-275 MiB with both settings below).

/// Blocks of 1 MiB or more are always mapped on their own and unmapped when freed (a fixed threshold, which
/// glibc then no longer raises). Called once, first thing in `main`.
pub fn init() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` sets a glibc allocator parameter; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Returns the free memory of every malloc arena to the system (glibc only; elsewhere nothing to do).
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only walks glibc's own heap structures, under their locks; it takes no pointer of ours.
    unsafe {
        libc::malloc_trim(0);
    }
}
