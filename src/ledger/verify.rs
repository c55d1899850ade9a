//! Full verification of a store: every hash recomputed, every link and seq
//! checked, recorded time never decreasing, the head and the item index
//! compared with what the events imply. Stops at the first break and names it.

use super::codec;
use super::store::Store;
use crate::domain::{EventBody, EventHash, EventId};
use crate::error::Result;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The kind of damage found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The stored bytes do not hash to the stored hash.
    ContentAltered,
    /// The bytes hash correctly but cannot be decoded as an envelope.
    Undecodable,
    /// An event's `prev` is not the hash of the event before it.
    LinkBroken,
    /// A seq is missing from the chain.
    EventMissing,
    /// An event sits at the wrong seq, or its recorded time goes back.
    OutOfOrder,
    /// The item index disagrees with the events.
    IndexMismatch,
    /// The stored head is not the last event.
    HeadMismatch,
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BreakKind::ContentAltered => "content altered",
            BreakKind::Undecodable => "undecodable event",
            BreakKind::LinkBroken => "link broken",
            BreakKind::EventMissing => "event missing",
            BreakKind::OutOfOrder => "out of order",
            BreakKind::IndexMismatch => "index mismatch",
            BreakKind::HeadMismatch => "head mismatch",
        })
    }
}

/// The first break found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The first affected seq.
    pub seq: u64,
    /// What kind of damage.
    pub kind: BreakKind,
    /// The affected item's key (or id when its key is unknown), if any.
    pub item: Option<String>,
    /// What was found, in words.
    pub detail: String,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seq {}: {}", self.seq, self.kind)?;
        if let Some(item) = &self.item {
            write!(f, " (item {item})")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Events whose hash, link and order were checked and found good.
    pub events_checked: u64,
    /// Hash of the last good event (the head when the ledger is intact).
    pub head: Option<EventHash>,
    /// The first break, or None when the ledger is intact.
    pub first_break: Option<Break>,
}

impl VerifyReport {
    /// True when nothing is broken.
    pub fn ok(&self) -> bool {
        self.first_break.is_none()
    }
}

struct Names(BTreeMap<EventId, String>);

impl Names {
    fn of(&self, item: Option<EventId>) -> Option<String> {
        item.map(|i| self.0.get(&i).cloned().unwrap_or_else(|| i.hex()))
    }
}

