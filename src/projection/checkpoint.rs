//! Checkpoints: a compacted [`State`] written down at a seq, so that a view
//! loads the nearest earlier checkpoint and folds only the events after it.
//!
//! A checkpoint is derived data, never evidence. It names the seq and the
//! hash of the event it was built at; a reader compares that hash with the
//! chain and checks the SHA-256 of the payload before trusting it, and
//! `verify` rebuilds every checkpoint from the events and compares the bytes.
//! Layout (docs/format.md):
//!
//! ```text
//! "kamerstand/checkpoint/v1\n" ‖ seq u64 BE ‖ event hash[32] ‖ SHA-256(payload)[32] ‖ payload
//! ```
//!
//! The payload is bincode 2 (standard configuration: varints, little-endian)
//! of the structures below. Only compacted items are stored (see
//! [`super::ItemState::compact`]), so a checkpoint's size grows with the
//! number of items, not of events.

use super::state::{Fact, ItemState, Note, Round, State, Tally, in_effect};
use crate::domain::{Day, EventHash, EventId, ItemKey, ItemKind, Legend, Responsible, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// First bytes of every checkpoint.
pub const MAGIC: &[u8] = b"kamerstand/checkpoint/v1\n";
const HEADER: usize = MAGIC.len() + 8 + 32 + 32;

const CONFIG: bincode::config::Configuration = bincode::config::standard();

/// A decoded checkpoint.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// Seq of the last event folded into it.
    pub seq: u64,
    /// Hash of that event.
    pub hash: EventHash,
    /// The compacted state after that event.
    pub state: State,
}

#[derive(Deserialize)]
struct CpFact<T> {
    seq: u64,
    effective: Day,
    value: T,
}

#[derive(Deserialize)]
struct CpNote {
    seq: u64,
    effective: Day,
    recorded_at: Timestamp,
    actor: String,
    text: String,
    citations: Vec<String>,
}

#[derive(Deserialize)]
struct CpItem {
    id: EventId,
    registered_seq: u64,
    key: ItemKey,
    kind: ItemKind,
    text: String,
    submitters: Vec<String>,
    citations: Vec<String>,
    effective: Day,
    withdrawn: bool,
    horizon: Day,
    status: Option<CpFact<String>>,
    responsible: Option<CpFact<Responsible>>,
    note: Option<CpNote>,
    tally: Tally,
}

#[derive(Deserialize)]
struct CpState {
    programme: String,
    title: String,
    legend: Option<Legend>,
    items: Vec<CpItem>,
    rounds: Vec<Round>,
    events: u64,
    head: Option<EventHash>,
    last_recorded: Option<Timestamp>,
}

// What `encode` writes: the structures above, borrowed from the state
// rather than copied (serde writes a borrowed value as the value itself, so
// the bytes are those of the owned structures that `decode` reads).

#[derive(Serialize)]
struct FactOut<'a, T> {
    seq: u64,
    effective: Day,
    value: &'a T,
}

#[derive(Serialize)]
struct NoteOut<'a> {
    seq: u64,
    effective: Day,
    recorded_at: Timestamp,
    actor: &'a str,
    text: &'a str,
    citations: &'a [String],
}

#[derive(Serialize)]
struct ItemOut<'a> {
    id: EventId,
    registered_seq: u64,
    key: &'a ItemKey,
    kind: ItemKind,
    text: &'a str,
    submitters: &'a [String],
    citations: &'a [String],
    effective: Day,
    withdrawn: bool,
    horizon: Day,
    status: Option<FactOut<'a, String>>,
    responsible: Option<FactOut<'a, Responsible>>,
    note: Option<NoteOut<'a>>,
    tally: Tally,
}

struct ItemsOut<'a>(&'a BTreeMap<EventId, ItemState>);

impl Serialize for ItemsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for it in self.0.values() {
            seq.serialize_element(&item_out(it))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct StateOut<'a> {
    programme: &'a str,
    title: &'a str,
    legend: &'a Option<Legend>,
    items: ItemsOut<'a>,
    rounds: &'a [Round],
    events: u64,
    head: Option<EventHash>,
    last_recorded: Option<Timestamp>,
}

fn fact<T>(list: &[Fact<T>]) -> Option<FactOut<'_, T>> {
    in_effect(list, None).map(|f| FactOut {
        seq: f.seq,
        effective: f.effective,
        value: &f.value,
    })
}

/// The compacted form of `it` (what [`ItemState::compact`] keeps), read
/// without copying the item.
fn item_out(it: &ItemState) -> ItemOut<'_> {
    let status = fact(&it.statuses);
    let responsible = fact(&it.assignments);
    let note = it.latest_note().map(|n| NoteOut {
        seq: n.seq,
        effective: n.effective,
        recorded_at: n.recorded_at,
        actor: &n.actor,
        text: &n.text,
        citations: &n.citations,
    });
    let horizon = status
        .iter()
        .map(|f| f.effective)
        .chain(responsible.iter().map(|f| f.effective))
        .chain(note.iter().map(|n| n.effective))
        .max()
        .unwrap_or(it.effective)
        .max(it.effective);
    ItemOut {
        id: it.id,
        registered_seq: it.registered_seq,
        key: &it.key,
        kind: it.kind,
        text: &it.text,
        submitters: &it.submitters,
        citations: &it.citations,
        effective: it.effective,
        withdrawn: it.withdrawn,
        horizon,
        status,
        responsible,
        note,
        tally: it.tally,
    }
}

