//! Views as of an instant from a round's frame: the view at seq S is the
//! frame of the last round sealed at or before S (every item as the seal
//! left it), with each item written after that seal replaced by its version
//! after its last event at or before S. `ix_versions` is keyed round ‖ item
//! ‖ seq ([`index::version_key`]), so the versions since a seal are one
//! range of the index, read in key order, instead of a point read per item
//! spread over the whole store (docs/performance.md, "Views as of an
//! instant from a frame"). Also here: an item's version at S on its own
//! (the views that still read item by item), the one-time rewrite of an
//! older store's versions, and how `verify` compares them.

use super::Ledger;
use super::index::{BuildSink, EntryDigest, Expected, IndexDifference, RunDigests};
use crate::domain::{EventHash, EventId};
use crate::error::{Error, Result};
use crate::projection::ItemView;
use crate::projection::index::{
    self, FactKey, FactValue, ItemBuild, Payload, RoundEntry, Snapshot, Tree,
};
use crate::projection::view::NoteView;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Included};

fn corrupt(what: String) -> Error {
    Error::Corrupt { seq: None, what }
}

fn decoded<T: serde::de::DeserializeOwned>(t: Tree, bytes: &[u8]) -> Result<T> {
    index::decode(t, bytes).map_err(corrupt)
}

/// How many entries a cold point read costs against entries read in a
/// range: sled 0.34 reads a whole leaf (up to 16 entries) for either, and
/// the point path reads two per item (its version and its note).
const POINT_READ: u64 = 2 * 16;

impl Ledger {
    /// The seqs of the round seals, ascending (the keys of `ix_rounds`).
    pub fn seal_seqs(&self) -> Result<Vec<u64>> {
        self.store()
            .ix_scan(Tree::Rounds, &[])
            .map(|r| {
                let (k, _) = r?;
                <[u8; 8]>::try_from(k.as_ref())
                    .map(u64::from_be_bytes)
                    .map_err(|_| {
                        corrupt(format!("ix_rounds key of {} bytes cannot be read", k.len()))
                    })
            })
            .collect()
    }

    /// True if the notes are in `ix_notes`, apart from the other facts (a
    /// store an earlier version wrote gets that once, at open).
    pub fn has_notes_apart(&self) -> Result<bool> {
        self.store().has_notes_apart()
    }

    /// Writes the facts of a store an earlier version wrote, whose notes
    /// are among the other facts in `ix_facts`, again with the notes apart
    /// in `ix_notes`, derived from the events by the same fold as the rest
    /// of the index ([`Ledger::build_index`]), once (and again when an
    /// earlier open was stopped before it finished).
    /// `progress(items done, items)`.
    pub fn move_notes(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        self.store().begin_notes()?;
        let Expected { sinks, .. } = self.expected_index(
            BuildSink::each_worker(),
            &|sink: &mut BuildSink, build: ItemBuild| {
                let facts = build
                    .entries
                    .into_iter()
                    .filter(|((tree, _), _)| matches!(tree, Tree::Facts | Tree::Notes));
                self.write_built(sink, facts)
            },
            progress,
        )?;
        self.finish_built(sinks)?;
        self.store().finish_notes()
    }

    /// True if `ix_versions` is keyed by round (a store an earlier version
    /// wrote gets that once, at open).
    pub fn has_versions_by_round(&self) -> Result<bool> {
        self.store().has_versions_by_round()
    }

    /// Writes the versions of a store an earlier version wrote (keyed item ‖
    /// seq) again keyed by round, derived from the events by the same fold
    /// as the rest of the index ([`Ledger::build_index`]), once.
    /// `progress(items done, items)`.
    pub fn build_versions(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        self.store().begin_versions()?;
        let Expected { sinks, .. } = self.expected_index(
            BuildSink::each_worker(),
            &|sink: &mut BuildSink, build: ItemBuild| {
                let versions = build
                    .entries
                    .into_iter()
                    .filter(|((tree, _), _)| *tree == Tree::Versions);
                self.write_built(sink, versions)
            },
            progress,
        )?;
        self.finish_built(sinks)?;
        self.store().finish_versions()
    }

