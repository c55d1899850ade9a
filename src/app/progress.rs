//! How long work reports how far it has come. The library only calls these
//! hooks; the command line draws them as a progress bar, a server or a test
//! ignores them ([`Quiet`]).

/// Receives progress of long work: a named phase counted in some unit, or
/// an uncounted step.
pub trait Progress {
    /// A new phase begins: `what` is being done, counted in `unit`.
    fn phase(&self, what: &str, unit: &str) {
        let _ = (what, unit);
    }
    /// An uncounted step begins.
    fn spin(&self, what: &str) {
        let _ = what;
    }
    /// `done` of `total` units of the phase are done.
    fn update(&self, done: u64, total: u64) {
        let _ = (done, total);
    }
}

/// Progress that nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {}
