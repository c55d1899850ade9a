//! What `verify` can find, as data: the detail of a break in the chain
//! ([`Finding`]), the outcome of a published digest's check
//! ([`DigestFinding`]) and an index entry that differs from the events
//! ([`IndexFinding`]). Keeping them as data lets the verification summary
//! say them in Dutch or English (`crate::report::verification`); the
//! `Display` of each is its English sentence, which is also what the JSON's
//! `detail` and `what` carry and what error messages quote, so it is
//! serialized as that string.
//!
//! Two details are quoted as given rather than put in words: what the
//! decoder says of bytes it cannot read, and what the store says of a record
//! or head it cannot read. They name bytes and formats, for whoever repairs
//! the store.

use super::merkle::NodeId;
use crate::domain::{EventHash, EventId, Timestamp};
use serde::{Serialize, Serializer};
use std::fmt;

/// What was found at a break, with the values that show it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// An event file holds `seq` again where `next` should be.
    Repeated { seq: u64, next: u64 },
    /// No event at `next`; the next stored is `found`.
    Gap { next: u64, found: u64 },
    /// The stored bytes do not hash to the stored hash.
    HashDiffers {
        computed: EventHash,
        stored: EventHash,
    },
    /// The store could not give the record as hash and bytes.
    StoredRecord { what: String },
    /// The bytes hash correctly but do not decode.
    Undecodable { reason: String },
    /// The event stored at `seq` says it is `says`.
    WrongSeq { seq: u64, says: u64 },
    /// `prev` is not the hash of the event before (`seq` is this event's).
    Link {
        seq: u64,
        prev: EventHash,
        before: EventHash,
    },
    /// Recorded before the event before it.
    TimeBack { at: Timestamp, before: Timestamp },
    /// A `kind` event at `seq` where only seq 0 creates the ledger, or a
    /// ledger creation later.
    Creation { kind: &'static str, seq: u64 },
    /// A round sealed twice under one name (compared without case).
    SealAgain {
        name: String,
        first: String,
        at: u64,
    },
    /// A seal names another head than the event before it.
    SealHead {
        name: String,
        head_seq: u64,
        head_hash: EventHash,
        before_seq: u64,
        before_hash: EventHash,
    },
    /// A seal names another Merkle tree than the events before it give.
    SealTree {
        name: String,
        size: u64,
        root: EventHash,
        seq: u64,
        computed: EventHash,
    },
    /// A round signature that does not verify with the registered key.
    Signature { round: String, key: String },
    /// A correction names the right event but another item.
    CorrectionItem {
        target_seq: u64,
        named: EventId,
        actual: Option<EventId>,
    },
    /// A correction names an event that is not there with that id.
    CorrectionTarget {
        target_seq: u64,
        target_id: EventId,
        actual: Option<EventId>,
    },
    /// An event whose id an earlier event (at `first`, if known) has.
    IdAgain { id: EventId, first: Option<u64> },
    /// An item registered under a key an earlier item has.
    KeyAgain {
        key: String,
        existing: String,
        at: u64,
    },
    /// A seal whose round name is not one (`what`: why, in English).
    RoundName { what: String },
    /// An event about an item no earlier event registers.
    NoSuchItem { kind: &'static str, item: EventId },
    /// An event the ledger would have refused to record (`what`: the
    /// refusal, in English).
    Refused { what: String },
    /// The head names events past the last stored one (`at` is the first
    /// missing seq).
    HeadPastEnd {
        head_seq: u64,
        head_hash: EventHash,
        at: u64,
        last: Option<u64>,
    },
    /// The head names an event before the last one.
    HeadBehind {
        head_seq: u64,
        head_hash: EventHash,
        last: u64,
    },
    /// The head's recorded time is not the last event's.
    HeadTime {
        head: Timestamp,
        last: Option<Timestamp>,
    },
    /// The head's hash is not the last event's.
    HeadHash { head: EventHash, last: EventHash },
    /// Events are stored but no head.
    NoHead,
    /// The head could not be read.
    HeadUnreadable { what: String },
    /// An item index entry missing (`missing`) or not expected.
    IndexEntry {
        item: EventId,
        seq: u64,
        missing: bool,
    },
    /// An item's events listed in the item index out of the order they
    /// were recorded in: `seq` after `after`.
    IndexOrder { item: EventId, seq: u64, after: u64 },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Finding as F;
        match self {
            F::Repeated { seq, next } => write!(
                f,
                "seq {seq} comes again where seq {next} should be (a duplicated or reordered event)"
            ),
            F::Gap { next, found } => write!(
                f,
                "no event stored at seq {next}; the next stored event is seq {found}"
            ),
            // Full hashes: short ones can be equal when a late byte differs.
            F::HashDiffers { computed, stored } => write!(
                f,
                "stored bytes hash to {}, the stored hash is {}",
                computed.hex(),
                stored.hex()
            ),
            F::StoredRecord { what } | F::Undecodable { reason: what } => f.write_str(what),
            F::WrongSeq { seq, says } => {
                write!(f, "the event stored at seq {seq} says it is seq {says}")
            }
            F::Link { seq, prev, before } => {
                write!(
                    f,
                    "prev is {}, but the event before hashes to {}",
                    prev.short(),
                    before.short()
                )?;
                if *seq > 0 {
                    write!(f, " (seq {} or this event was rewritten)", seq - 1)?;
                }
                Ok(())
            }
            F::TimeBack { at, before } => {
                write!(f, "recorded at {at}, before the previous event ({before})")
            }
            F::Creation { kind, seq } => write!(
                f,
                "a {kind} event at seq {seq}: ledger_created must be the first event, and only the first"
            ),
            F::SealAgain { name, first, at } => write!(
                f,
                "round '{name}' was already sealed as '{first}' at seq {at}; round names are unique"
            ),
            F::SealHead {
                name,
                head_seq,
                head_hash,
                before_seq,
                before_hash,
            } => write!(
                f,
                "round '{name}' names head seq {head_seq} ({}), but the event before it is seq {before_seq} ({})",
                head_hash.short(),
                before_hash.short()
            ),
            F::SealTree {
                name,
                size,
                root,
                seq,
                computed,
            } => write!(
                f,
                "round '{name}' names a Merkle tree of {size} events with root {}, but the {seq} events before it give root {}",
                root.short(),
                computed.short()
            ),
            F::Signature { round, key } => write!(
                f,
                "the signature of round '{round}' by key '{key}' does not verify over the round's checkpoint with the key registered under that name"
            ),
            F::CorrectionItem {
                target_seq,
                named,
                actual,
            } => write!(
                f,
                "the correction says seq {target_seq} is about item {}, but {}",
                named.hex(),
                actual.map_or("that event is about no item".to_string(), |i| format!(
                    "it is about {}",
                    i.hex()
                ))
            ),
            F::CorrectionTarget {
                target_seq,
                target_id,
                actual,
            } => write!(
                f,
                "the correction names seq {target_seq} with id {}, but {}",
                target_id.hex(),
                actual.map_or("no such earlier event exists".to_string(), |i| format!(
                    "that event's id is {}",
                    i.hex()
                ))
            ),
            F::IdAgain { id, first } => write!(
                f,
                "its id {} is also the id{}; every event has an id of its own",
                id.hex(),
                first.map_or(String::new(), |s| format!(" of seq {s}"))
            ),
            F::KeyAgain { key, existing, at } => write!(
                f,
                "it registers key '{key}', which item {existing} already has (registered at seq {at}); a key names one item (in any case)"
            ),
            F::RoundName { what } => f.write_str(what),
            F::NoSuchItem { kind, item } => write!(
                f,
                "a {kind} event about item {}, but no item with that id is registered before it",
                item.hex()
            ),
            F::Refused { what } => {
                write!(f, "the ledger would have refused to record it: {what}")
            }
            F::HeadPastEnd {
                head_seq,
                head_hash,
                at,
                last,
            } => {
                write!(
                    f,
                    "the head names seq {head_seq} ({}), but no event is stored at seq {at}",
                    head_hash.short()
                )?;
                if let Some(l) = last {
                    write!(f, "; the last stored event is seq {l}")?;
                }
                Ok(())
            }
            F::HeadBehind {
                head_seq,
                head_hash,
                last,
            } => write!(
                f,
                "the head names seq {head_seq} ({}), but the last event is seq {last}",
                head_hash.short()
            ),
            F::HeadTime { head, last } => write!(
                f,
                "the head's recorded time {head} is not the last event's ({})",
                last.map_or("none".into(), |t| t.to_string())
            ),
            // Full hashes: short ones can be equal when a late byte differs.
            F::HeadHash { head, last } => write!(
                f,
                "the head names hash {}, but the last event hashes to {}",
                head.hex(),
                last.hex()
            ),
            F::NoHead => f.write_str("no head is stored, but events exist"),
            F::HeadUnreadable { what } => write!(f, "the head cannot be read: {what}"),
            F::IndexOrder { item, seq, after } => write!(
                f,
                "the item index lists seq {seq} of item {} after seq {after}, out of the order they were recorded in",
                item.hex()
            ),
            F::IndexEntry { item, seq, missing } => write!(
                f,
                "the entry for item {} at seq {seq} is {} the item index",
                item.hex(),
                if *missing {
                    "missing from"
                } else {
                    "not expected in"
                }
            ),
        }
    }
}