    /// Item `id`'s version after its last event at or before seq `s` (the
    /// note by reference), `seals` the seal seqs; None if it has no event
    /// by then. One read when the item changed since the last seal before
    /// `s`, else the item index says which event, and that version is read.
    pub(crate) fn version_at(
        &self,
        id: EventId,
        s: u64,
        seals: &[u64],
    ) -> Result<Option<Snapshot>> {
        if !self.has_versions_by_round()? {
            return Err(corrupt(
                "the index's versions are in an earlier layout; open the ledger with this version to convert them".into(),
            ));
        }
        let round = index::round_of(seals, s);
        let upper = index::version_key(round, id, s.saturating_add(1));
        let prefix = &upper[..24];
        if let Some((_, v)) = self.store().ix_last_below(Tree::Versions, prefix, &upper)? {
            return decoded(Tree::Versions, &v).map(Some);
        }
        let Some(t) = self.store().item_seq_at(id, s)? else {
            return Ok(None);
        };
        let key = index::version_key(index::round_of(seals, t), id, t);
        match self.store().ix_get(Tree::Versions, &key)? {
            Some(v) => decoded(Tree::Versions, &v).map(Some),
            None => Err(corrupt(format!(
                "the index holds no version of item {} after its event at seq {t}; run `kamerstand verify` for details",
                id.hex()
            ))),
        }
    }

    /// Every item as a view at seq `s` on the latest effective day shows
    /// it, from the frame of the last round sealed at or before `s` and the
    /// versions written since, when that reads fewer pages than a point
    /// read per item changed after `s` would (see `POINT_READ`); None
    /// when it would not, or the index has no frames (the caller reads item
    /// by item).
    pub fn items_as_of(&self, s: u64) -> Result<Option<Vec<ItemView>>> {
        // At the head every item is its latest snapshot.
        let Some(head) = self.head().filter(|h| h.seq > s) else {
            return Ok(None);
        };
        if !self.has_frames()? || !self.has_versions_by_round()? {
            return Ok(None);
        }
        let rounds = self.round_entries()?;
        let n = rounds.partition_point(|r| r.round.seq <= s);
        let (seal, next) = (
            n.checked_sub(1).and_then(|i| rounds.get(i)),
            rounds.get(n).map_or(head.seq, |r| r.round.seq),
        );
        let in_frame = seal.map_or(0, |r: &RoundEntry| {
            // Saturating: the counts are the index's, and a forged one
            // (which `verify` reports) must not overflow here.
            r.counts
                .iter()
                .fold(0u64, |sum, (_, c)| sum.saturating_add(*c as u64))
        });
        let from = seal.map_or(0, |r| r.round.seq);
        // The frame, the round's versions and at most the events since the
        // seal, against two pages per item changed since `s` (at most one
        // per event after it, at most every item).
        let ranges = in_frame
            .saturating_add(next.saturating_sub(from))
            .saturating_add(s.saturating_sub(from));
        let points = POINT_READ
            .saturating_mul((head.seq - s).min(in_frame.saturating_add(s.saturating_sub(from))));
        if ranges > points {
            return Ok(None);
        }
        self.items_from_frame(s)
    }

