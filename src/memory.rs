//! Giving freed heap memory back to the system, so that a run's peak is what one step needs, without paying for it
//! on every large block.
//!
//! glibc keeps what a thread frees in that thread's arena, and after a large block is freed it raises its mmap
//! threshold (up to 32 MiB), so the next large blocks come from the arenas too: after the map pass (worker
//! threads, large tables) a run would keep a hundred MiB it no longer uses while its SQL transforms allocate their
//! own (measured: 295-340 MiB peak on 1 GiB of logs). The run therefore trims every arena after each step
//! ([`trim`]). Between two trims, freed blocks are reused: blocks up to 32 MiB come from the arenas (a fixed
//! threshold) and an arena's free top is kept up to 64 MiB. A lower threshold (1 MiB, until 2026-12) mapped every
//! run buffer, Arrow array and copy afresh and unmapped it when freed: 175 k page faults and about 1 s of system
//! time per GiB of logs, against 0.6 s now, for about 20 MiB more peak memory.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 32 << 20;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: i32 = 64 << 20;

/// Sets the thresholds above. Called once, first thing in `main`.
pub fn init() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` sets a glibc allocator parameter; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
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
