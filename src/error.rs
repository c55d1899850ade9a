//! The library's one error type. Three families are kept apart because the
//! CLI maps them to different exit codes: input we refuse (2), a ledger that is
//! damaged (1), and storage that failed (1).

use crate::domain::Invalid;
use std::path::PathBuf;

/// Everything that can go wrong in a library call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument or input field did not parse.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The input parsed but the ledger's state refuses it (unknown item,
    /// duplicate key, no change, …). Nothing was written.
    #[error("{0}")]
    Rejected(String),
    /// There is no ledger at the path (or the path is not a store).
    #[error("{message}")]
    NoStore {
        /// The store path.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// Another process holds the store's lock.
    #[error("store {} is in use by another kamerstand process{}; try again when it has finished, or pass --wait SECONDS", path.display(), pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    InUse {
        /// The store path.
        path: PathBuf,
        /// The holder's process id, when it wrote one.
        pid: Option<u32>,
    },
    /// The stored data contradicts itself.
    #[error("ledger is corrupt{}: {what}", seq.map(|s| format!(" at seq {s}")).unwrap_or_default())]
    Corrupt {
        /// The first affected event, when known.
        seq: Option<u64>,
        /// What was found.
        what: String,
    },
    /// The ledger's last event was recorded later than the clock says it is
    /// now, by more than the clock's tolerance: nothing can be appended
    /// without stamping it with a time that has not come (exit code 1:
    /// neither the input nor the store is at fault, the clock or the
    /// ledger's history is).
    #[error("{0}")]
    ClockBehind(String),
    /// Reading or writing the store failed.
    #[error("storage failed while {context}: {detail}")]
    Storage {
        /// What we were doing.
        context: String,
        /// The underlying error.
        detail: String,
    },
}

impl Error {
    /// A storage error with context.
    pub fn storage(context: impl Into<String>, detail: impl std::fmt::Display) -> Error {
        Error::Storage {
            context: context.into(),
            detail: detail.to_string(),
        }
    }

    /// True for errors caused by the user's input (exit code 2).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Error::Invalid(_) | Error::Rejected(_) | Error::NoStore { .. }
        )
    }
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