    /// Every item as a view at seq `s` on the latest effective day shows
    /// it, read from the frame of the last round sealed at or before `s`
    /// and the versions since (none before the first seal), in id order;
    /// None when the index has no frames or its versions are in an earlier
    /// layout. (Public so that the tests hold it to a replay at every seq.)
    ///
    /// The items are read in two halves by id, each on a core of its own:
    /// its frame entries as stored and its versions, a frame entry decoded
    /// only when no version replaces it (or its note is the version's).
    /// Then the notes the versions name that neither their frame entry
    /// holds nor the halves could take: from the events that recorded them
    /// (one range, its halves on both cores) or from `ix_notes`.
    pub fn items_from_frame(&self, s: u64) -> Result<Option<Vec<ItemView>>> {
        if !self.has_frames()? || !self.has_versions_by_round()? {
            return Ok(None);
        }
        let seals = self.seal_seqs()?;
        let from = match seals.partition_point(|x| *x <= s) {
            0 => 0,
            n => seals[n - 1],
        };
        // Ids begin with their registration time: the middle of the first
        // and the last item's splits the items about evenly (any split is
        // right).
        let split = self.middle_item()?;
        let (upper, mut lower) = self.halves(
            || self.half_as_of(from, s, split, None),
            || self.half_as_of(from, s, None, split),
        )?;
        self.frame_held(from, lower.framed + upper.framed)?;
        lower.recorded.extend(upper.recorded);
        lower.facts.extend(upper.facts);
        let mut notes = self.notes_since(lower.recorded, lower.facts)?;
        let mut out = Vec::with_capacity(lower.items.len() + upper.items.len());
        for (mut item, wanted) in lower.items.into_iter().chain(upper.items) {
            if let Some((k, seq)) = wanted {
                // A note key names its item: each is taken once.
                item.note = Some(notes.remove(&k).ok_or_else(|| {
                    corrupt(format!(
                        "the index's version of item {} at seq {seq} names a note that is not in the index",
                        item.id.hex()
                    ))
                })?);
            }
            out.push(item);
        }
        Ok(Some(out))
    }

    /// The middle of the first and the last item's id (None: no items).
    pub(super) fn middle_item(&self) -> Result<Option<EventId>> {
        let first = self
            .store()
            .ix_scan(Tree::Current, &[])
            .next()
            .transpose()?;
        let last = self
            .store()
            .ix_last_below(Tree::Current, &[], &[0xff; 17])?;
        let id = |k: &[u8]| {
            <[u8; 16]>::try_from(k)
                .map(u128::from_be_bytes)
                .map_err(|_| {
                    corrupt(format!(
                        "ix_current key of {} bytes cannot be read",
                        k.len()
                    ))
                })
        };
        Ok(match (first, last) {
            (Some((a, _)), Some((b, _))) => {
                Some(EventId((id(&a)? / 2 + id(&b)? / 2).to_be_bytes()))
            }
            _ => None,
        })
    }

    /// The items with ids in [`lo`, `hi`) (unbounded where None) as a view
    /// at `s` shows them, from the frame of the seal `from` (none when 0)
    /// and the versions since, in id order; a version's note left to the
    /// caller (with the key and the version's seq) unless its frame entry
    /// holds it.
    fn half_as_of(
        &self,
        from: u64,
        s: u64,
        lo: Option<EventId>,
        hi: Option<EventId>,
    ) -> Result<HalfAsOf> {
        let lo_id = lo.unwrap_or(EventId([0; 16]));
        let mut half = HalfAsOf::default();
        let mut frame: Vec<(EventId, sled::IVec)> = Vec::new();
        if from > 0 {
            let a = index::frame_key(from, lo_id);
            let b = index::frame_key(from, hi.unwrap_or(EventId([0xff; 16])));
            for r in
                self.store()
                    .ix_window(Tree::Frames, Included(&a[..]), up_to(&b[..], hi.is_some()))
            {
                let (k, v) = r?;
                let (_, id) = index::frame_key_parts(&k).ok_or_else(|| {
                    corrupt(format!("ix_frames key of {} bytes cannot be read", k.len()))
                })?;
                frame.push((id, v));
            }
        }
        half.framed = frame.len();
        // Per item written after the seal and by `s`, its last version then.
        let mut last: Vec<(EventId, sled::IVec)> = Vec::new();
        let a = index::version_key(from, lo_id, 0);
        let b = match hi {
            Some(id) => index::version_key(from, id, 0),
            None => index::version_key(from, EventId([0xff; 16]), u64::MAX),
        };
        for r in self.store().ix_window(
            Tree::Versions,
            Included(&a[..]),
            up_to(&b[..], hi.is_some()),
        ) {
            let (k, v) = r?;
            let (_, id, seq) = index::version_key_parts(&k).ok_or_else(|| {
                corrupt(format!(
                    "ix_versions key of {} bytes cannot be read",
                    k.len()
                ))
            })?;
            if seq > s {
                continue;
            }
            // An item's versions are in seq order: the last one wins.
            match last.last_mut() {
                Some((other, value)) if *other == id => *value = v,
                _ => last.push((id, v)),
            }
        }
        let framed = |v: &sled::IVec| decoded::<Snapshot>(Tree::Frames, v).map(|s| s.item);
        let mut frame = frame.into_iter().peekable();
        for (id, v) in last {
            while let Some((_, v)) = frame.next_if(|(i, _)| *i < id) {
                half.items.push((framed(&v)?, None));
            }
            let entry = frame.next_if(|(i, _)| *i == id);
            let snap = decoded::<Snapshot>(Tree::Versions, &v)?;
            let mut item = snap.item;
            let Some(k) = snap.note else {
                item.note = None;
                half.items.push((item, None));
                continue;
            };
            // The note as the frame holds it when its values were last given
            // before the seal; recorded since the seal and not corrected:
            // its event; else its entry in `ix_notes`.
            let in_frame = match &entry {
                Some((_, fv)) if k.version < from => framed(fv)?.note.filter(|n| n.seq == k.root),
                _ => None,
            };
            if let Some(n) = in_frame {
                item.note = Some(n);
                half.items.push((item, None));
                continue;
            }
            if k.version > from && k.version == k.root {
                half.recorded.insert(k.version, k);
            } else {
                half.facts.insert(k.to_bytes());
            }
            half.items
                .push((item, Some((k.to_bytes(), snap.source.seq))));
        }
        for (_, v) in frame {
            half.items.push((framed(&v)?, None));
        }
        Ok(half)
    }

