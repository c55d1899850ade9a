//! The rules of the ledger's index: what an event writes into it, and how a
//! view is read back out of it. Pure: the store (`ledger::store`) keeps the
//! entries in sled trees, written in the same transaction as the event they
//! derive from; `ledger::verify` rebuilds them from the events and compares.
//!
//! Eight trees, all keyed so that a view at seq S on effective day D reads
//! per item a few entries, not the item's history:
//!
//! - `current`: item id → [`Snapshot`] after the item's last event: its
//!   values on the latest effective day, with its latest note.
//! - `versions`: round ‖ item id ‖ seq → [`Snapshot`] after event seq (the
//!   note by reference), where round is the seq of the last round seal
//!   before the event (0 before the first): a view at S reads the frame of
//!   the last round sealed at or before S and one range of versions, the
//!   round's, instead of a point read per item ([`version_key`]).
//! - `facts`: item id ‖ kind ‖ effective day ‖ root seq ‖ version seq →
//!   [`FactValue`]: every dated status and assignment of responsible
//!   parties as each event left it. A correction closes the entry it
//!   replaces and opens a new one (the *bitemporal* part): a view at S on
//!   day D takes, per item and kind, the last entry at or before D that was
//!   open at S.
//! - `notes`: the progress notes, keyed and valued as `facts` are, in a
//!   tree of their own: a note is a hundred times the size of a status, and
//!   sled reads a whole node of sixteen entries to give one, so statuses
//!   kept among notes would cost a view on a day the notes' bytes too
//!   ([`FactKind::tree`]).
//! - `keys`: folded item key → item id.
//! - `rounds`: seal seq → [`RoundEntry`] (the round and its status counts).
//! - `registry`: what is no item's: the keys that may sign round notes
//!   (`k` ‖ name), the accounts of a shared ledger (`a` ‖ name), each
//!   order set for the items of a kind (`o` ‖ kind ‖ seq, all versions),
//!   and the signatures of round checkpoints (`s` ‖ seal seq ‖ key name).
//! - `frames`: seal seq ‖ item id → [`Snapshot`]: every item as a sealed
//!   round left it (its `current` entry as it stood at the seal, note text
//!   included), so that a view of a round (without an effective day) and a
//!   diff of two rounds read one range of adjacent entries instead of two
//!   point reads per item spread over the whole store.
//!
//! Every value names the event it came from ([`Source`]: seq and hash).

use super::view::{ItemView, NoteView, status_counts};
use super::{ItemState, Round};
use crate::domain::{Day, EventHash, EventId, Legend, Responsible};
use crate::ledger::{Recorded, codec};
use serde::{Deserialize, Serialize};

/// The trees of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tree {
    /// Item id → its latest snapshot.
    Current,
    /// Round ‖ item id ‖ seq → its snapshot after that event.
    Versions,
    /// Item id ‖ kind ‖ day ‖ root ‖ version → a dated fact.
    Facts,
    /// Folded key → item id.
    Keys,
    /// Seal seq → round.
    Rounds,
    /// Keys, accounts and item orders.
    Registry,
    /// Seal seq ‖ item id → the item as the round left it.
    Frames,
    /// Item id ‖ kind ‖ day ‖ root ‖ version → a progress note.
    Notes,
}

impl Tree {
    /// Every tree.
    pub const ALL: [Tree; 8] = [
        Tree::Current,
        Tree::Versions,
        Tree::Facts,
        Tree::Keys,
        Tree::Rounds,
        Tree::Registry,
        Tree::Frames,
        Tree::Notes,
    ];

    /// The sled tree's name.
    pub fn name(self) -> &'static str {
        match self {
            Tree::Current => "ix_current",
            Tree::Versions => "ix_versions",
            Tree::Facts => "ix_facts",
            Tree::Keys => "ix_keys",
            Tree::Rounds => "ix_rounds",
            Tree::Registry => "ix_registry",
            Tree::Frames => "ix_frames",
            Tree::Notes => "ix_notes",
        }
    }
}

/// The event an index entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Its seq.
    pub seq: u64,
    /// Its hash.
    pub hash: EventHash,
}