/// What the ledger holds of a digest checked against a round's name that
/// no sealed round has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestIs {
    /// The seal of another round.
    Seal { round: String, seq: u64 },
    /// The hash of an event that is no seal.
    Event { seq: u64 },
    /// No event checked has it.
    Nowhere,
}

/// What the check of a published digest found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestFinding {
    /// The round is sealed with this digest (found).
    Sealed { round: String, seq: u64 },
    /// Without a round: the digest is the hash of this event (found).
    HashOf { seq: u64 },
    /// The digest is another round's seal.
    OtherRound {
        other: String,
        at: u64,
        round: String,
        seq: u64,
    },
    /// The round is sealed with another digest, which is no other round's.
    Rewritten {
        round: String,
        seq: u64,
        seal: EventHash,
        published: EventHash,
    },
    /// Without a round: no event checked has the digest.
    Absent { checked: u64 },
    /// No sealed round has the name given.
    UnknownRound {
        name: String,
        /// The sealed rounds' names, in the order they were sealed (those
        /// before the break, when the chain broke).
        sealed: Vec<String>,
        /// The sealed names close to `name`, for a did-you-mean.
        close: Vec<String>,
        checked: u64,
        /// The chain broke after `checked` events.
        broken: bool,
        digest: DigestIs,
    },
}