    /// The notes `recorded` (by the seq of the event that recorded each)
    /// and `facts` name: from their events (one range when they lie densely
    /// in it, its two halves on both cores; else a read each), and from
    /// `ix_notes` for the rest and any event that is not the note the index
    /// says.
    fn notes_since(
        &self,
        recorded: BTreeMap<u64, FactKey>,
        mut facts: BTreeSet<[u8; index::FACT_KEY_LEN]>,
    ) -> Result<BTreeMap<[u8; index::FACT_KEY_LEN], NoteView>> {
        let mut out = BTreeMap::new();
        let mut found = |notes: NotesFound| {
            out.extend(notes.notes);
            facts.extend(notes.not_notes);
        };
        if let (Some(&lo), Some(&hi)) = (recorded.keys().next(), recorded.keys().next_back()) {
            if (hi - lo) < POINT_READ * recorded.len() as u64 {
                let mid = lo / 2 + hi / 2;
                let (a, b) = self.halves(
                    || self.notes_in_range(&recorded, mid + 1, hi),
                    || self.notes_in_range(&recorded, lo, mid),
                )?;
                found(a);
                found(b);
            } else {
                let mut notes = NotesFound::default();
                for (&seq, k) in &recorded {
                    if let Some((hash, bytes)) = self.store().get(seq)? {
                        notes.note_of(seq, hash, &bytes, *k)?;
                    }
                }
                found(notes);
            }
        }
        for k in facts {
            if let Some(v) = self.store().ix_get(Tree::Notes, &k)?
                && let Payload::Note(n) = decoded::<FactValue>(Tree::Notes, &v)?.payload
            {
                out.insert(k, n);
            }
        }
        Ok(out)
    }

    /// The notes of `recorded` whose events lie in seqs [`lo`, `hi`], read
    /// in one range of the events.
    fn notes_in_range(
        &self,
        recorded: &BTreeMap<u64, FactKey>,
        lo: u64,
        hi: u64,
    ) -> Result<NotesFound> {
        let mut notes = NotesFound::default();
        if lo > hi {
            return Ok(notes);
        }
        for r in self.store().scan_window(lo) {
            let (seq, hash, bytes) = r?;
            if seq > hi {
                break;
            }
            if let Some(k) = recorded.get(&seq) {
                notes.note_of(seq, hash, &bytes, *k)?;
            }
        }
        Ok(notes)
    }
}

/// The upper bound of a half's range: below `key` when the half ends
/// before another item (`before`), else up to and including it.
pub(super) fn up_to(key: &[u8], before: bool) -> std::ops::Bound<&[u8]> {
    if before { Excluded(key) } else { Included(key) }
}