impl Source {
    /// The source of `rec`.
    pub fn of(rec: &Recorded) -> Source {
        Source {
            seq: rec.envelope.seq,
            hash: rec.hash,
        }
    }
}

/// An item's values after one of its events, on the latest effective day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The event.
    pub source: Source,
    /// The values; in `versions` without the note's text.
    pub item: ItemView,
    /// Where the latest note lies in `notes`.
    pub note: Option<FactKey>,
}

/// The kinds of dated fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FactKind {
    /// A status.
    Status = 1,
    /// Responsible parties.
    Responsible = 2,
    /// A progress note.
    Note = 3,
}

impl FactKind {
    /// The tree that holds the facts of this kind: `notes` for notes,
    /// `facts` for the rest.
    pub fn tree(self) -> Tree {
        match self {
            FactKind::Note => Tree::Notes,
            FactKind::Status | FactKind::Responsible => Tree::Facts,
        }
    }
}

/// Where a dated fact lies in `facts` (or `notes`, [`FactKind::tree`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactKey {
    /// The item.
    pub item: EventId,
    /// What kind of fact.
    pub kind: FactKind,
    /// When it took effect (in this version).
    pub effective: Day,
    /// The event that recorded it.
    pub root: u64,
    /// The event that gave it these values (itself or a correction).
    pub version: u64,
}

/// Length of a `facts` key.
pub const FACT_KEY_LEN: usize = 16 + 1 + 4 + 8 + 8;

impl FactKey {
    /// The key's bytes: ordered by item, kind, day, root, version.
    pub fn to_bytes(self) -> [u8; FACT_KEY_LEN] {
        let mut k = [0u8; FACT_KEY_LEN];
        k[..16].copy_from_slice(&self.item.0);
        k[16] = self.kind as u8;
        k[17..21].copy_from_slice(&day_bytes(self.effective));
        k[21..29].copy_from_slice(&self.root.to_be_bytes());
        k[29..].copy_from_slice(&self.version.to_be_bytes());
        k
    }

    /// Reads a key's bytes.
    pub fn from_bytes(b: &[u8]) -> Option<FactKey> {
        if b.len() != FACT_KEY_LEN {
            return None;
        }
        let kind = match b[16] {
            1 => FactKind::Status,
            2 => FactKind::Responsible,
            3 => FactKind::Note,
            _ => return None,
        };
        let year = u16::from_be_bytes([b[17], b[18]]);
        Some(FactKey {
            item: EventId(b[..16].try_into().ok()?),
            kind,
            effective: Day::from_parts(year, b[19], b[20])?,
            root: u64::from_be_bytes(b[21..29].try_into().ok()?),
            version: u64::from_be_bytes(b[29..].try_into().ok()?),
        })
    }
}

/// A day as four bytes that sort as the days do.
pub fn day_bytes(d: Day) -> [u8; 4] {
    let (y, m, day) = d.parts();
    let y = y.to_be_bytes();
    [y[0], y[1], m, day]
}

/// The lowest and highest `facts` key of an item's facts of one kind on or
/// before `day` (every day when None).
pub fn fact_range(
    item: EventId,
    kind: FactKind,
    day: Option<Day>,
) -> ([u8; FACT_KEY_LEN], [u8; FACT_KEY_LEN]) {
    let mut lo = [0u8; FACT_KEY_LEN];
    lo[..16].copy_from_slice(&item.0);
    lo[16] = kind as u8;
    let mut hi = [0xffu8; FACT_KEY_LEN];
    hi[..16].copy_from_slice(&item.0);
    hi[16] = kind as u8;
    if let Some(d) = day {
        hi[17..21].copy_from_slice(&day_bytes(d));
    }
    (lo, hi)
}

/// What a dated fact says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    /// A status slug.
    Status(String),
    /// Responsible parties.
    Responsible(Responsible),
    /// A progress note.
    Note(NoteView),
}

/// A dated fact as one version of it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactValue {
    /// The event that gave it these values.
    pub source: Source,
    /// The event that replaced or withdrew these values, if any: from then
    /// on this version is not in force.
    pub closed: Option<Source>,
    /// The values.
    pub payload: Payload,
}

impl FactValue {
    /// True if this version is in force in a view at seq `s`.
    pub fn open_at(&self, s: u64) -> bool {
        self.source.seq <= s && self.closed.is_none_or(|c| c.seq > s)
    }
}