/// Verifies the whole store.
pub fn verify(store: &Store) -> Result<VerifyReport> {
    let mut names = Names(BTreeMap::new());
    let mut expected_index: BTreeSet<(EventId, u64)> = BTreeSet::new();
    let mut prev = EventHash::GENESIS;
    let mut prev_time = None;
    let mut next_seq = 0u64;
    let report = |checked, head, brk| VerifyReport {
        events_checked: checked,
        head,
        first_break: Some(brk),
    };
    let last_good = |n: u64, h: EventHash| (n > 0).then_some(h);

    for raw in store.scan(0) {
        let (seq, stored_hash, bytes) = match raw {
            Ok(r) => r,
            Err(crate::Error::Corrupt { seq: Some(s), what }) => {
                let brk = Break {
                    seq: s,
                    kind: BreakKind::ContentAltered,
                    item: None,
                    detail: what,
                };
                return Ok(report(next_seq, last_good(next_seq, prev), brk));
            }
            Err(e) => return Err(e),
        };
        let mk = |kind, item: Option<EventId>, detail: String, at: u64| Break {
            seq: at,
            kind,
            item: names.of(item),
            detail,
        };
        if seq != next_seq {
            let brk = mk(
                BreakKind::EventMissing,
                None,
                format!("no event stored at seq {next_seq}; the next stored event is seq {seq}"),
                next_seq,
            );
            return Ok(report(next_seq, last_good(next_seq, prev), brk));
        }
        let computed = codec::hash(&bytes);
        let decoded = codec::decode(&bytes);
        let item = decoded.as_ref().ok().and_then(|e| e.body.item(e.id));
        if computed != stored_hash {
            let brk = mk(
                BreakKind::ContentAltered,
                item,
                format!(
                    "stored bytes hash to {}, the stored hash is {}",
                    computed.short(),
                    stored_hash.short()
                ),
                seq,
            );
            return Ok(report(next_seq, last_good(next_seq, prev), brk));
        }
        let env = match decoded {
            Ok(env) => env,
            Err(e) => {
                let brk = mk(BreakKind::Undecodable, None, e, seq);
                return Ok(report(next_seq, last_good(next_seq, prev), brk));
            }
        };
        if env.seq != seq {
            let brk = mk(
                BreakKind::OutOfOrder,
                item,
                format!("the event stored at seq {seq} says it is seq {}", env.seq),
                seq,
            );
            return Ok(report(next_seq, last_good(next_seq, prev), brk));
        }
        if env.prev != prev {
            let brk = mk(
                BreakKind::LinkBroken,
                item,
                format!(
                    "prev is {}, but the event before hashes to {}{}",
                    env.prev.short(),
                    prev.short(),
                    if seq > 0 {
                        format!(" (seq {} or this event was rewritten)", seq - 1)
                    } else {
                        String::new()
                    }
                ),
                seq,
            );
            return Ok(report(next_seq, last_good(next_seq, prev), brk));
        }
        if let Some(t) = prev_time.filter(|t| env.recorded_at < *t) {
            let brk = mk(
                BreakKind::OutOfOrder,
                item,
                format!(
                    "recorded at {}, before the previous event ({t})",
                    env.recorded_at
                ),
                seq,
            );
            return Ok(report(next_seq, last_good(next_seq, prev), brk));
        }
        if let EventBody::ItemRegistered { key, .. } = &env.body {
            names.0.insert(env.id, key.to_string());
        }
        if let Some(i) = item {
            expected_index.insert((i, seq));
        }
        prev = computed;
        prev_time = Some(env.recorded_at);
        next_seq += 1;
    }

    let head = store.head()?;
    let last = next_seq.checked_sub(1);
    match (head, last) {
        (None, None) => {}
        (Some(h), Some(l)) if h.seq == l && h.hash == prev => {}
        (h, l) => {
            let detail = match h {
                None => "no head is stored, but events exist".to_string(),
                Some(h) if Some(h.seq) != l => format!(
                    "the head names seq {} ({}), but the last event is {}",
                    h.seq,
                    h.hash.short(),
                    l.map_or("none".to_string(), |l| format!("seq {l}"))
                ),
                Some(h) => format!(
                    "the head names hash {}, but the last event hashes to {}",
                    h.hash.short(),
                    prev.short()
                ),
            };
            // The first seq the head and the events disagree about.
            let at = match (h, l) {
                (Some(h), Some(l)) if h.seq > l => l + 1,
                (Some(h), Some(l)) if h.seq < l => h.seq + 1,
                (_, Some(l)) => l,
                (_, None) => 0,
            };
            let brk = Break {
                seq: at,
                kind: BreakKind::HeadMismatch,
                item: None,
                detail,
            };
            return Ok(report(next_seq, last_good(next_seq, prev), brk));
        }
    }

    let mut stored_index: BTreeSet<(EventId, u64)> = BTreeSet::new();
    for entry in store.index_entries() {
        stored_index.insert(entry?);
    }
    let missing = expected_index
        .difference(&stored_index)
        .map(|e| (e, "missing from"));
    let extra = stored_index
        .difference(&expected_index)
        .map(|e| (e, "not expected in"));
    if let Some(((item, seq), what)) = missing.chain(extra).min_by_key(|((_, s), _)| *s) {
        let brk = Break {
            seq: *seq,
            kind: BreakKind::IndexMismatch,
            item: names.of(Some(*item)),
            detail: format!(
                "the entry for item {} at seq {seq} is {what} the item index",
                item.hex()
            ),
        };
        return Ok(report(next_seq, last_good(next_seq, prev), brk));
    }

    Ok(VerifyReport {
        events_checked: next_seq,
        head: last_good(next_seq, prev),
        first_break: None,
    })
}