/// What one half of a view as of an instant read: its items in id order,
/// each with the note key (and the version's seq) still to be filled in,
/// and which notes to take from their events and which from `ix_notes`.
#[derive(Default)]
struct HalfAsOf {
    items: Vec<(ItemView, Option<NoteWanted>)>,
    /// The frame entries read.
    framed: usize,
    recorded: BTreeMap<u64, FactKey>,
    facts: BTreeSet<[u8; index::FACT_KEY_LEN]>,
}

/// A version's note still to be read: its key in `ix_notes`, and the
/// version's seq (for the message should it be missing).
type NoteWanted = ([u8; index::FACT_KEY_LEN], u64);

/// Notes read from the events that recorded them, and the keys of those
/// whose event was not the note the index says (read from `ix_notes`).
#[derive(Default)]
struct NotesFound {
    notes: BTreeMap<[u8; index::FACT_KEY_LEN], NoteView>,
    not_notes: Vec<[u8; index::FACT_KEY_LEN]>,
}

impl NotesFound {
    /// The note `k` from its event (seq, stored hash, bytes), checked
    /// against its hash like every event read.
    fn note_of(&mut self, seq: u64, stored: EventHash, bytes: &[u8], k: FactKey) -> Result<()> {
        let rec = super::checked(seq, stored, bytes)?;
        match rec.envelope.body {
            crate::domain::EventBody::ProgressNoted {
                text,
                citations,
                effective,
                ..
            } if effective == k.effective => {
                self.notes.insert(
                    k.to_bytes(),
                    NoteView {
                        seq,
                        effective,
                        recorded_at: rec.envelope.recorded_at,
                        actor: rec.envelope.actor,
                        text,
                        citations,
                    },
                );
            }
            // Not what the index says it is: as the index has it.
            _ => self.not_notes.push(k.to_bytes()),
        }
        Ok(())
    }
}

/// The `ix_versions` entries one run of items gives (the run's items in id
/// order), as one running SHA-256 per round over its entries in key order
/// (each entry as its key's length, key, value's length and value), with
/// their count: what `verify` compares with the stored entries grouped the
/// same way, instead of a range per item (the versions of an item lie in
/// as many places as it has rounds). A digest over an ordered sequence, so
/// that entries chosen by a forger cannot be made to add up to the same.
#[derive(Default)]
pub(super) struct VersionDigests {
    /// The run's first item with versions.
    pub first: Option<EventId>,
    /// Per round (seal seq, 0 before the first).
    rounds: BTreeMap<u64, EntryDigest>,
}

impl VersionDigests {
    /// Adds an expected entry (an item's, in key order, the items in id
    /// order).
    pub fn push(&mut self, key: &[u8], value: &[u8]) {
        if let Some((round, id, _)) = index::version_key_parts(key) {
            self.first.get_or_insert(id);
            self.rounds.entry(round).or_default().push(key, value);
        }
    }
}

/// Compares the stored `ix_versions` with the digests the runs gave (in the
/// runs' order): the entries compared, or the first that differs (named
/// by a second fold when a digest differs).
pub(super) fn check_versions(
    ledger: &Ledger,
    runs: Vec<VersionDigests>,
) -> Result<(u64, Option<IndexDifference>)> {
    let mut bounds: Vec<EventId> = Vec::new();
    let mut want: RunDigests = BTreeMap::new();
    for run in runs {
        let Some(first) = run.first else { continue };
        for (round, d) in run.rounds {
            want.insert((round, bounds.len()), d.finish());
        }
        bounds.push(first);
    }
    let parts = |k: &[u8]| index::version_key_parts(k).map(|(round, id, _)| (round, id));
    let same = ledger.same_digests(Tree::Versions, &bounds, parts, &want)?;
    if same {
        Ok((want.values().map(|(n, _)| n).sum(), None))
    } else {
        Ok((
            0,
            Some(ledger.first_difference_in::<{ index::VERSION_KEY_LEN }>(Tree::Versions)?),
        ))
    }
}