/// A sealed round with its status counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundEntry {
    /// The seal.
    pub source: Source,
    /// The round.
    pub round: Round,
    /// How many items stood in each status when it was sealed.
    pub counts: Vec<(String, usize)>,
}

/// One index entry to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its tree.
    pub tree: Tree,
    /// Its key.
    pub key: Vec<u8>,
    /// Its value.
    pub value: Vec<u8>,
}

/// Length of a `versions` key.
pub const VERSION_KEY_LEN: usize = 8 + 16 + 8;

/// A `versions` key: the seq of the last round seal before the event (its
/// round, 0 before the first seal; see [`round_of`]), the item, the event's
/// seq. The versions written after one seal lie together, by item, so that
/// a view as of an instant after that seal reads them in one range on top
/// of the round's frame.
pub fn version_key(round: u64, item: EventId, seq: u64) -> [u8; VERSION_KEY_LEN] {
    let mut k = [0u8; VERSION_KEY_LEN];
    k[..8].copy_from_slice(&round.to_be_bytes());
    k[8..24].copy_from_slice(&item.0);
    k[24..].copy_from_slice(&seq.to_be_bytes());
    k
}

/// The round, item and seq a `versions` key names.
pub fn version_key_parts(k: &[u8]) -> Option<(u64, EventId, u64)> {
    if k.len() != VERSION_KEY_LEN {
        return None;
    }
    Some((
        u64::from_be_bytes(k[..8].try_into().ok()?),
        EventId(k[8..24].try_into().ok()?),
        u64::from_be_bytes(k[24..].try_into().ok()?),
    ))
}

/// The round an event at `seq` falls in: the last of `seals` (seal seqs,
/// ascending) below it, 0 when none is.
pub fn round_of(seals: &[u64], seq: u64) -> u64 {
    match seals.partition_point(|s| *s < seq) {
        0 => 0,
        n => seals[n - 1],
    }
}

/// Length of a `frames` key.
pub const FRAME_KEY_LEN: usize = 8 + 16;

/// A `frames` key: the seal's seq first, so that a round's frame is one
/// range of keys.
pub fn frame_key(seal: u64, item: EventId) -> [u8; FRAME_KEY_LEN] {
    let mut k = [0u8; FRAME_KEY_LEN];
    k[..8].copy_from_slice(&seal.to_be_bytes());
    k[8..].copy_from_slice(&item.0);
    k
}

/// The seal seq and item a `frames` key names.
pub fn frame_key_parts(k: &[u8]) -> Option<(u64, EventId)> {
    if k.len() != FRAME_KEY_LEN {
        return None;
    }
    Some((
        u64::from_be_bytes(k[..8].try_into().ok()?),
        EventId(k[8..].try_into().ok()?),
    ))
}

/// The frame the seal at seq `seal` writes: for every item, its `current`
/// value as it stands when the round is sealed, under the seal's seq. The
/// caller gives each item's `current` value (item id, value bytes; those
/// stored, with what the seal's own batch wrote over them), so that the
/// frame is byte for byte what [`build_item`] derives from the events.
pub fn frame_entries(
    seal: u64,
    currents: impl IntoIterator<Item = (EventId, Vec<u8>)>,
) -> Vec<Entry> {
    currents
        .into_iter()
        .map(|(id, value)| Entry {
            tree: Tree::Frames,
            key: frame_key(seal, id).to_vec(),
            value,
        })
        .collect()
}

fn encoded<T: Serialize>(v: &T) -> Vec<u8> {
    // The index's types are plain data whose encoding cannot fail.
    codec::encode_value(v).unwrap_or_default()
}

/// A dated fact of an item as one version of it stands: what the index
/// writer compares before and after a correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactState {
    /// What kind of fact.
    pub kind: FactKind,
    /// The event that recorded it.
    pub root: u64,
    /// When it takes effect.
    pub effective: Day,
    /// The event that gave it these values.
    pub version: u64,
    /// Withdrawn.
    pub retracted: bool,
    /// The values.
    pub payload: Payload,
}