fn state_out(state: &State) -> StateOut<'_> {
    StateOut {
        programme: &state.programme,
        title: &state.title,
        legend: &state.legend,
        items: ItemsOut(&state.items),
        rounds: &state.rounds,
        events: state.events,
        head: state.head,
        last_recorded: state.last_recorded,
    }
}

fn from_cp(cp: CpState) -> State {
    let items: BTreeMap<EventId, ItemState> = cp
        .items
        .into_iter()
        .map(|c| {
            let item = ItemState {
                id: c.id,
                registered_seq: c.registered_seq,
                key: c.key,
                kind: c.kind,
                original: (c.text.clone(), c.citations.clone(), c.submitters.clone()),
                text: c.text,
                submitters: c.submitters,
                citations: c.citations,
                effective: c.effective,
                withdrawn: c.withdrawn,
                statuses: c
                    .status
                    .map(|f| Fact::new(f.seq, f.effective, f.value))
                    .into_iter()
                    .collect(),
                assignments: c
                    .responsible
                    .map(|f| Fact::new(f.seq, f.effective, f.value))
                    .into_iter()
                    .collect(),
                notes: c
                    .note
                    .map(|n| Note {
                        seq: n.seq,
                        effective: n.effective,
                        recorded_at: n.recorded_at,
                        actor: n.actor,
                        original: (n.effective, n.text.clone()),
                        text: n.text,
                        citations: n.citations,
                        retracted: false,
                    })
                    .into_iter()
                    .collect(),
                amendments: Vec::new(),
                timeline: Vec::new(),
                tally: c.tally,
                corrections: BTreeMap::new(),
                superseded: BTreeMap::new(),
                horizon: Some(c.horizon),
                light: None,
                correction_roots: BTreeMap::new(),
            };
            (item.id, item)
        })
        .collect();
    let mut state = State {
        programme: cp.programme,
        title: cp.title,
        legend: cp.legend,
        items,
        rounds: cp.rounds,
        keys: BTreeMap::new(),
        events: cp.events,
        head: cp.head,
        last_recorded: cp.last_recorded,
    };
    state.reindex();
    state
}

/// The checkpoint bytes of `state` (compacted on the way; `state` itself is
/// not changed). None for a state without events.
pub fn encode(state: &State) -> Option<Vec<u8>> {
    let hash = state.head?;
    let seq = state.events.checked_sub(1)?;
    let payload = bincode::serde::encode_to_vec(state_out(state), CONFIG).ok()?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&hash.0);
    out.extend_from_slice(&Sha256::digest(&payload));
    out.extend_from_slice(&payload);
    Some(out)
}

/// The seq and event hash a checkpoint claims to be built at, read from its
/// header alone.
pub fn header(bytes: &[u8]) -> Result<(u64, EventHash), String> {
    let rest = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| "it does not start with the checkpoint mark".to_string())?;
    if rest.len() < 72 {
        return Err(format!("it is cut short at {} bytes", bytes.len()));
    }
    let seq = u64::from_be_bytes(rest[..8].try_into().map_err(|_| "short header")?);
    let hash = EventHash(rest[8..40].try_into().map_err(|_| "short header")?);
    Ok((seq, hash))
}

/// Decodes and checks a checkpoint: the mark, the payload digest, the
/// payload itself, and that the state it holds is the one its header names.
pub fn decode(bytes: &[u8]) -> Result<Checkpoint, String> {
    let (seq, hash) = header(bytes)?;
    let digest = &bytes[MAGIC.len() + 40..HEADER];
    let payload = &bytes[HEADER..];
    if Sha256::digest(payload).as_slice() != digest {
        return Err("its payload does not match its SHA-256".into());
    }
    let (cp, read): (CpState, usize) = bincode::serde::decode_from_slice(payload, CONFIG)
        .map_err(|e| format!("its payload cannot be decoded ({e})"))?;
    if read != payload.len() {
        return Err(format!("{} bytes follow the payload", payload.len() - read));
    }
    if cp.events != seq + 1 || cp.head != Some(hash) {
        return Err(format!(
            "its state holds {} events, not the {} its header names",
            cp.events,
            seq + 1
        ));
    }
    Ok(Checkpoint {
        seq,
        hash,
        state: from_cp(cp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_state_has_no_checkpoint() {
        assert!(encode(&State::default()).is_none());
    }

    #[test]
    fn damaged_bytes_are_refused() {
        let s = State {
            events: 1,
            head: Some(EventHash([3; 32])),
            ..State::default()
        };
        let good = encode(&s).unwrap();
        let cp = decode(&good).unwrap();
        assert_eq!((cp.seq, cp.hash), (0, EventHash([3; 32])));
        assert_eq!(cp.state, s);
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(decode(&flipped).unwrap_err().contains("SHA-256"));
        assert!(decode(&good[..40]).unwrap_err().contains("cut short"));
        assert!(decode(b"nonsense").unwrap_err().contains("mark"));
        let mut moved = good;
        moved[MAGIC.len() + 7] = 5;
        assert!(decode(&moved).unwrap_err().contains("not the 6"));
    }
}
