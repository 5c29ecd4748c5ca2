//! Keeps the allocator from holding on to memory the program has freed.
//!
//! glibc keeps what a thread frees in that thread's arena and returns only the top of a
//! heap by itself. Two cases mattered here (measured with `RssAnon`):
//! - at startup each HTTP worker builds its routes and with them their OpenAPI
//!   documentation, dropped again since the document is built once and shared: ~16 MB;
//! - a password hash takes 19 MB (Argon2's memory cost). glibc maps the first such block
//!   on its own, then raises its threshold and serves the next ones from the arena of
//!   whichever blocking thread hashes, where they stay: five logins left 66 MB resident.
//!
//! Off glibc (musl, macOS) both calls do nothing: those allocators have no such calls.

/// Blocks of at least this size are mapped on their own and unmapped when freed (unless
/// an arena happens to hold a free block that large already).
const MAP_ALONE_FROM: i32 = 1 << 20;

/// Fixes glibc's threshold for mapping a block on its own (which also stops it from
/// moving), so that large short-lived buffers, the password hash's above all, go back to
/// the system when freed. Called once, first thing in `main`; false if glibc refused.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn configure() -> bool {
    // SAFETY: mallopt takes plain integers; M_MMAP_THRESHOLD accepts up to 32 MB on
    // 64-bit systems.
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MAP_ALONE_FROM) == 1 }
}

/// Asks glibc to return the free pages of every arena (`malloc_trim(0)`). Returns whether
/// anything was given back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn release_freed() -> bool {
    // SAFETY: malloc_trim takes no pointers; glibc locks each arena in turn while it
    // releases (madvise) the free pages in it, as it does for any allocation.
    unsafe { libc::malloc_trim(0) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn configure() -> bool {
    true
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_freed() -> bool {
    false
}