impl fmt::Display for DigestFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DigestFinding as D;
        match self {
            D::Sealed { round, seq } => {
                write!(f, "round '{round}' is sealed at seq {seq} with this digest")
            }
            D::HashOf { seq } => write!(f, "digest is the hash of seq {seq}"),
            D::OtherRound {
                other,
                at,
                round,
                seq,
            } => write!(
                f,
                "this digest is the seal of round '{other}' (seq {at}), not of round '{round}' (sealed at seq {seq}): was it published for {other}? Check it with --round {other}"
            ),
            D::Rewritten {
                round,
                seq,
                seal,
                published,
            } => write!(
                f,
                "round '{round}' is sealed at seq {seq} with digest {}, not the published {}: the history up to that seal was rewritten (or the digest is mistyped)",
                seal.hex(),
                published.hex()
            ),
            D::Absent { checked } => write!(
                f,
                "no event among the {checked} checked has this hash: the ledger was rewritten or truncated after the digest was published (or the digest is mistyped)"
            ),
            D::UnknownRound {
                name,
                sealed,
                close,
                checked,
                broken,
                digest,
            } => {
                let did_you_mean = if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", close.join(" or "))
                };
                let listed = if sealed.is_empty() {
                    "none".to_string()
                } else {
                    sealed.join(", ")
                };
                match (broken, sealed.is_empty()) {
                    (true, _) => write!(
                        f,
                        "no round named '{name}' is sealed among the {checked} events before the break{did_you_mean} (sealed there: {listed})"
                    )?,
                    (false, true) => write!(
                        f,
                        "no round is sealed in this ledger ({checked} events checked), so none is named '{name}'"
                    )?,
                    (false, false) => write!(
                        f,
                        "no round is named '{name}'{did_you_mean} (sealed rounds: {listed})"
                    )?,
                }
                match digest {
                    DigestIs::Seal { round, seq } => write!(
                        f,
                        ". The digest is the seal of round '{round}' (seq {seq}): check it with --round {round}"
                    ),
                    DigestIs::Event { seq } => write!(
                        f,
                        ". The digest is in the ledger, as the hash of seq {seq}, which is not a round's seal"
                    ),
                    DigestIs::Nowhere if *broken => f.write_str(
                        ". Nor is the digest among those events: it may lie beyond the break",
                    ),
                    DigestIs::Nowhere => write!(
                        f,
                        ". The digest is not in the ledger either (none of the {checked} events checked has it): the ledger was rewritten or truncated after it was published, or the digest or the round's name is mistyped"
                    ),
                }
            }
        }
    }
}