/// Every dated fact of `it` recorded by event `root`.
pub fn facts_of(it: &ItemState, root: u64) -> Vec<FactState> {
    let mut out = Vec::new();
    for f in it.statuses.iter().filter(|f| f.seq == root) {
        out.push(FactState {
            kind: FactKind::Status,
            root,
            effective: f.effective,
            version: f.version,
            retracted: f.retracted,
            payload: Payload::Status(f.value.clone()),
        });
    }
    for f in it.assignments.iter().filter(|f| f.seq == root) {
        out.push(FactState {
            kind: FactKind::Responsible,
            root,
            effective: f.effective,
            version: f.version,
            retracted: f.retracted,
            payload: Payload::Responsible(f.value.clone()),
        });
    }
    for n in it.notes.iter().filter(|n| n.seq == root) {
        out.push(FactState {
            kind: FactKind::Note,
            root,
            effective: n.effective,
            version: n.version,
            retracted: n.retracted,
            payload: Payload::Note(n.into()),
        });
    }
    out
}

/// The root whose facts an item event may change besides its own: the
/// root of the event a correction corrects.
pub fn touched_root(it: &ItemState, body: &crate::domain::EventBody) -> Option<u64> {
    match body {
        crate::domain::EventBody::Corrected { target_seq, .. } => {
            Some(it.root_of(*target_seq).unwrap_or(*target_seq))
        }
        _ => None,
    }
}

/// The entries an item event `rec` writes: `before` holds the facts of the
/// root it touches (see [`touched_root`]) as they stood before it, `after`
/// is the item once it is applied, `round` the seq of the last round seal
/// before it (0 when none; [`version_key`]).
pub fn item_entries(
    before: &[FactState],
    after: &ItemState,
    rec: &Recorded,
    round: u64,
) -> Vec<Entry> {
    let mut out = entries_of(before, after, rec, round);
    out.push(current_entry(after, Source::of(rec)));
    out
}

/// The `current` entry of `after`, written by the event `src`.
fn current_entry(after: &ItemState, src: Source) -> Entry {
    Entry {
        tree: Tree::Current,
        key: after.id.0.to_vec(),
        value: encoded(&Snapshot {
            source: src,
            item: ItemView::of(after, None),
            note: note_key(after),
        }),
    }
}

/// Where `it`'s latest note lies in `notes`.
fn note_key(it: &ItemState) -> Option<FactKey> {
    it.latest_note().map(|n| FactKey {
        item: it.id,
        kind: FactKind::Note,
        effective: n.effective,
        root: n.seq,
        version: n.version,
    })
}

/// [`item_entries`] but the `current` entry (which only the last event of
/// a batch or a fold needs).
fn entries_of(before: &[FactState], after: &ItemState, rec: &Recorded, round: u64) -> Vec<Entry> {
    let src = Source::of(rec);
    let seq = src.seq;
    let id = after.id;
    let hash_of = |v: u64| after.entry(v).map_or(EventHash::GENESIS, |e| e.hash);
    let mut out = Vec::new();
    let mut put = |f: &FactState, closed: Option<Source>| {
        let key = FactKey {
            item: id,
            kind: f.kind,
            effective: f.effective,
            root: f.root,
            version: f.version,
        };
        out.push(Entry {
            tree: f.kind.tree(),
            key: key.to_bytes().to_vec(),
            value: encoded(&FactValue {
                source: Source {
                    seq: f.version,
                    hash: hash_of(f.version),
                },
                closed,
                payload: f.payload.clone(),
            }),
        });
    };
    let roots: Vec<u64> = std::iter::once(seq)
        .chain(before.iter().map(|f| f.root))
        .collect();
    for root in roots
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<u64>>()
    {
        for now in facts_of(after, root) {
            let was = before
                .iter()
                .find(|b| b.kind == now.kind && b.root == now.root);
            if was.is_some_and(|w| w.version == now.version) {
                continue;
            }
            if let Some(w) = was
                && !w.retracted
            {
                put(w, Some(src));
            }
            if !now.retracted {
                put(&now, None);
            }
        }
    }
    let note = note_key(after);
    let mut view = ItemView::of(after, None);
    view.note = None;
    out.push(Entry {
        tree: Tree::Versions,
        key: version_key(round, id, seq).to_vec(),
        value: encoded(&Snapshot {
            source: src,
            item: view,
            note,
        }),
    });
    if seq == after.registered_seq {
        out.push(key_entry(id, &after.key, src));
    }
    out
}

