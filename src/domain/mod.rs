//! Pure domain types: what an item, a status, a responsible party, a citation
//! and an event are, and how each is parsed from the text a clerk types.
//!
//! Nothing here does I/O. Every parser turns raw input into a typed value or an
//! [`Invalid`] that names the input and says what would be accepted; the CLI
//! parses all arguments through these types before it opens a store.

pub mod access;
pub mod citation;
pub mod date;
pub mod event;
pub mod ids;
pub mod invisible;
pub mod key;
pub mod kind;
pub mod legend;
pub mod ministries;
pub mod responsible;
pub mod text;

pub use access::{AccountName, AccountRole, KeyName, KeyRole, PublicKey, Signature};
pub use citation::KamerstukRef;
pub use date::{Day, Instant, Timestamp};
pub use event::{EventBody, Replacement, Seal};
pub use ids::{EventHash, EventId};
pub use key::ItemKey;
pub use kind::ItemKind;
pub use legend::{Legend, LegendEntry};
pub use ministries::Ministries;
pub use responsible::{Responsible, ResponsibleCode, Role};

/// Input that was rejected: which input, what it was, and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} '{value}': {expected}")]
pub struct Invalid {
    /// The argument or field, e.g. "status" or "--effective".
    pub what: String,
    /// The offending value (shortened when long).
    pub value: String,
    /// What would have been accepted.
    pub expected: String,
}

impl Invalid {
    /// Builds a rejection; long values are shortened so messages stay readable.
    pub fn new(what: impl Into<String>, value: &str, expected: impl Into<String>) -> Self {
        Invalid {
            what: what.into(),
            value: text::shorten(value, 60),
            expected: expected.into(),
        }
    }
}