/// How an index entry differs from what the events give.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexFinding {
    /// The index has no mark of the head it was written up to.
    NeverBuilt,
    /// The index was written up to an event the chain has with another
    /// hash.
    WrittenOther {
        seq: u64,
        index: EventHash,
        chain: EventHash,
    },
    /// The index was written up to another head.
    WrittenElsewhere { index: u64, chain: u64 },
    /// The index was written up to a head; the chain has none.
    WrittenNoHead { index: u64 },
    /// A snapshot of an item the events do not have.
    Orphan,
    /// An entry with another value.
    Differs,
    /// An entry the events give is not stored.
    Missing,
    /// An entry is stored that the events do not give.
    Extra,
    /// The Merkle tree covers another number of events (None: none).
    TreeSize { covers: Option<u64>, events: u64 },
    /// A Merkle tree node differs or is missing.
    Node { id: NodeId, missing: bool },
    /// More or fewer Merkle tree nodes are stored than the events give.
    NodeCount { stored: u64, given: u64 },
    /// A stored entry cannot be read (what is wrong with it).
    Unreadable { what: String },
}

impl fmt::Display for IndexFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use IndexFinding as I;
        match self {
            I::NeverBuilt => {
                f.write_str("the index was never built (or its building was interrupted)")
            }
            I::WrittenOther { seq, index, chain } => write!(
                f,
                "the index was written up to seq {seq} with hash {}, but the chain's event there has hash {}",
                index.hex(),
                chain.hex()
            ),
            I::WrittenElsewhere { index, chain } => write!(
                f,
                "the index was written up to seq {index} but the chain's head is seq {chain}"
            ),
            I::WrittenNoHead { index } => write!(
                f,
                "the index was written up to seq {index} but the chain has no head"
            ),
            I::Orphan => f.write_str("an entry for an item the events do not have"),
            I::Differs => f.write_str("the entry differs from the one the events give"),
            I::Missing => f.write_str("an entry the events give is missing"),
            I::Extra => f.write_str("an entry the events do not give is present"),
            I::TreeSize { covers, events } => write!(
                f,
                "the Merkle tree covers {} events, the ledger holds {events}",
                covers.map_or("no".into(), |s| s.to_string())
            ),
            I::Node { id, missing } => write!(
                f,
                "the Merkle tree node at {id} {} the one the events give",
                if *missing {
                    "is missing; it is"
                } else {
                    "differs from"
                }
            ),
            I::NodeCount { stored, given } => write!(
                f,
                "{stored} Merkle tree nodes are stored, the events give {given}"
            ),
            I::Unreadable { what } => write!(f, "the stored entry cannot be read: {what}"),
        }
    }
}

/// Serializes a finding as its English sentence (the JSON's `detail`).
macro_rules! as_sentence {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}
as_sentence!(Finding, DigestFinding, IndexFinding);
