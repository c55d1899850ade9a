//! The use cases: what a clerk, an auditor or a script asks of a ledger,
//! each as one call that the command line (and any other caller, such as a
//! server) makes and renders. A use case parses nothing from a terminal and
//! prints nothing: it takes typed requests and returns typed outcomes.
//!
//! - [`Workspace`]: an open ledger with what it derives; `record` decides,
//!   appends and applies one event.
//! - [`write`](mod@write): the typed writes (register, amend, status, assign, note,
//!   correct, seal) with what each receipt reports.
//! - [`find`]: an item, an event or a round named by the user.
//! - [`view`]: which moment a read shows, on both time axes.
//! - [`import`], [`restore`], [`export`], [`verify`]: documents in and out,
//!   backups, and the full check of a ledger.
//! - [`access`], [`credentials`], [`writer`]: a ledger shared by several
//!   people: who may write what, how accounts prove who they are, and one
//!   writer that groups concurrent writes into one durable commit.

pub mod access;
pub mod credentials;
pub mod diff;
pub mod export;
pub mod filter;
pub mod find;
pub mod import;
pub mod progress;
pub mod proof_check;
pub mod proofs;
pub mod request;
pub mod restore;
pub mod verify;
pub mod view;
mod workspace;
pub mod write;
pub mod writer;

pub use progress::{Progress, Quiet};
pub use workspace::Workspace;