/// The entry of `ix_keys` item `id`'s registration (`src`) under `key`
/// writes.
pub fn key_entry(id: EventId, key: &crate::domain::ItemKey, src: Source) -> Entry {
    Entry {
        tree: Tree::Keys,
        key: key.folded().into_bytes(),
        value: encoded(&(id, src)),
    }
}

/// The whole index an item's events give (its frames in every round sealed
/// after its first event included), in key order, with the status
/// the item stood in (if it existed) when each of `rounds` (seal seqs,
/// ascending) was sealed: what `verify` compares the stored index with, and
/// what a restore or a migration writes. Each event is first held to the
/// rules of [`super::decide::check_recorded`] against the item as the
/// events before it left it (under `legend`); the first it breaks is kept in
/// [`ItemBuild::broken`], and the fold goes on.
pub fn build_item(
    events: impl IntoIterator<Item = crate::Result<Recorded>>,
    rounds: &[u64],
    legend: &Legend,
) -> crate::Result<ItemBuild> {
    let mut state = super::State {
        legend: Some(legend.clone()),
        ..super::State::default()
    };
    let mut broken = None;
    let mut last: Option<Source> = None;
    let mut entries: std::collections::BTreeMap<(Tree, Vec<u8>), Vec<u8>> = Default::default();
    let mut at_rounds: Vec<Option<String>> = vec![None; rounds.len()];
    let mut status_now: Option<String> = None;
    let mut next_round = 0;
    let mut item = None;
    for rec in events {
        let rec = rec?;
        let seq = rec.envelope.seq;
        while next_round < rounds.len() && rounds[next_round] < seq {
            at_rounds[next_round].clone_from(&status_now);
            // The round's frame holds the item as the events before the
            // seal left it: its `current` entry then.
            if let (Some(it), Some(src)) = (item.and_then(|id| state.items.get(&id)), last) {
                let e = current_entry(it, src);
                entries.insert(
                    (Tree::Frames, frame_key(rounds[next_round], it.id).to_vec()),
                    e.value,
                );
            }
            next_round += 1;
        }
        let id = *item.get_or_insert_with(|| rec.item().unwrap_or(rec.envelope.id));
        if broken.is_none() {
            // A clock may have stepped back a little between the reading
            // that gave "today" and the one that stamped the event.
            let tolerance =
                i64::try_from(crate::ledger::CLOCK_TOLERANCE.as_nanos()).unwrap_or(i64::MAX);
            let stamped = crate::domain::Timestamp::from_unix_nanos(
                rec.envelope
                    .recorded_at
                    .unix_nanos()
                    .saturating_add(tolerance),
            );
            if let Err(e) = super::decide::check_recorded(
                &state,
                &rec.envelope.body,
                Day::in_amsterdam(stamped),
            ) {
                broken = Some(RuleBreak {
                    seq,
                    what: e.to_string(),
                });
            }
        }
        let before = state
            .items
            .get(&id)
            .and_then(|it| touched_root(it, &rec.envelope.body).map(|r| facts_of(it, r)))
            .unwrap_or_default();
        state.apply(&rec);
        let Some(after) = state.items.get(&id) else {
            continue;
        };
        for e in entries_of(&before, after, &rec, round_of(rounds, seq)) {
            entries.insert((e.tree, e.key), e.value);
        }
        last = Some(Source::of(&rec));
        status_now = after.exists_on(None).then(|| after.status().to_string());
    }
    for slot in at_rounds.iter_mut().skip(next_round) {
        slot.clone_from(&status_now);
    }
    let it = item.and_then(|id| state.items.get(&id));
    if let (Some(it), Some(src)) = (it, last) {
        let e = current_entry(it, src);
        for &seal in &rounds[next_round..] {
            entries.insert(
                (Tree::Frames, frame_key(seal, it.id).to_vec()),
                e.value.clone(),
            );
        }
        entries.insert((e.tree, e.key), e.value);
    }
    let key = it.map(|it| it.key.to_string());
    Ok(ItemBuild {
        entries,
        at_rounds,
        broken,
        key,
    })
}

