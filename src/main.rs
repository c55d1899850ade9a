//! The `kamerstand` binary: wires the real streams and clock into
//! [`kamerstand::cli::run`] and exits with its code.
//!
//! The library forbids unsafe code; this file denies it but for the one
//! call that sets the C allocator's mmap threshold ([`return_large_frees`]).
#![deny(unsafe_code)]

use kamerstand::ledger::{Clock, SystemClock};

fn main() {
    return_large_frees();
    // Colour, width and progress bars follow from what the streams are
    // attached to (std::io::IsTerminal, anstream's NO_COLOR/CLICOLOR_FORCE).
    let terminal = kamerstand::cli::Terminal::detect();
    let mut out = terminal.stdout();
    // Not locked: a progress bar draws on stderr from its own thread.
    let mut err = std::io::stderr();
    let mut input = std::io::stdin().lock();
    let clock = || -> Box<dyn Clock> { Box::new(SystemClock) };
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty());
    let code = kamerstand::cli::run(
        std::env::args_os(),
        &mut kamerstand::cli::Env {
            out: &mut out,
            err: &mut err,
            input: &mut input,
            clock: &clock,
            os_user,
            terminal,
            exits_after: true,
            whole_ledger_up_to: kamerstand::ledger::WHOLE_LEDGER_AT_OPEN,
        },
    );
    std::process::exit(code);
}

/// Has glibc's allocator map every allocation of 128 KiB or more on its own,
/// so that freeing one gives its memory back. Left to itself, glibc raises
/// that threshold to the size of the largest such block freed so far (up
/// to 32 MiB: sled's write buffers, a read-back chunk of an index build, a
/// grown hash table), and blocks below it are then taken from the heap,
/// where what is freed among what is kept stays resident. On L this took
/// the peak of an events import from some 330 to 200 MiB and of `verify`
/// from some 255 to 225 (docs/performance.md, "The import's memory, and
/// the allocator's mmap threshold"). Set once, before any thread starts;
/// only on glibc.
fn return_large_frees() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const THRESHOLD: libc::c_int = 128 * 1024;
        // SAFETY: mallopt sets a tunable of glibc's allocator and touches
        // no memory of ours; glibc allows it at any time, and here no other
        // thread exists yet. A refusal (0) leaves glibc's default, which is
        // only a larger peak, so it is not checked.
        #[allow(unsafe_code)]
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        }
    }
}
