//! The use cases: what a clerk, an auditor or a script asks of a ledger,
//! each as one call that the command line (and any other caller, such as a
//! server) makes and renders. A use case parses nothing from a terminal and
//! prints nothing: it takes typed requests and returns typed outcomes.
//!
//! - [`Workspace`]: an open ledger with what it derives; `record` decides,
//!   appends and applies one event.
//! - [`write`]: the typed writes (register, amend, status, assign, note,
//!   correct, seal) with what each receipt reports.
//! - [`find`]: an item, an event or a round named by the user.
//! - [`view`]: which moment a read shows, on both time axes.
//! - [`import`], [`restore`], [`export`], [`verify`]: documents in and out,
//!   backups, and the full check of a ledger.

pub mod diff;
pub mod export;
pub mod find;
pub mod import;
pub mod progress;
pub mod proofs;
pub mod restore;
pub mod verify;
pub mod view;
mod workspace;
pub mod write;

pub use progress::{Progress, Quiet};
pub use workspace::Workspace;