/// What [`build_item`] gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemBuild {
    /// Every entry, by tree and key.
    pub entries: std::collections::BTreeMap<(Tree, Vec<u8>), Vec<u8>>,
    /// The item's status at each round, when it existed then.
    pub at_rounds: Vec<Option<String>>,
    /// The first of its events that breaks a rule of recording.
    pub broken: Option<RuleBreak>,
    /// The item's key (None: its events register none).
    pub key: Option<String>,
}

/// An event the ledger would have refused to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBreak {
    /// Its seq.
    pub seq: u64,
    /// The refusal, in words.
    pub what: String,
}

/// The entry a round seal writes: the round and, from the items as they
/// stand when it is sealed, its status counts.
pub fn round_entry<'a>(
    rec: &Recorded,
    round: &Round,
    legend: &Legend,
    statuses: impl Iterator<Item = &'a str>,
) -> Entry {
    Entry {
        tree: Tree::Rounds,
        key: rec.envelope.seq.to_be_bytes().to_vec(),
        value: encoded(&RoundEntry {
            source: Source::of(rec),
            round: round.clone(),
            counts: status_counts(legend, statuses),
        }),
    }
}

/// What the registry holds under one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Registered {
    /// A key that may sign or cosign round notes.
    Key(super::state::RegisteredKey),
    /// An account of a shared ledger.
    Account(super::state::Account),
    /// The order of the items of a kind.
    Order(crate::domain::ItemKind, Vec<EventId>),
    /// A signer's signature of a round's checkpoint.
    Signature(super::state::RoundSignature),
}

