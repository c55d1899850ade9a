//! Why a signed note does not hold for a ledger (`verify --note`): its
//! signatures, or what it says against what the ledger holds. Data, so
//! that the verification summary can say it in Dutch or English
//! (`crate::report::verification`); the `Display` is the English sentence
//! that the refusal `Refusal::NoteMismatch` carries.

use super::NoteError;
use crate::domain::EventHash;
use std::fmt;

/// Why a note does not hold.
#[derive(Debug)]
#[non_exhaustive]
pub enum NoteFault {
    /// A signature is missing, does not verify, or is by no known key.
    Signatures(NoteError),
    /// The note is of another ledger's checkpoints.
    Origin {
        /// The note's origin line.
        note: String,
        /// This ledger's.
        ours: String,
    },
    /// The note covers more events than the ledger holds.
    RolledBack {
        /// The note's tree size.
        covers: u64,
        /// The ledger's.
        holds: u64,
    },
    /// The ledger's tree of the note's size has another root.
    Fork {
        /// The note's tree size.
        size: u64,
        /// The ledger's root at that size.
        ours: EventHash,
        /// The note's root.
        theirs: EventHash,
    },
}

impl fmt::Display for NoteFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoteFault::Signatures(e) => write!(f, "{e}"),
            NoteFault::Origin { note, ours } => write!(
                f,
                "the note is for '{note}', this ledger's checkpoints are for '{ours}'"
            ),
            NoteFault::RolledBack { covers, holds } => write!(
                f,
                "the note covers {covers} events, this ledger holds {holds}: it was rolled back to an older copy or truncated"
            ),
            NoteFault::Fork { size, ours, theirs } => write!(
                f,
                "this ledger's first {size} events have Merkle root {}, the note's root is {}: its history was rewritten (a fork)",
                ours.hex(),
                theirs.hex()
            ),
        }
    }
}
