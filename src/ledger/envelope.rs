//! The envelope around every event body: its place in the chain, its id, the
//! ledger's recorded time, who recorded it, and the hash of the event before.
//! Field order here is the canonical byte order (schema/event-v1.md).

use crate::domain::{EventBody, EventHash, EventId, Timestamp};
use serde::{Deserialize, Serialize};

/// The format version written by this build, first field of every envelope.
pub const FORMAT_VERSION: u16 = 1;

/// An event as stored, without its own hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Format version of this envelope's encoding.
    pub format: u16,
    /// Position in the chain, contiguous from 0.
    pub seq: u64,
    /// UUID v7 of this event.
    pub id: EventId,
    /// When the ledger recorded it (UTC), never before the previous event.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub actor: String,
    /// Hash of event `seq - 1`; zeros for the first event.
    pub prev: EventHash,
    /// What happened.
    pub body: EventBody,
}

/// An envelope with its hash: one link of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The event.
    pub envelope: Envelope,
    /// SHA-256 of the tag and the envelope's canonical bytes.
    pub hash: EventHash,
}

impl Recorded {
    /// The item this event is about, if any.
    pub fn item(&self) -> Option<EventId> {
        self.envelope.body.item(self.envelope.id)
    }
}