/// The registry key of an order of `kind` set at `seq`.
pub fn order_key(kind: crate::domain::ItemKind, seq: u64) -> Vec<u8> {
    let mut k = vec![b'o', kind_byte(kind)];
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// The byte a kind has in registry keys.
pub fn kind_byte(kind: crate::domain::ItemKind) -> u8 {
    match kind {
        crate::domain::ItemKind::Motie => 1,
        crate::domain::ItemKind::Toezegging => 2,
    }
}

/// The registry entry an event that is no item's writes (a key, an
/// account, an order), from the state after it; None for other events.
pub fn registry_entry(state: &super::State, rec: &Recorded) -> Option<Entry> {
    let src = Source::of(rec);
    let value = match &rec.envelope.body {
        crate::domain::EventBody::KeyRegistered { name, .. } => {
            Registered::Key(state.signing_keys.get(name)?.clone())
        }
        crate::domain::EventBody::AccountCreated { account, .. }
        | crate::domain::EventBody::AccountChanged { account, .. } => {
            Registered::Account(state.accounts.get(account)?.clone())
        }
        crate::domain::EventBody::ItemsOrdered { kind, order } => {
            Registered::Order(*kind, order.clone())
        }
        crate::domain::EventBody::RoundSigned { round, key, .. } => {
            let r = state.round(round)?;
            let sig = state
                .signatures
                .get(&r.seq)?
                .iter()
                .find(|s| s.key == *key)?;
            Registered::Signature(sig.clone())
        }
        _ => return None,
    };
    Some(Entry {
        tree: Tree::Registry,
        key: registry_key(src, &value),
        value: encoded(&(src, value)),
    })
}

/// The key of `ix_registry` an entry is kept under: `k` and a signing
/// key's name, `a` and an account's name, an order's key
/// ([`order_key`], by the seq of the event that set it, `src`), `s`, the
/// seal's seq and a round signature's key name.
pub fn registry_key(src: Source, entry: &Registered) -> Vec<u8> {
    let (tag, rest): (u8, &[u8]) = match entry {
        Registered::Key(k) => (b'k', k.name.as_str().as_bytes()),
        Registered::Account(a) => (b'a', a.account.as_str().as_bytes()),
        Registered::Order(kind, _) => return order_key(*kind, src.seq),
        Registered::Signature(s) => {
            let mut k = vec![b's'];
            k.extend_from_slice(&s.seal_seq.to_be_bytes());
            k.extend_from_slice(s.key.as_str().as_bytes());
            return k;
        }
    };
    let mut k = vec![tag];
    k.extend_from_slice(rest);
    k
}

/// Decodes an index value, naming what could not be read.
pub fn decode<T: serde::de::DeserializeOwned>(tree: Tree, bytes: &[u8]) -> Result<T, String> {
    codec::decode_value(bytes).map_err(|e| format!("{} entry cannot be decoded: {e}", tree.name()))
}

/// The item as a view at seq `s` on `day` shows it: from its snapshot at
/// `s`, with the status, parties and note on `day` taken from its facts.
/// `facts(kind)` yields the item's facts of that kind on or before `day`,
/// latest first.
pub fn resolve<E>(
    snapshot: &Snapshot,
    s: u64,
    day: Day,
    facts: &mut dyn FnMut(FactKind) -> Result<Option<FactValue>, E>,
) -> Result<ItemView, E> {
    let mut item = snapshot.item.clone();
    item.exists = !item.withdrawn && item.effective <= day;
    let _ = s;
    item.status = match facts(FactKind::Status)? {
        Some(FactValue {
            payload: Payload::Status(st),
            ..
        }) => st,
        _ => crate::domain::legend::NOT_STATED.to_string(),
    };
    item.responsible = match facts(FactKind::Responsible)? {
        Some(FactValue {
            payload: Payload::Responsible(r),
            ..
        }) => r,
        _ => Responsible::none(),
    };
    item.note = match facts(FactKind::Note)? {
        Some(FactValue {
            payload: Payload::Note(n),
            ..
        }) => Some(n),
        _ => None,
    };
    Ok(item)
}

/// An item as the index holds it before a write on it, which is enough to
/// decide the write and to derive its entries without folding the item's
/// history, so that such a write costs the same on an item with five
/// events as on one with five thousand: its latest snapshot, and the status
/// and the responsible parties in force on the write's effective day and
/// latest (each the open fact with the highest day, then root). For a
/// batch's progress notes, amendments, and at most one status change and
/// one change of responsible per item ([`Standing::advance`] moves the
/// snapshot on after each); everything else is folded.
/// The entries are the very ones [`item_entries`] gives after a fold: the
/// index's comparison with the events (`verify`, and tests/index.rs) holds
/// them to it.
#[derive(Debug, Clone)]
pub struct Standing {
    /// The item's latest snapshot.
    pub current: Snapshot,
    /// The status in force now (the latest that states one, else the
    /// latest "not stated"; see [`ItemState::status_at`]), with its fact.
    pub latest_status: Option<(FactKey, String)>,
    /// The latest responsible fact in force.
    pub latest_parties: Option<FactKey>,
    /// The status in force on the write's effective day.
    pub status_on: Option<(FactKey, String)>,
    /// The parties in force on the write's effective day.
    pub parties_on: Option<(FactKey, Responsible)>,
}

impl Standing {
    /// The item as [`super::decide::check`] sees it for such a write: its
    /// latest values, and as its statuses and assignments only the ones in
    /// force on the write's day (all that decide asks of them).
    pub fn stand_in(&self) -> ItemState {
        let v = &self.current.item;
        ItemState {
            id: v.id,
            registered_seq: v.registered_seq,
            key: v.key.clone(),
            kind: v.kind,
            text: v.text.clone(),
            submitters: v.submitters.clone(),
            citations: v.citations.clone(),
            effective: v.effective,
            withdrawn: v.withdrawn,
            deadline: v.deadline,
            made_on: v.made_on,
            made_in: v.made_in.clone(),
            previous_responsible: v.previous_responsible.clone(),
            statuses: self
                .status_on
                .iter()
                .map(|(k, s)| super::state::Fact::new(k.root, k.effective, s.clone()))
                .collect(),
            assignments: self
                .parties_on
                .iter()
                .map(|(k, p)| super::state::Fact::new(k.root, k.effective, p.clone()))
                .collect(),
            // The latest note, so that the same note again is refused as
            // on the fold (decide compares the latest one only).
            notes: v
                .note
                .iter()
                .map(|n| super::state::Note {
                    seq: n.seq,
                    effective: n.effective,
                    recorded_at: n.recorded_at,
                    actor: n.actor.clone(),
                    text: n.text.clone(),
                    citations: n.citations.clone(),
                    retracted: false,
                    version: n.seq,
                    original: (n.effective, n.text.clone()),
                })
                .collect(),
            amendments: Vec::new(),
            timeline: Vec::new(),
            tally: v.tally,
            original: (v.text.clone(), v.citations.clone(), v.submitters.clone()),
            corrections: Default::default(),
            superseded: Default::default(),
            correction_roots: Default::default(),
        }
    }

    /// The entries `rec` (a status change, change of responsible, note or
    /// amendment of this item) writes; none for any other event. `round`
    /// is the seq of the last round seal before it (0 when none). The
    /// item's snapshot is then taken to be what it is after `rec`, for the
    /// next write on it in the same batch: a note or an amendment, or a
    /// status change or a change of responsible when none of its kind came
    /// before (the statuses and assignments are not moved on).
    pub fn advance(&mut self, rec: &Recorded, round: u64) -> Vec<Entry> {
        use crate::domain::EventBody as B;
        let src = Source::of(rec);
        let seq = src.seq;
        let mut item = self.current.item.clone();
        let mut note = self.current.note;
        let id = item.id;
        // The new fact is the latest unless one in force lies on a later
        // day: it has the highest root of all.
        let latest = |k: Option<FactKey>, day: Day| k.is_none_or(|k| day >= k.effective);
        let fact = |kind, effective, payload| {
            let key = FactKey {
                item: id,
                kind,
                effective,
                root: seq,
                version: seq,
            };
            Entry {
                tree: kind.tree(),
                key: key.to_bytes().to_vec(),
                value: encoded(&FactValue {
                    source: src,
                    closed: None,
                    payload,
                }),
            }
        };
        let mut out = Vec::new();
        match &rec.envelope.body {
            B::StatusChanged {
                status, effective, ..
            } => {
                item.tally.status_changes += 1;
                // "Not stated" never overrides a stated status, nor gives
                // way to a later one.
                let stated = |s: &str| s != crate::domain::legend::NOT_STATED;
                let wins = match &self.latest_status {
                    None => true,
                    Some((k, now)) => match (stated(status), stated(now)) {
                        (true, false) => true,
                        (false, true) => false,
                        _ => *effective >= k.effective,
                    },
                };
                if wins {
                    item.status.clone_from(status);
                }
                out.push(fact(
                    FactKind::Status,
                    *effective,
                    Payload::Status(status.clone()),
                ));
            }
            B::ResponsibilityChanged {
                responsible,
                effective,
                ..
            } => {
                item.tally.reassignments += 1;
                if latest(self.latest_parties, *effective) {
                    item.responsible = responsible.clone();
                }
                out.push(fact(
                    FactKind::Responsible,
                    *effective,
                    Payload::Responsible(responsible.clone()),
                ));
            }
            B::ProgressNoted {
                text,
                citations,
                effective,
                ..
            } => {
                item.tally.notes += 1;
                let view = NoteView {
                    seq,
                    effective: *effective,
                    recorded_at: rec.envelope.recorded_at,
                    actor: rec.envelope.actor.clone(),
                    text: text.clone(),
                    citations: citations.clone(),
                };
                if latest(note, *effective) {
                    item.note = Some(view.clone());
                    note = Some(FactKey {
                        item: id,
                        kind: FactKind::Note,
                        effective: *effective,
                        root: seq,
                        version: seq,
                    });
                }
                out.push(fact(FactKind::Note, *effective, Payload::Note(view)));
            }
            B::ItemAmended {
                text,
                citations,
                submitters,
                ..
            } => {
                item.tally.amendments += 1;
                if let Some(t) = text {
                    item.text.clone_from(t);
                }
                if let Some(c) = citations {
                    item.citations.clone_from(c);
                }
                if let Some(s) = submitters {
                    item.submitters.clone_from(s);
                }
            }
            _ => return Vec::new(),
        }
        let mut version = item.clone();
        version.note = None;
        out.push(Entry {
            tree: Tree::Versions,
            key: version_key(round, id, seq).to_vec(),
            value: encoded(&Snapshot {
                source: src,
                item: version,
                note,
            }),
        });
        self.current = Snapshot {
            source: src,
            item,
            note,
        };
        out.push(Entry {
            tree: Tree::Current,
            key: id.0.to_vec(),
            value: encoded(&self.current),
        });
        out
    }
}
